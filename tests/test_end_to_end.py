"""The whole pipeline through real servers: HTTP feed → poll → SQLite → digest → SMTP (aiosmtpd)."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.conftest import (
    FOUNDING_LINK,
    ROME,
    FeedServer,
    Route,
    SmtpServer,
    ago,
    founding_feed,
    rfc822_ago,
    rss,
    write_config,
)
from watcher.cli import main
from watcher.config import load_config
from watcher.models import Delivery, Digest, Entity, Item, Match
from watcher.store import Database

pytestmark = pytest.mark.clock  # first_poll_alert_age and the digest's day are measured from now


def invoke(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    return result.exit_code, result.output


def matches_by_item(config_path: Path) -> dict[str, set[str]]:
    database = Database(load_config(config_path).database_url)
    try:
        with database.session() as session:
            rows = session.execute(
                select(Item.title, Entity.name)
                .join(Match, Match.item_id == Item.id)
                .join(Entity, Entity.id == Match.entity_id)
            ).all()
    finally:
        database.dispose()
    found: dict[str, set[str]] = {}
    for title, entity in rows:
        found.setdefault(title, set()).add(entity)
    return found


def test_founding_article_is_polled_matched_and_mailed_once(
    tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpServer
) -> None:
    published = ago(hours=2)
    feed_server.routes["/it.xml"] = Route(body=founding_feed(published), etag='"v1"')
    config = write_config(
        tmp_path, feeds=[{"url": feed_server.url("/it.xml"), "name": "TecnoNotizie"}], smtp_port=smtp_server.port
    )

    code, output = invoke(config, "poll", "--once")
    assert code == 0, output
    assert "1 ok" in output and "0 failed" in output
    assert "new items: 3" in output and "new matches: 4" in output

    found = matches_by_item(config)
    assert found["Xiaomi pronta a sbarcare in Corea del Sud"] == {"Xiaomi", "Mi Pay", "Korea"}
    assert found["Mi Band 10 ufficiale"] == {"Xiaomi"}  # "Mi Band" is not "Mi Pay"
    assert "Fibra ottica, nuovi comuni collegati" not in found

    code, output = invoke(config, "digest")
    assert code == 0, output
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.get_payload()
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")  # HTML last
    assert message["To"] == "analyst@example.com"
    assert message["Subject"] == "watcher: 2 new stories — Xiaomi 2, Mi Pay 1, Korea 1"

    text = plain.get_content().replace("\r\n", "\n")
    founding = text[text.index("* Xiaomi · market entry · South Korea") :].split("\n\n")[0]
    assert "[Xiaomi] [Mi Pay] [Korea]" in founding  # one story, its three entities as chips
    assert "Xiaomi pronta a sbarcare in Corea del Sud\n" in founding and FOUNDING_LINK in founding
    quote = founding.split("“")[1].split("”")[0]
    assert "»Xiaomi«" in quote and quote != "Xiaomi pronta a sbarcare in Corea del Sud"  # the body, marked
    assert "TecnoNotizie (it) · 2 h ago" in founding  # source, language and age in the digest's zone
    assert text.count("Xiaomi pronta a sbarcare") == 1 and text.count(FOUNDING_LINK) == 1
    band = next(block for block in text.split("\n* ") if "Mi Band 10 ufficiale" in block)
    assert "[Xiaomi]" in band and "Mi Pay]" not in band  # "Mi Band" is not "Mi Pay"

    page = html.get_content()
    assert page.count(f'href="{FOUNDING_LINK}"') == 1
    for entity in ("Xiaomi", "Mi Pay", "Korea"):
        assert re.search(rf'class="(?:chip|subject)"[^>]*>{entity}</span>', page), entity
    assert re.search(r"<mark[^>]*>Xiaomi</mark>", page)
    assert published.astimezone(ROME).strftime("%Y-%m-%d") in page or "2 h ago" in page.replace("&nbsp;", " ")

    # A second poll stores nothing new (and asks conditionally); a second digest sends nothing.
    code, output = invoke(config, "poll", "--once")
    assert code == 0 and "new items: 0" in output
    assert feed_server.requests_to("/it.xml")[-1].headers.get("if-none-match") == '"v1"'
    code, output = invoke(config, "digest")
    assert code == 0 and "nothing new" in output
    assert len(smtp_server.messages) == 1


def test_second_fetch_is_conditional_and_304_is_honoured(tmp_path: Path, feed_server: FeedServer) -> None:
    modified = rfc822_ago(hours=3)
    feed_server.routes["/feed"] = Route(body=founding_feed(), etag='"abc"', last_modified=modified)
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/feed")}])

    assert invoke(config, "poll", "--once")[0] == 0
    first = feed_server.requests_to("/feed")[0]
    assert "if-none-match" not in first.headers and "watcher/" in first.headers["user-agent"]

    code, output = invoke(config, "poll", "--once")
    assert code == 0 and "(1 unchanged)" in output
    second = feed_server.requests_to("/feed")[1]
    assert second.headers["if-none-match"] == '"abc"'
    assert second.headers["if-modified-since"] == modified


def _delivery_state(config_path: Path) -> list[tuple[int | None, str | None]]:
    """(digest id, digest status) of each match, (None, None) where no digest has claimed it."""
    database = Database(load_config(config_path).database_url)
    try:
        with database.session() as session:
            rows = session.execute(
                select(Delivery.digest_id, Digest.status)
                .select_from(Match)
                .outerjoin(Delivery, Delivery.match_id == Match.id)
                .outerjoin(Digest, Delivery.digest_id == Digest.id)
            )
            return [tuple(row) for row in rows]
    finally:
        database.dispose()


def test_smtp_refusal_leaves_every_match_undelivered(
    tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpServer
) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}], smtp_port=smtp_server.port)
    assert invoke(config, "poll", "--once")[0] == 0

    # 4xx: temporary. The message stays pending; nothing counts as delivered.
    smtp_server.handler.reply = "451 4.3.0 Mailbox temporarily unavailable"
    code, output = invoke(config, "digest")
    assert code == 1 and "will retry" in output
    states = _delivery_state(config)
    assert len(states) == 4 and all(status == "pending" for _, status in states)

    # 5xx: permanent. The digest is marked failed and its matches go back to the pool.
    smtp_server.handler.reply = "554 5.7.1 Message rejected"
    database = Database(load_config(config).database_url)
    with database.session() as session:  # make the pending digest due for its retry now
        for digest in session.scalars(select(Digest)):
            digest.next_attempt_at = None
    database.dispose()
    code, output = invoke(config, "digest")
    assert code == 1 and "matches kept" in output
    assert all(digest_id is None for digest_id, _ in _delivery_state(config))
    assert smtp_server.messages == []

    # The server accepts again: everything is delivered, once.
    smtp_server.handler.reply = None
    code, output = invoke(config, "digest")
    assert code == 0, output
    assert len(smtp_server.messages) == 1
    assert all(status == "sent" for _, status in _delivery_state(config))
    assert invoke(config, "digest")[1].strip().endswith("nothing new, none sent")


def test_temporary_failure_is_retried_with_the_identical_message(
    tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpServer
) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}], smtp_port=smtp_server.port)
    assert invoke(config, "poll", "--once")[0] == 0
    smtp_server.handler.reply = "421 4.7.0 Try again later"
    assert invoke(config, "digest")[0] == 1
    database = Database(load_config(config).database_url)
    with database.session() as session:
        pending = session.scalars(select(Digest)).one()
        stored_id, pending.next_attempt_at = pending.message_id, None
    database.dispose()

    smtp_server.handler.reply = None
    assert invoke(config, "digest")[0] == 0
    assert [m["Message-ID"] for m in smtp_server.messages] == [stored_id]


def test_a_busy_day_lists_max_items_and_attaches_every_story(tmp_path: Path, feed_server: FeedServer) -> None:
    topics = ["opens a store in Milan", "recalls power banks", "beats forecasts", "names a new CFO",
              "sues a rival over patents", "cuts 900 jobs", "buys a chip designer"]  # fmt: skip
    items = [{"title": f"Xiaomi {topic}", "link": f"https://news.example/{n}"} for n, topic in enumerate(topics)]
    feed_server.routes["/busy.xml"] = Route(body=rss(*items))
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/busy.xml")}], digest={"max_items": 3})
    code, output = invoke(config, "run", "--once")
    assert code == 0, output
    outbox = tmp_path / "state" / "outbox"
    (eml,), (listing,) = sorted(outbox.glob("*.eml")), sorted(outbox.glob("*.csv"))
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    body = message.get_body(("plain",)).get_content()
    assert body.count("https://news.example/") == 3
    assert "4 more stories not listed here" in body
    rows = list(csv.reader(io.StringIO(listing.read_text(encoding="utf-8"))))
    assert sorted(row[6] for row in rows[1:]) == sorted(item["link"] for item in items)  # every story's report


def test_outbox_is_used_without_smtp_host(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    code, output = invoke(config, "run", "--once")
    assert code == 0, output
    outbox = tmp_path / "state" / "outbox"
    emls, pages = sorted(outbox.glob("*.eml")), sorted(outbox.glob("*.html"))
    assert len(emls) == 1 and len(pages) == 1
    assert FOUNDING_LINK.encode() in emls[0].read_bytes()
    assert "Xiaomi</mark>" in pages[0].read_text(encoding="utf-8")
    assert oct(outbox.stat().st_mode & 0o777) == "0o700"
