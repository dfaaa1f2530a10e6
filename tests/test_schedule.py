"""Polling schedule and claims: adaptive intervals, ttl/max-age floors, leases that never overlap."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from watcher.config import FeedConfig
from watcher.models import Feed
from watcher.poll.schedule import _max_age, adapt_interval
from watcher.store import (
    Database,
    claim_due_feeds,
    instance_id,
    record_success,
    record_unchanged,
    release_leases,
    sync_feeds,
    upgrade_schema,
)

# A fixed date is safe here: adapt_interval and the claim queries take `now` as an argument (the clock is
# injected); the --clock-shift runs check that nothing here reads the real clock.
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.clock
MINUTE = 60.0


def hourly(count: int) -> list[datetime]:
    return [NOW - timedelta(hours=index) for index in range(count)]


def test_busy_feed_speeds_up_towards_its_publishing_gap() -> None:
    interval = 6 * 3600.0
    for _ in range(10):
        interval = adapt_interval(interval, new_items=2, entry_times=hourly(10), minimum=5 * MINUTE, maximum=6 * 3600)
    assert interval == pytest.approx(3600.0)  # converges on the hourly gap, halving at most per poll


def test_quiet_feed_slows_down_to_the_maximum() -> None:
    interval = 30 * MINUTE
    seen = []
    for _ in range(12):
        interval = adapt_interval(interval, new_items=0, entry_times=[], minimum=5 * MINUTE, maximum=6 * 3600)
        seen.append(interval)
    assert seen == sorted(seen) and seen[0] == 45 * MINUTE and seen[-1] == 6 * 3600


def test_bounds_and_floor() -> None:
    burst = [NOW - timedelta(seconds=10 * index) for index in range(10)]  # an entry every 10 s
    assert adapt_interval(10 * MINUTE, new_items=9, entry_times=burst, minimum=5 * MINUTE, maximum=3600) == 5 * MINUTE
    # A publisher's ttl / max-age wins, even over the maximum.
    assert adapt_interval(10 * MINUTE, new_items=0, entry_times=[], minimum=60, maximum=3600, floor=7200) == 7200


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("max-age=600", 600),
        ("public, max-age=300, must-revalidate", 300),
        ("s-maxage=50, max-age=20", 20),
        ("no-cache, max-age=600", 0),
        (None, 0),
        ("max-age=99999999", 7 * 86400),
    ],
)
def test_cache_control_max_age(header: str | None, seconds: float) -> None:
    assert _max_age(header) == seconds


@pytest.fixture
def database(database: Database) -> Database:
    """conftest's empty database on each engine, with the schema and ten feeds."""
    upgrade_schema(database.engine)
    with database.session() as session:
        sync_feeds(session, [FeedConfig(url=f"https://example.com/{index}") for index in range(10)], NOW)
    return database


def test_two_claimers_never_share_a_feed(database: Database) -> None:
    lease = timedelta(minutes=5)
    with database.session() as session:
        first = claim_due_feeds(session, "host-a:1:x", NOW, lease, limit=6)
    with database.session() as session:
        second = claim_due_feeds(session, "host-b:2:y", NOW, lease, limit=6)
    assert len(first) == 6 and len(second) == 4
    assert not {feed.id for feed in first} & {feed.id for feed in second}
    with database.session() as session:
        assert claim_due_feeds(session, "host-c:3:z", NOW, lease, limit=6) == []
        # Expired leases are free again; released ones at once.
        later = claim_due_feeds(session, "host-c:3:z", NOW + lease + timedelta(seconds=1), lease, limit=20)
    assert len(later) == 10
    with database.session() as session:
        release_leases(session, "host-c:3:z", [feed.id for feed in later])
    with database.session() as session:
        assert len(claim_due_feeds(session, "host-d:4:w", NOW, lease, limit=20)) == 10


def test_a_dead_process_on_this_host_loses_its_leases_at_once(database: Database) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_owner = f"{socket.gethostname()}:{finished.stdout.strip()}:0000"
    alive_elsewhere = "other-host:1:1111"
    with database.session() as session:
        claim_due_feeds(session, dead_owner, NOW, timedelta(hours=1), limit=5)
        claim_due_feeds(session, alive_elsewhere, NOW, timedelta(hours=1), limit=5)
    with database.session() as session:
        taken = claim_due_feeds(session, instance_id(), NOW, timedelta(hours=1), limit=20)
    assert len(taken) == 5  # the dead one's five, not the other host's
    with database.session() as session:
        owners = {feed.lease_owner for feed in session.query(Feed)}
    assert owners == {instance_id(), alive_elsewhere}


def test_a_claimed_feed_says_whether_it_was_ever_polled(database: Database) -> None:
    # FeedState.is_new decides whether a feed's back-catalogue is silenced: the claim must read it right.
    lease = timedelta(minutes=5)
    with database.session() as session:
        first = claim_due_feeds(session, instance_id(), NOW, lease, limit=3)
    assert [feed.is_new for feed in first] == [True, True, True]
    with database.session() as session:
        record_success(session, first[0].id, NOW, NOW, etag='"e"', last_modified=None, body_hash="h")
        release_leases(session, instance_id(), [feed.id for feed in first])
    with database.session() as session:
        again = {feed.id: feed for feed in claim_due_feeds(session, instance_id(), NOW, lease, limit=3)}
    assert not again[first[0].id].is_new and again[first[0].id].etag == '"e"'
    assert again[first[1].id].is_new


def test_unchanged_feeds_are_recorded_as_record_success_records_one(database: Database) -> None:
    # record_unchanged is record_success's UPDATE for many feeds at once: the rows must come out the same (times
    # stored in the engine's format, so that the claims' comparisons and the ORM read them back alike).
    lease = timedelta(minutes=5)
    with database.session() as session:
        one, other = claim_due_feeds(session, instance_id(), NOW, lease, limit=2)
        session.query(Feed).filter(Feed.id.in_([one.id, other.id])).update({"body_hash": "kept", "last_error": "x"})
    later = NOW + timedelta(seconds=90, microseconds=123456)
    with database.session() as session:
        record_success(
            session, one.id, later, later + timedelta(hours=2), etag='"e"', last_modified="Tue", body_hash=None,
            interval_seconds=7200,
        )  # fmt: skip
        record_unchanged(session, [(other.id, later, later + timedelta(hours=2), '"e"', "Tue", 7200)])
    columns = ("etag", "last_modified", "last_polled_at", "last_success_at", "next_poll_at", "consecutive_failures",
               "last_error", "lease_owner", "lease_until", "interval_seconds", "body_hash", "title")  # fmt: skip
    with database.session() as session:
        rows = {feed.id: {name: getattr(feed, name) for name in columns} for feed in session.query(Feed)}
    assert rows[other.id] == rows[one.id]
    assert rows[one.id]["next_poll_at"].replace(tzinfo=UTC) == later + timedelta(hours=2)
    assert rows[one.id]["lease_owner"] is None and rows[one.id]["body_hash"] == "kept"
    with database.session() as session:  # recorded as polled after NOW: neither is due in a pass begun at NOW
        assert {feed.id for feed in claim_due_feeds(session, "host-e:5:v", NOW, lease, 20, polled_before=NOW)} == {
            feed_id for feed_id in rows if feed_id not in (one.id, other.id)
        }
