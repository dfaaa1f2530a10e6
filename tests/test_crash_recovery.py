"""Crash safety: `watcher run` and `watcher digest` SIGKILLed at random points, then restarted.

Nothing may be lost or stored twice, every match is mailed, and none is mailed twice, except a digest
that was in flight at the kill: it is re-sent byte for byte, with the same Message-ID.

The daemon runs as a real process (as in test_daemon.py), against a FeedServer serving 20 feeds that
grow between runs and an aiosmtpd server that sleeps in DATA, so a kill can land while a digest is on
the wire. The digest time is 00:00 UTC: always due, so the day's digest goes out right after the first
poll. It is the only scheduled one of the day; the matches found after it are flushed with
`watcher digest` before the checks.

Two tests at the end pin bugs found and fixed: a SIGKILLed daemon's parse workers must not live on, and
SIGTERM must let the job in flight finish.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import hashlib
import random
import signal
import subprocess
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from tests.conftest import (
    FeedServer,
    RecordingHandler,
    Route,
    WatcherProcesses,
    free_port,
    process_group_members,
    rss,
    wait_until,
    write_config,
)
from watcher.config import load_config
from watcher.models import Delivery, Digest, Entity, Feed, Item, Match
from watcher.store import Database

# The day's digest and the feeds' dates are relative to now (digest.time 00:00: always due).
pytestmark = pytest.mark.clock

FEEDS = 20
ITEMS_FIRST = 18  # items per feed at first; the feeds grow by ITEMS_GROWTH while the daemon is down
ITEMS_GROWTH = 2
WAIT_SECONDS = 45.0
SMTP_DELAY = 1.0  # seconds the SMTP server takes to answer DATA: long enough for a kill to land in it
KILL_MIN, KILL_MAX = 0.2, 3.0


# --- helpers ---------------------------------------------------------------------------------------


def wait_for(condition: Callable[[], bool], seconds: float = WAIT_SECONDS, step: float = 0.1) -> bool:
    return wait_until(condition, seconds, step)


class SlowHandler(RecordingHandler):
    """Records each message as soon as DATA is complete, then takes `delay` seconds to answer 250.

    A client killed meanwhile never learns the message was taken: the worst case for duplicates.
    """

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.raw: list[bytes] = []
        self.lock = threading.Lock()
        self.data_started = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply is not None:
            return self.reply
        with self.lock:
            self.raw.append(envelope.original_content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        self.data_started.set()
        await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


@dataclass
class SlowSmtp:
    handler: SlowHandler
    port: int


@pytest.fixture
def slow_smtp() -> Iterator[SlowSmtp]:
    handler = SlowHandler(SMTP_DELAY)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield SlowSmtp(handler, port)
    controller.stop()


@pytest.fixture
def processes(watcher_processes: WatcherProcesses) -> WatcherProcesses:
    return watcher_processes


# --- the feeds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServedItem:
    feed: int
    link: str
    title: str
    description: str
    published: datetime
    entities: frozenset[str]


def served_item(feed: int, index: int, base: datetime) -> ServedItem:
    """Item `index` of feed `feed`: unique words (so the digest folds no two stories together), some matches."""
    token = hashlib.sha256(f"{feed}/{index}".encode()).hexdigest()
    words = " ".join(token[i : i + 8] for i in range(0, 40, 8))  # hex: never an alias of a tracked entity
    xiaomi = (feed * 7 + index) % 3 == 0
    korea = (feed + 3 * index) % 5 == 0
    title = f"Xiaomi {words}" if xiaomi and index % 2 else f"Notizia {words}"
    description = f"<p>Report {token[40:56]}"
    if xiaomi and not index % 2:
        description += " about Xiaomi phones"
    if korea:
        description += " sold in South Korea"
    description += ".</p>"
    entities = frozenset(name for name, hit in (("Xiaomi", xiaomi), ("Korea", korea)) if hit)
    link = f"https://news{feed:02d}.example.com/{token[:20]}"
    return ServedItem(feed, link, title, description, base - timedelta(minutes=index), entities)


@dataclass
class Feeds:
    server: FeedServer
    base: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    count: int = 0  # items each feed serves now

    def path(self, feed: int) -> str:
        return f"/feed-{feed:02d}.xml"

    def config(self) -> list[dict[str, Any]]:
        # interval 1s: the daemon polls every feed continuously, so a kill often lands in a poll
        return [{"url": self.server.url(self.path(f)), "name": f"Feed {f:02d}", "interval": "1s"} for f in range(FEEDS)]

    def serve(self, count: int) -> None:
        self.count = count
        for feed in range(FEEDS):
            items = [served_item(feed, index, self.base) for index in range(count)]
            body = rss(
                *(
                    {
                        "title": item.title,
                        "link": item.link,
                        "guid": item.link,
                        "pubDate": format_datetime(item.published),
                        "description": item.description,
                    }
                    for item in reversed(items)  # newest first, as feeds do
                ),
                title=f"Feed {feed:02d}",
                language="en",
            )
            self.server.routes[self.path(feed)] = Route(body=body)

    def items(self) -> list[ServedItem]:
        return [served_item(feed, index, self.base) for feed in range(FEEDS) for index in range(self.count)]

    def expected_matches(self) -> set[tuple[str, str]]:
        return {(item.link, entity) for item in self.items() for entity in item.entities}


def crash_config(tmp_path: Path, feeds: Feeds, smtp_port: int) -> Path:
    return write_config(
        tmp_path,
        feeds=feeds.config(),
        smtp_port=smtp_port,
        poll={"concurrency": 4, "per_host": 4},
        # 00:00 UTC is always past: the day's digest is due at once. No cap: every story is listed.
        digest={"time": "00:00", "timezone": "UTC", "max_items_per_entity": 10000},
        log_level="info",
    )


def open_db(config: Path) -> Database:
    return Database(load_config(config).database_url)


# --- the state, and the checks ---------------------------------------------------------------------


@dataclass
class Snapshot:
    """What the database says at one moment (for the checks and for failure messages)."""

    items_per_feed: dict[str, int]
    feeds_never_polled: int
    digests: list[tuple[int, str | None, str, int, str | None]]  # id, key, status, attempts, message id

    @property
    def pending(self) -> int:
        return sum(status == "pending" for _, _, status, _, _ in self.digests)


def snapshot(config: Path) -> Snapshot:
    database = open_db(config)
    try:
        with database.session() as session:
            query = select(Feed.url, func.count(Item.id)).outerjoin(Item).group_by(Feed.url)
            items = {url: count for url, count in session.execute(query)}
            never = session.scalar(select(func.count()).select_from(Feed).where(Feed.last_success_at.is_(None)))
            digests = [
                tuple(row)
                for row in session.execute(
                    select(Digest.id, Digest.key, Digest.status, Digest.attempts, Digest.message_id).order_by(Digest.id)
                )
            ]
    finally:
        database.dispose()
    return Snapshot(items, never or 0, digests)  # type: ignore[arg-type]


def settled(config: Path, feeds: Feeds) -> bool:
    """Every feed polled with everything it serves stored, the day's digest made, none pending."""
    try:
        state = snapshot(config)
    except Exception:  # the schema may not exist yet
        return False
    return (
        state.feeds_never_polled == 0
        and len(state.items_per_feed) == FEEDS
        and all(count == feeds.count for count in state.items_per_feed.values())
        and any(key is not None for _, key, _, _, _ in state.digests)
        and state.pending == 0
    )


def plain_text(message: EmailMessage) -> str:
    """The text part, and the CSV of every story attached when the mail lists only some (digest.max_items)."""
    listing = "".join(part.get_content() for part in message.iter_attachments())
    return message.get_body(("plain",)).get_content() + listing  # type: ignore[union-attr]


def normalised(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n")


def check_nothing_lost_or_doubled(config: Path, feeds: Feeds, smtp: SlowSmtp, *, crashes: int) -> dict[str, int]:
    """The checks of the issue; → how many times each Message-ID was received."""
    database = open_db(config)
    try:
        with database.session() as session:
            # Items: one per (feed, identity), exactly the ones served.
            doubled = session.execute(
                select(Item.feed_id, Item.identity).group_by(Item.feed_id, Item.identity).having(func.count() > 1)
            ).all()
            assert doubled == []
            stored = session.execute(select(Feed.url, Item.link).join(Item)).all()
            # Matches: exactly the expected (item, entity) pairs, none silenced as old news.
            matches = session.execute(
                select(Match.id, Item.link, Entity.name, Match.suppressed)
                .join(Item, Match.item_id == Item.id)
                .join(Entity, Match.entity_id == Entity.id)
            ).all()
            # Deliveries: each match claimed once, by a digest that was sent.
            deliveries = session.execute(
                select(Delivery.match_id, Digest.status, Digest.message_id).join(
                    Digest, Delivery.digest_id == Digest.id
                )
            ).all()
            digests = session.execute(select(Digest.status, Digest.message_id, Digest.message)).all()
    finally:
        database.dispose()

    served_links = {item.link for item in feeds.items()}
    assert len(stored) == len(served_links) == FEEDS * feeds.count
    assert {link for _, link in stored} == served_links
    per_feed: dict[str, int] = defaultdict(int)
    for url, _ in stored:
        per_feed[url] += 1
    assert set(per_feed.values()) == {feeds.count}

    expected = feeds.expected_matches()
    assert {(link, entity) for _, link, entity, _ in matches} == expected
    assert len(matches) == len(expected)
    assert not any(suppressed for *_, suppressed in matches)

    delivery_of = {}
    for match_id, status, message_id in deliveries:
        assert match_id not in delivery_of, f"match {match_id} claimed twice"
        delivery_of[match_id] = (status, message_id)
    for match_id, link, entity, _ in matches:
        assert match_id in delivery_of, f"never delivered: {entity} in {link}"
        assert delivery_of[match_id][0] == "sent", f"{entity} in {link}: digest {delivery_of[match_id]}"
    assert {status for status, _, _ in digests} <= {"sent", "empty"}

    # The mail received: a Message-ID received twice is the same message twice (a re-send after a crash).
    received: dict[str, list[bytes]] = defaultdict(list)
    with smtp.handler.lock:
        raws, messages = list(smtp.handler.raw), list(smtp.handler.messages)
    for raw, message in zip(raws, messages, strict=True):
        received[str(message["Message-ID"])].append(normalised(raw))
    for message_id, copies in received.items():
        assert len(set(copies)) == 1, f"{message_id}: received with different content"
    sent = {message_id: normalised(message) for status, message_id, message in digests if status == "sent"}
    assert set(received) == set(sent), "a digest marked sent was not received, or mail came from nowhere"
    for message_id, copies in received.items():
        assert copies[0] == sent[message_id], f"{message_id}: received bytes differ from the stored digest"
    resent = sum(len(copies) - 1 for copies in received.values())
    assert resent <= crashes, f"{resent} re-sends for {crashes} crashes"

    # Every match's item is in the message of the digest that claimed it, and in no other message.
    text_of = {
        message_id: plain_text(message)
        for message_id, message in zip((str(m["Message-ID"]) for m in messages), messages, strict=True)
    }
    for match_id, link, entity, _ in matches:
        holders = {message_id for message_id, text in text_of.items() if link in text}
        assert holders == {delivery_of[match_id][1]}, f"{entity} in {link}: in messages {holders}"
    return {message_id: len(copies) for message_id, copies in received.items()}


# --- the tests -------------------------------------------------------------------------------------


def run_to_completion(processes: WatcherProcesses, config: Path, feeds: Feeds) -> None:
    """Start the daemon, wait until it has stored everything and sent the day's digest, stop it (SIGTERM)."""
    daemon = processes.start(config, "run")
    # After a poll pass of its own (the digest check follows it): the state may be settled already.
    assert wait_for(lambda: "event=poll.done" in processes.log(daemon) and settled(config, feeds)), (
        f"{snapshot(config)}\n{processes.all_logs()}"
    )
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(30) == 0, processes.log(daemon)
    log = processes.log(daemon)
    assert "event=daemon.stopped" in log and "event=job.crashed" not in log, log
    assert not unexpected_tracebacks(log), log


def unexpected_tracebacks(log: str) -> list[str]:
    """Log lines with a traceback, but for the known one of a job cancelled by SIGTERM (see below)."""
    return [
        line
        for line in log.splitlines()
        if "Traceback" in line and not ("raised an exception" in line and line.endswith('CancelledError"'))
    ]


def flush(processes: WatcherProcesses, config: Path) -> str:
    """`watcher digest`: what came after the day's digest (which is the only scheduled one) goes out now."""
    code, output = processes.run(config, "digest")
    assert code == 0, output
    return output


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_daemon_killed_at_random_points_loses_and_repeats_nothing(
    seed: int, tmp_path: Path, feed_server: FeedServer, slow_smtp: SlowSmtp, processes: WatcherProcesses
) -> None:
    rng = random.Random(seed)
    feeds = Feeds(feed_server)
    feeds.serve(ITEMS_FIRST)
    config = crash_config(tmp_path, feeds, slow_smtp.port)
    at_kill: list[tuple[float, Snapshot | None]] = []

    def crash_after(daemon: subprocess.Popen[bytes]) -> None:
        delay = rng.uniform(KILL_MIN, KILL_MAX)
        time.sleep(delay)
        processes.crash(daemon)
        try:
            at_kill.append((round(delay, 2), snapshot(config)))
        except Exception:  # killed before the schema was made
            at_kill.append((round(delay, 2), None))

    # Run 1, killed at a random time after the spawn: in start-up, polling, or sending the digest.
    crash_after(processes.start(config, "run"))
    # News arrives while it is down. Run 2, killed at a random time after it is ready.
    feeds.serve(ITEMS_FIRST + ITEMS_GROWTH)
    daemon = processes.start(config, "run")
    assert wait_for(lambda: "daemon.started" in processes.log(daemon), 20), processes.log(daemon)
    crash_after(daemon)
    # Run 3 sees the very bytes run 2 was fetching (no new content to hide a half-stored poll); it runs
    # until everything is stored and the day's digest is sent.
    try:
        run_to_completion(processes, config, feeds)
        flush(processes, config)
        check_nothing_lost_or_doubled(config, feeds, slow_smtp, crashes=2)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n(kill delay, state) of each kill: {at_kill}") from exc


@pytest.mark.slow
def test_daemon_killed_while_the_digest_is_on_the_wire_resends_the_same_message(
    tmp_path: Path, feed_server: FeedServer, slow_smtp: SlowSmtp, processes: WatcherProcesses
) -> None:
    feeds = Feeds(feed_server)
    feeds.serve(ITEMS_FIRST)
    config = crash_config(tmp_path, feeds, slow_smtp.port)
    daemon = processes.start(config, "run")
    assert slow_smtp.handler.data_started.wait(WAIT_SECONDS), processes.log(daemon)
    processes.crash(daemon)  # the server has the whole message; the daemon never heard "250"
    state = snapshot(config)
    assert [status for _, _, status, _, _ in state.digests] == ["pending"], state
    in_flight = state.digests[0][4]
    assert [str(m["Message-ID"]) for m in slow_smtp.handler.messages] == [in_flight]

    feeds.serve(feeds.count + ITEMS_GROWTH)
    run_to_completion(processes, config, feeds)
    flush(processes, config)
    received = check_nothing_lost_or_doubled(config, feeds, slow_smtp, crashes=1)
    assert received[in_flight] == 2  # re-sent once, identical (checked above)
    assert [str(m["Message-ID"]) for m in slow_smtp.handler.messages][:2] == [in_flight, in_flight]


@pytest.mark.slow
def test_watcher_digest_killed_in_data_then_rerun_resends_the_same_message(
    tmp_path: Path, feed_server: FeedServer, slow_smtp: SlowSmtp, processes: WatcherProcesses
) -> None:
    feeds = Feeds(feed_server)
    feeds.serve(4)
    config = crash_config(tmp_path, feeds, slow_smtp.port)
    code, output = processes.run(config, "poll", "--once")
    assert code == 0 and "0 failed" in output, output

    slow_smtp.handler.delay = 30.0  # the first send hangs in DATA until it is killed
    first = processes.start(config, "digest")
    assert slow_smtp.handler.data_started.wait(30), processes.log(first)
    processes.crash(first)
    state = snapshot(config)
    assert [(status, attempts) for _, _, status, attempts, _ in state.digests] == [("pending", 0)], state
    stored_id = state.digests[0][4]

    slow_smtp.handler.delay = 0.0
    output = flush(processes, config)
    assert "digest sent" in output, output
    state = snapshot(config)
    assert [(status, attempts, message_id) for _, _, status, attempts, message_id in state.digests] == [
        ("sent", 1, stored_id)
    ], state
    received = check_nothing_lost_or_doubled(config, feeds, slow_smtp, crashes=1)
    assert received == {stored_id: 2}
    # Done: a third run finds nothing to send, and nothing pending.
    assert "nothing new" in flush(processes, config)
    assert len(slow_smtp.handler.messages) == 2


@pytest.mark.slow
def test_a_killed_daemon_leaves_no_parse_workers_behind(
    tmp_path: Path, feed_server: FeedServer, processes: WatcherProcesses
) -> None:
    feeds = Feeds(feed_server)
    feeds.serve(2)
    config = crash_config(tmp_path, feeds, free_port())
    daemon = processes.start(config, "run")
    assert wait_for(lambda: "event=poll.done" in processes.log(daemon), 30), processes.log(daemon)
    assert process_group_members(daemon.pid), "no parse worker was started: nothing to check"
    processes.crash(daemon)
    # Each worker blocks for ever reading its call queue (it holds the queue's write end itself), and
    # holds the forkserver's "alive" pipe, so the forkserver and the resource tracker stay too.
    assert wait_for(lambda: not process_group_members(daemon.pid), 5), [
        Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:100]
        for pid in process_group_members(daemon.pid)
    ]


# --- SIGTERM (a clean stop) while a digest is on the wire ------------------------------------------


def stop_while_sending(tmp_path: Path, feed_server: FeedServer, smtp: SlowSmtp, processes: WatcherProcesses) -> str:
    """Start the daemon, SIGTERM it while the server sits on DATA for 3 s; → its log."""
    feeds = Feeds(feed_server)
    feeds.serve(2)
    config = crash_config(tmp_path, feeds, smtp.port)
    smtp.handler.delay = 3.0
    daemon = processes.start(config, "run")
    assert smtp.handler.data_started.wait(WAIT_SECONDS), processes.log(daemon)
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(30) == 0, processes.log(daemon)
    return processes.log(daemon)


@pytest.mark.slow
def test_sigterm_while_the_digest_is_on_the_wire_still_delivers_it_once(
    tmp_path: Path, feed_server: FeedServer, slow_smtp: SlowSmtp, processes: WatcherProcesses
) -> None:
    stop_while_sending(tmp_path, feed_server, slow_smtp, processes)
    state = snapshot(tmp_path / "config.yaml")
    assert [status for _, _, status, _, _ in state.digests] == ["sent"], state
    # A restart sends nothing again (the day's digest is done, nothing pending).
    slow_smtp.handler.delay = 0.0
    daemon = processes.start(tmp_path / "config.yaml", "run")
    assert wait_for(lambda: "event=poll.done" in processes.log(daemon), 20), processes.log(daemon)
    time.sleep(1)
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(30) == 0
    assert [str(m["Message-ID"]) for m in slow_smtp.handler.messages] == [state.digests[0][4]]


@pytest.mark.slow
def test_sigterm_lets_the_job_in_flight_finish_before_stopping(
    tmp_path: Path, feed_server: FeedServer, slow_smtp: SlowSmtp, processes: WatcherProcesses
) -> None:
    log = stop_while_sending(tmp_path, feed_server, slow_smtp, processes)
    events = [line.split("event=")[1].split()[0] for line in log.splitlines() if "event=" in line]
    assert "level=error" not in log, log  # now: 'Job ... raised an exception ... CancelledError'
    assert events.index("digest.sent") < events.index("daemon.stopped"), events
