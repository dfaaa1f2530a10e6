"""The mail server down for a while, then back: nothing is lost, and everything is delivered once.

Two outages: the SMTP port closed (nothing listening: connection refused), and a server answering
DATA with 451. While it lasts the digest stays pending with its matches claimed, attempts counted and
the next attempt backed off (2, 4, ... minutes); once the server is back the identical message (same
Message-ID, same bytes) goes out once, with every match.

The retry time is moved to the past in the database instead of waiting minutes. The daemon checks
for digests to retry only after its first poll and every 5 minutes (DIGEST_CATCH_UP_MINUTES): the
retries are made with `watcher digest`, and by restarting the daemon (its start-up check).
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select, update

from tests.conftest import (
    FOUNDING_LINK,
    FeedServer,
    RecordingHandler,
    Route,
    SmtpServer,
    founding_feed,
    free_port,
    rss,
    wait_until,
    watcher_log,
    write_config,
)
from watcher.cli import main
from watcher.config import load_config
from watcher.deliver import RETRY_BASE
from watcher.models import Delivery, Digest, Item, Match
from watcher.store import Database

# Retry times and backoff are compared with now; the digest is the day's.
pytestmark = pytest.mark.clock

WAIT_SECONDS = 30.0


def wait_for(condition: Callable[[], bool], seconds: float = WAIT_SECONDS, step: float = 0.1) -> bool:
    return wait_until(condition, seconds, step)


def invoke(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    return result.exit_code, result.output


@dataclass(frozen=True)
class DigestRow:
    id: int
    status: str
    attempts: int
    next_attempt_at: datetime | None
    message_id: str | None
    message: bytes | None
    last_error: str | None
    lease_owner: str | None


def digests(config: Path) -> list[DigestRow]:
    database = Database(load_config(config).database_url)
    try:
        with database.session() as session:
            return [
                DigestRow(
                    d.id,
                    d.status,
                    d.attempts,
                    d.next_attempt_at,
                    d.message_id,
                    d.message,
                    d.last_error,
                    d.send_lease_owner,
                )
                for d in session.scalars(select(Digest).order_by(Digest.id))
            ]
    finally:
        database.dispose()


def claims(config: Path) -> dict[str, int | None]:
    """The digest that claimed each match (by '<link> <entity id>'), None where none has."""
    database = Database(load_config(config).database_url)
    try:
        with database.session() as session:
            rows = session.execute(
                select(Item.link, Match.entity_id, Delivery.digest_id)
                .select_from(Match)
                .join(Item, Match.item_id == Item.id)
                .outerjoin(Delivery, Delivery.match_id == Match.id)
            ).all()
    finally:
        database.dispose()
    found: dict[str, int | None] = {}
    for link, entity_id, digest_id in rows:
        key = f"{link} {entity_id}"
        assert key not in found, f"{key} claimed twice"
        found[key] = digest_id
    return found


def retry_now(config: Path) -> None:
    """Make every pending digest due for its retry (instead of waiting out the backoff)."""
    database = Database(load_config(config).database_url)
    try:
        with database.session() as session:
            session.execute(
                update(Digest)
                .where(Digest.status == "pending")
                .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
            )
    finally:
        database.dispose()


def second_feed(*titles: str) -> bytes:
    now = datetime.now(UTC)
    return rss(
        *(
            {
                "title": title,
                "link": f"https://news.example.com/{index}",
                "guid": f"https://news.example.com/{index}",
                "pubDate": format_datetime(now - timedelta(minutes=index)),
                "description": f"<p>{title}.</p>",
            }
            for index, title in enumerate(titles)
        ),
        language="en",
    )


def plain(message: object) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[attr-defined]


# --- connection refused, then a server: `watcher digest` --------------------------------------------


def test_smtp_unreachable_then_back_delivers_every_match_once(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    feed_server.routes["/en.xml"] = Route(body=second_feed("Xiaomi opens a store in Seoul", "South Korea exports"))
    port = free_port()  # nothing listens there: connection refused
    config = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/it.xml")}, {"url": feed_server.url("/en.xml")}],
        smtp_port=port,
    )
    code, output = invoke(config, "poll", "--once")
    assert code == 0 and "new matches: 6" in output, output

    # Down: the digest is made and stays pending, with every match claimed by it and none lost.
    before = datetime.now(UTC)
    code, output = invoke(config, "digest")
    assert code == 1 and "will retry" in output, output
    [first] = digests(config)
    assert (first.status, first.attempts, first.lease_owner) == ("pending", 1, None)
    assert first.last_error and "Connection refused" in first.last_error
    assert first.next_attempt_at is not None
    assert before + RETRY_BASE <= first.next_attempt_at <= datetime.now(UTC) + RETRY_BASE
    assert set(claims(config).values()) == {first.id}

    # Still down, a while later: tried again, the same stored message, the backoff doubled.
    retry_now(config)
    before = datetime.now(UTC)
    code, output = invoke(config, "digest")
    assert code == 1 and "will retry" in output, output
    [second] = digests(config)
    assert (second.id, second.status, second.attempts) == (first.id, "pending", 2)
    assert (second.message_id, second.message) == (first.message_id, first.message)
    assert second.next_attempt_at is not None
    assert before + 2 * RETRY_BASE <= second.next_attempt_at <= datetime.now(UTC) + 2 * RETRY_BASE

    # Before the retry time, an operator's `watcher digest` retries at once (never "nothing new" while a
    # digest is stuck) and makes no second digest.
    code, output = invoke(config, "digest")
    assert code == 1 and "will retry" in output, output
    assert [(d.id, d.status, d.attempts) for d in digests(config)] == [(first.id, "pending", 3)], output

    # Back: the retry delivers the stored message once; every match is in it.
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        retry_now(config)
        code, output = invoke(config, "digest")
        assert code == 0 and "digest sent: 6 matches" in output, output
        assert [str(m["Message-ID"]) for m in handler.messages] == [first.message_id]
        text = plain(handler.messages[0])
        for link in (FOUNDING_LINK, "https://tecnonotizie.example.it/mi-band-10/", "https://news.example.com/0"):
            assert link in text
        assert "https://news.example.com/1" in text
        assert "4 new stories" in str(handler.messages[0]["Subject"])  # 6 matches in 4 stories
        [sent] = digests(config)
        assert (sent.id, sent.status, sent.attempts, sent.last_error) == (first.id, "sent", 4, None)
        assert set(claims(config).values()) == {first.id}

        # Nothing is sent again.
        code, output = invoke(config, "digest")
        assert code == 0 and "nothing new" in output, output
        assert len(handler.messages) == 1
    finally:
        controller.stop()


def test_matches_found_during_the_outage_go_out_once_too(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    feed_server.routes["/en.xml"] = Route(body=second_feed("Nothing to see"))
    port = free_port()
    config = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/it.xml")}, {"url": feed_server.url("/en.xml")}],
        smtp_port=port,
    )
    assert invoke(config, "poll", "--once")[0] == 0
    assert invoke(config, "digest")[0] == 1  # down: digest 1 pending with the 4 founding matches

    # News arrives while the server is down: it waits in a digest of its own, never in both.
    feed_server.routes["/en.xml"] = Route(body=second_feed("Nothing to see", "Xiaomi in South Korea"))
    code, output = invoke(config, "poll", "--once")
    assert code == 0 and "new matches: 2" in output, output
    retry_now(config)
    code, output = invoke(config, "digest")
    assert code == 1, output
    pending = digests(config)
    assert [(d.status, d.attempts) for d in pending] == [("pending", 2), ("pending", 1)]
    by_digest = claims(config)
    assert sorted(list(by_digest.values()).count(d.id) for d in pending) == [2, 4]

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        retry_now(config)
        code, output = invoke(config, "digest")
        assert code == 0, output
        assert sorted(str(m["Message-ID"]) for m in handler.messages) == sorted(d.message_id for d in pending)
        assert [d.status for d in digests(config)] == ["sent", "sent"]
        texts = [plain(m) for m in handler.messages]
        for link in (FOUNDING_LINK, "https://news.example.com/1"):
            assert sum(link in text for text in texts) == 1, link
        assert invoke(config, "digest")[0] == 0
        assert len(handler.messages) == 2
    finally:
        controller.stop()


# --- 451, through the daemon ------------------------------------------------------------------------


@pytest.mark.slow
def test_451_in_the_daemon_then_accepted_delivers_the_pending_digest_once(
    tmp_path: Path,
    feed_server: FeedServer,
    smtp_server: SmtpServer,
    start_daemon: Callable[[Path], subprocess.Popen[bytes]],
) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/it.xml")}],
        smtp_port=smtp_server.port,
        digest={"time": "00:00", "timezone": "UTC"},  # always due: the daemon sends right after its first poll
    )
    smtp_server.handler.reply = "451 4.3.0 Mailbox temporarily unavailable"
    daemon = start_daemon(config)

    def refused_once() -> bool:
        with contextlib.suppress(Exception):  # the schema may not exist yet
            rows = digests(config)
            return len(rows) == 1 and rows[0].attempts >= 1
        return False

    assert wait_for(refused_once), watcher_log(tmp_path, 0)
    [pending] = digests(config)
    assert pending.status == "pending" and pending.next_attempt_at is not None
    assert pending.last_error and "451" in pending.last_error
    assert pending.next_attempt_at > datetime.now(UTC) + RETRY_BASE / 2
    assert "event=digest.retry_later" in watcher_log(tmp_path, 0)
    assert smtp_server.messages == []
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(20) == 0, watcher_log(tmp_path, 0)

    # Still 451 at the next attempt (made with `watcher digest`): the same digest, backed off further.
    retry_now(config)
    code, output = invoke(config, "digest")
    assert code == 1 and "451" in output, output
    [again] = digests(config)
    assert (again.id, again.status, again.attempts, again.message) == (pending.id, "pending", 2, pending.message)
    assert again.next_attempt_at is not None and again.next_attempt_at > datetime.now(UTC) + RETRY_BASE * 1.5

    # The server accepts again, the retry time comes and the daemon starts: its start-up check sends
    # the pending digest, once, as it was stored.
    smtp_server.handler.reply = None
    retry_now(config)
    daemon = start_daemon(config)
    assert wait_for(lambda: len(smtp_server.messages) == 1), watcher_log(tmp_path, 1)
    assert wait_for(lambda: digests(config)[0].status == "sent"), watcher_log(tmp_path, 1)
    [sent] = digests(config)
    assert (sent.id, sent.attempts, sent.message_id) == (pending.id, 3, pending.message_id)
    assert str(smtp_server.messages[0]["Message-ID"]) == pending.message_id
    assert FOUNDING_LINK in plain(smtp_server.messages[0])
    assert "2 new stories" in str(smtp_server.messages[0]["Subject"])  # 4 matches in 2 stories
    assert set(claims(config).values()) == {pending.id}

    # It is the day's digest: the daemon makes no other today, and sends nothing twice.
    time.sleep(2)  # two more poll ticks (tick: 1s)
    assert len(smtp_server.messages) == 1
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(20) == 0, watcher_log(tmp_path, 1)
    assert "Traceback" not in watcher_log(tmp_path, 0) + watcher_log(tmp_path, 1)
    assert invoke(config, "digest")[1].strip().endswith("nothing new, none sent")
    assert len(smtp_server.messages) == 1
