"""Every market of an entry into several countries is stored, shown on the web pages and named in the digest.

item_events was unique on (item, entity, type): "opens its first stores in Romania and Bulgaria" kept Romania alone.
Revision 0009 makes it unique on the market too (and once per item, entity and type for the events without one),
on SQLite and PostgreSQL, upgraded from 0008 with events in it; a downgrade keeps the first of each."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from tests.conftest import (
    FeedServer,
    Route,
    WatcherProcesses,
    free_port,
    rfc822_ago,
    rss,
    wait_until,
    watcher_log,
    write_config,
)
from tests.pg import downgrade
from tests.web_daemon import quiet_zone, request, start_web_daemon
from watcher.clock import utcnow
from watcher.config import load_config
from watcher.digest.wording import Fact, gist
from watcher.models import ItemEvent, StoryItem
from watcher.store import Database, schema_revision, upgrade_schema
from watcher.store.browse import story_events
from watcher.store.stories import stored_stories
from watcher.store.story_saving import AnalysedItem, save_analysis

TITLE = "Acme opens its first stores in Romania and Bulgaria"
EVIDENCE = "Acme opens its first stores in Romania and Bulgaria"


def _feed_item_entity(connection: object) -> None:
    now = utcnow()
    connection.execute(  # type: ignore[attr-defined]
        text(
            "insert into feeds (id, url, active, next_poll_at, consecutive_failures, created_at, redirect_streak)"
            " values (1, 'u', true, :now, 0, :now, 0)"
        ),
        {"now": now},
    )
    connection.execute(  # type: ignore[attr-defined]
        text(
            "insert into items (id, feed_id, identity, title, summary, content, first_seen_at)"
            " values (1, 1, 'i1', :title, '', '', :now)"
        ),
        {"title": TITLE, "now": now},
    )
    connection.execute(  # type: ignore[attr-defined]
        text(
            "insert into entities (id, name, fingerprint, active, created_at, updated_at)"
            " values (1, 'Acme', 'f', true, :now, :now)"
        ),
        {"now": now},
    )


def _event(connection: object, event_id: int, event_type: str, market: str | None) -> None:
    connection.execute(  # type: ignore[attr-defined]
        text(
            "insert into item_events (id, item_id, entity_id, story_id, type, market, evidence, created_at)"
            " values (:id, 1, 1, null, :type, :market, :evidence, :now)"
        ),
        {"id": event_id, "type": event_type, "market": market, "evidence": EVIDENCE, "now": utcnow()},
    )


def _stored(db: Database) -> list[tuple[str, str | None]]:
    with db.engine.connect() as connection:
        rows = connection.execute(text("select type, market from item_events order by id")).all()
    return [(row[0], row[1]) for row in rows]


def test_upgrade_keeps_the_events_and_stores_a_second_market_downgrade_keeps_the_first(database: Database) -> None:
    upgrade_schema(database.engine, "0008_short_article_keys")
    with database.engine.begin() as connection:
        _feed_item_entity(connection)
        _event(connection, 1, "market_entry", "RO")
        _event(connection, 2, "partnership", None)
        with pytest.raises(IntegrityError), connection.begin_nested():
            _event(connection, 3, "market_entry", "BG")  # before 0009: one market per item, entity and type
    upgrade_schema(database.engine)
    assert schema_revision(database.engine) == "0009_event_markets"
    assert _stored(database) == [("market_entry", "RO"), ("partnership", None)]
    with database.engine.begin() as connection:
        _event(connection, 3, "market_entry", "BG")
        with pytest.raises(IntegrityError), connection.begin_nested():
            _event(connection, 4, "market_entry", "BG")  # the same market twice
        with pytest.raises(IntegrityError), connection.begin_nested():
            _event(connection, 5, "partnership", None)  # an event without a market twice
    assert _stored(database) == [("market_entry", "RO"), ("partnership", None), ("market_entry", "BG")]

    downgrade(database, "0008_short_article_keys")
    assert _stored(database) == [("market_entry", "RO"), ("partnership", None)]
    with database.engine.begin() as connection, pytest.raises(IntegrityError):
        _event(connection, 6, "market_entry", "BG")  # the old constraint is back


def test_every_market_is_saved_once_and_read_back_for_the_digest_and_the_page(database: Database) -> None:
    upgrade_schema(database.engine)
    with database.engine.begin() as connection:
        _feed_item_entity(connection)
    events = [
        ("market_entry", "Acme", "RO", EVIDENCE),
        ("market_entry", "Acme", "BG", EVIDENCE),
        ("partnership", "Acme", None, EVIDENCE),
    ]
    analysed = AnalysedItem(1, "story-1", utcnow(), "en", "Feed", ["Acme"], events)
    with database.session() as session:
        assert save_analysis(session, [analysed], utcnow()) == 3
        session.commit()
    with database.session() as session:  # analysed again (a backfill): nothing twice
        assert save_analysis(session, [analysed], utcnow()) == 0
        session.commit()
    with database.session() as session:
        stored = stored_stories(session, [1])
        [story_id] = stored.events
        facts = [Fact(event.entity, event.type, event.market) for event in stored.events[story_id]]
        assert gist(facts, lambda _name: 0) == "Acme · market entry · Romania, Bulgaria · partnership"
        lines = story_events(session, story_id)
        assert [(line.type, line.markets) for line in lines] == [("market_entry", ("RO", "BG")), ("partnership", ())]


@pytest.mark.slow
def test_the_daemon_stores_both_markets_and_shows_them_on_its_pages_and_in_the_digest(
    tmp_path: Path, feed_server: FeedServer, watcher_processes: WatcherProcesses
) -> None:
    feed_server.routes["/ro.xml"] = Route(
        body=rss(
            {
                "title": TITLE,
                "link": "https://news.example/acme-balkans",
                "pubDate": rfc822_ago(hours=2),
                "description": "<p>The Dutch retailer Acme will open ten shops in Bucharest and Sofia this year.</p>",
            },
            language="en",
        )
    )
    port = free_port()
    config = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/ro.xml")}],
        entities=[{"name": "Acme", "aliases": ["Acme"]}],
        http={"listen": f"127.0.0.1:{port}"},
        digest={"time": "23:59", "timezone": quiet_zone(), "recipients": ["analyst@example.com"]},
    )
    start_web_daemon(watcher_processes, config, port, tmp_path)
    db = Database(load_config(config).database_url)
    try:

        def markets() -> list[str | None]:
            with db.session() as session:
                return list(session.scalars(select(ItemEvent.market).order_by(ItemEvent.id)))

        assert wait_until(lambda: markets() == ["RO", "BG"], 60), (markets(), watcher_log(tmp_path))
        with db.session() as session:
            story_id = session.scalars(select(StoryItem.story_id)).one()
    finally:
        db.dispose()
    page = request(port, "GET", f"/stories/{story_id}")
    assert page.status == 200 and "market entry · RO, BG" in page.body, page.body
    page = request(port, "GET", "/entities/Acme")
    assert page.status == 200 and "market entry · RO, BG" in page.body, page.body
    code, output = watcher_processes.run(config, "digest", "--preview", str(tmp_path / "preview.html"))
    assert code == 0, output
    assert "Acme · market entry · Romania, Bulgaria" in (tmp_path / "preview.html").read_text(encoding="utf-8")
