"""Search over stored items on both engines (SQLite FTS5, PostgreSQL full-text search), through the real
path: a polling pass stores the items, the follow-up indexes them, and the same queries find the same items."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

from tests.conftest import FeedServer, Route, ago, rfc822_ago, rss, write_config
from watcher.app import Watcher
from watcher.config import load_config
from watcher.models import Item
from watcher.search import parse_query, search
from watcher.search.index import index_pending

pytestmark = pytest.mark.clock


def items() -> list[dict[str, str]]:
    """Dated relative to now, as the test runs (with --clock-shift too)."""
    return [
        {
            "title": "Xiaomi pronta a sbarcare in Corea del Sud",
            "link": "https://it.example/xiaomi-corea",
            "description": "<p>Un brevetto per il servizio di pagamento Mi Pay. Société Générale è prudente.</p>",
            "pubDate": rfc822_ago(hours=3),
        },
        {
            "title": "샤오미, 한국 시장 진출 본격화",
            "link": "https://ko.example/1",
            "description": "<p>샤오미는 모바일 결제 서비스 미페이를 국내에 출원했다.</p>",
            "pubDate": rfc822_ago(hours=2),
        },
        {
            "title": "小米进军韩国市场",
            "link": "https://zh.example/1",
            "description": "<p>小米支付服务已在韩国申请商标。</p>",
            "pubDate": rfc822_ago(hours=1),
        },
        {
            "title": "Mi Band 10 ufficiale",
            "link": "https://it.example/band",
            "description": "<p>Xiaomi presenta la nuova Mi Band.</p>",
            "pubDate": rfc822_ago(days=20),
        },
        {
            "title": "Receta: mi pay de limón",
            "link": "https://es.example/pay",
            "description": "<p>El mejor pay de limón de la abuela.</p>",
            "pubDate": rfc822_ago(days=2),
        },
    ]


def arabic_items() -> list[dict[str, str]]:
    return [
        {
            "title": "هاتف جديد",
            "link": "https://ar.example/1",
            "description": "<p>شاومي تكشف عن هاتف جديد، ولشاومي خطط للتوسع في مصر.</p>",
            "pubDate": rfc822_ago(days=3),
        }
    ]


ENTITIES = [
    {"name": "Xiaomi", "aliases": ["Xiaomi", "샤오미", "小米", "شاومي"]},
    {"name": "Mi Pay", "aliases": [{"text": "Mi Pay", "case_sensitive": True}, "미페이", "小米支付"]},
]


@pytest.fixture(params=["sqlite", "postgresql"])
def watcher(request: pytest.FixtureRequest, tmp_path: Path, feed_server: FeedServer) -> Iterator[Watcher]:
    feed_server.routes["/news.xml"] = Route(body=rss(*items(), title="Mixed news"))
    feed_server.routes["/ar.xml"] = Route(body=rss(*arabic_items(), title="Arabic news", language="ar"))
    extra = {"database": request.getfixturevalue("pg_url")} if request.param == "postgresql" else {}
    path = write_config(
        tmp_path,
        feeds=[
            {"url": feed_server.url("/news.xml"), "name": "Mixed news", "first_poll_alert_age": "30d"},
            {"url": feed_server.url("/ar.xml"), "name": "Arabic news", "first_poll_alert_age": "30d"},
        ],
        entities=ENTITIES,
        **extra,
    )
    opened = Watcher.open(load_config(path))

    async def poll_once() -> None:
        try:
            await opened.poll(everything=True)
        finally:
            await opened.aclose()  # the poller's workers; the database stays usable

    asyncio.run(poll_once())
    opened.follow_up()
    yield opened
    opened.close()


def titles(watcher: Watcher, text: str) -> list[str]:
    with watcher.db.session() as session:
        return [hit.title for hit in search(session, parse_query(text, ago())).hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Mi Pay", ["Receta: mi pay de limón", "Xiaomi pronta a sbarcare in Corea del Sud"]),
        ('"mi pay" -limon', ["Xiaomi pronta a sbarcare in Corea del Sud"]),
        ("미페이", ["샤오미, 한국 시장 진출 본격화"]),
        ("샤오미", ["샤오미, 한국 시장 진출 본격화"]),
        ("小米支付", ["小米进军韩国市场"]),
        ("支付", ["小米进军韩国市场"]),
        ("societe generale", ["Xiaomi pronta a sbarcare in Corea del Sud"]),
        ("SOCIÉTÉ", ["Xiaomi pronta a sbarcare in Corea del Sud"]),
        ("band OR limon", ["Receta: mi pay de limón", "Mi Band 10 ufficiale"]),
        ("pay* entity:Xiaomi", ["Xiaomi pronta a sbarcare in Corea del Sud"]),
        ("xiaomi since:7d", ["Xiaomi pronta a sbarcare in Corea del Sud"]),
        ("feed:mixed 韩国", ["小米进军韩国市场"]),
        (
            'entity:"Mi Pay"',
            ["小米进军韩国市场", "샤오미, 한국 시장 진출 본격화", "Xiaomi pronta a sbarcare in Corea del Sud"],
        ),
        ("nothingatall", []),
    ],
)
def test_the_same_queries_find_the_same_items_on_both_engines(
    watcher: Watcher, query: str, expected: list[str]
) -> None:
    assert titles(watcher, query) == expected


def test_results_highlight_what_was_found_and_never_carry_markup(watcher: Watcher) -> None:
    with watcher.db.session() as session:
        [hit] = search(session, parse_query("미페이", ago())).hits
    assert hit.snippet is not None
    marked = [text for text, highlighted in hit.snippet.segments() if highlighted]
    assert marked == ["미페이"]
    assert "<p>" not in hit.snippet.text


def test_highlights_take_in_the_forms_the_matcher_reads(watcher: Watcher) -> None:
    """A name with a prefix joined to it is marked as the item's entities are found, in its language: "ولشاومي" with
    "شاومي" (the feed says Arabic)."""
    with watcher.db.session() as session:
        [hit] = search(session, parse_query("شاومي", ago())).hits
    assert hit.snippet is not None
    assert [text for text, highlighted in hit.snippet.segments() if highlighted] == ["شاومي", "ولشاومي"]


def test_new_items_are_indexed_once_and_deleted_items_leave_the_index(watcher: Watcher) -> None:
    with watcher.db.session() as session:
        assert index_pending(session, ago()) == 0  # everything was indexed by the follow-up
        session.execute(delete(Item).where(Item.title == "Mi Band 10 ufficiale"))
    assert titles(watcher, "band") == []
