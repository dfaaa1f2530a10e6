"""Polling state per feed: due feeds, leases shared by instances, and the outcome of each poll."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from watcher.store.bulk import bulk_for, execute, fetch, read_time
from watcher.store.engine import cursor_of, dialect_of
from watcher.store.leases import dead_owners

if TYPE_CHECKING:
    from watcher.store.engine import Transaction


@dataclass(frozen=True)
class FeedState:
    """What polling needs to know of a feed, detached from any session."""

    id: int
    url: str
    name: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    consecutive_failures: int
    is_new: bool  # never polled successfully: its back-catalogue is being stored
    redirect_url: str | None = None
    redirect_candidate: str | None = None
    redirect_streak: int = 0
    interval_seconds: int | None = None  # the feed's adaptive polling interval, once learnt


# Plain SQL on the DB-API cursor throughout: the polling path imports no SQLAlchemy (watcher/store/lean.py).
_ACTIVE = "active = ? AND disabled_reason IS NULL"


def count_due_feeds(session: Transaction, now: datetime, *, everything: bool = False, new: bool = False) -> int:
    """len(due_feeds(...)) without loading the feeds; with `new`, of those never polled successfully (is_new)."""
    sql, parameters = f"SELECT COUNT(*) FROM feeds WHERE {_ACTIVE}", [True]
    if not everything:
        sql += " AND next_poll_at <= ?"
        parameters.append(bulk_for(session).stamp(now))
    if new:
        sql += " AND last_success_at IS NULL"
    return fetch(session, sql, parameters)[0][0] or 0


def due_feeds(session: Transaction, now: datetime, *, everything: bool = False) -> list[FeedState]:
    """The due feeds (or every active one), without claiming them: for status displays and tests."""
    sql, parameters = f"SELECT {_STATE_COLUMNS} FROM feeds WHERE {_ACTIVE}", [True]
    if not everything:
        sql += " AND next_poll_at <= ?"
        parameters.append(bulk_for(session).stamp(now))
    return [_state_of_row(row) for row in fetch(session, sql + " ORDER BY next_poll_at, id", parameters)]


def claim_due_feeds(
    session: Transaction,
    owner: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    *,
    polled_before: datetime | None = None,
) -> list[FeedState]:
    """Lease up to `limit` due feeds to `owner`, so that no other instance polls them meanwhile.

    Due: next_poll_at has come (or, with polled_before, not polled since then: a pass over every feed).
    PostgreSQL skips rows another instance is claiming (FOR UPDATE SKIP LOCKED); on every engine the
    conditional UPDATE takes only feeds whose lease is free or expired, so two claimers never share one.
    Plain SQL on the DB-API cursor: a pass claims ~60 times, and the ORM statements cost ~2.5 ms each.
    """
    stamp = bulk_for(session).stamp
    dead = dead_owners(fetch(session, "SELECT DISTINCT lease_owner FROM feeds WHERE lease_until >= ?", [stamp(now)]))
    # Free: never taken, expired, or held by a dead process on this host (leases.lease_free, as SQL text).
    free = "(lease_until IS NULL OR lease_until < ?"
    if dead:
        free += f" OR lease_owner IN ({', '.join('?' * len(dead))})"
    free_values = [stamp(now), *dead]
    due, due_value = (
        ("(last_polled_at IS NULL OR last_polled_at < ?)", polled_before)
        if polled_before is not None
        else ("next_poll_at <= ?", now)
    )
    lock = "" if dialect_of(session).name == "sqlite" else " FOR UPDATE SKIP LOCKED"
    candidates = [
        row[0]
        for row in fetch(
            session,
            f"SELECT id FROM feeds WHERE active = ? AND disabled_reason IS NULL AND {free}) AND {due} "
            f"ORDER BY next_poll_at, id LIMIT ?{lock}",
            [True, *free_values, stamp(due_value), limit],
        )
    ]
    if not candidates:
        return []
    claimed = fetch(
        session,
        f"UPDATE feeds SET lease_owner = ?, lease_until = ? WHERE id IN ({', '.join('?' * len(candidates))}) "
        f"AND {free}) RETURNING {_STATE_COLUMNS}",
        [owner, stamp(now + lease), *candidates, *free_values],
    )
    order = {feed_id: index for index, feed_id in enumerate(candidates)}  # next_poll_at, id: as selected
    return [_state_of_row(row) for row in sorted(claimed, key=lambda row: order[row[0]])]


# FeedState's fields, in its order; is_new from last_success_at (not as "last_success_at IS NULL": SQLite 3.40
# returns 0 for that expression in an UPDATE's RETURNING even where the column is null).
_STATE_COLUMNS = (
    "id, url, name, etag, last_modified, body_hash, consecutive_failures, last_success_at, "
    "redirect_url, redirect_candidate, redirect_streak, interval_seconds"
)


def _state_of_row(row: Sequence[Any]) -> FeedState:
    *head, last_success_at, redirect_url, redirect_candidate, redirect_streak, interval_seconds = row
    return FeedState(
        *head,
        last_success_at is None,
        redirect_url,
        redirect_candidate,
        redirect_streak or 0,
        interval_seconds,
    )


def release_leases(session: Transaction, owner: str, feed_ids: Sequence[int]) -> None:
    """Give back feeds claimed but not polled (the daemon is stopping): another instance may take them."""
    bulk = bulk_for(session)
    for start in range(0, len(feed_ids), 500):
        chunk = list(feed_ids[start : start + 500])
        sql = "UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE id IN ({values}) AND lease_owner = ?"
        execute(session, bulk.query(sql, len(chunk), "bigint"), [*bulk.in_list(chunk), owner])


def next_due_at(session: Transaction) -> datetime | None:
    return read_time(fetch(session, "SELECT MIN(next_poll_at) FROM feeds WHERE active = ?", [True])[0][0])


def record_success(
    session: Transaction,
    feed_id: int,
    now: datetime,
    next_poll_at: datetime,
    *,
    etag: str | None,
    last_modified: str | None,
    body_hash: str | None,
    title: str | None = None,
    interval_seconds: int | None = None,
) -> None:
    # Plain SQL on the DB-API cursor: an UPDATE built per feed cost ~1 ms of SQLAlchemy's Python.
    stamp = bulk_for(session).stamp
    execute(
        session,
        _RECORD_SUCCESS,
        (
            etag,
            last_modified,
            stamp(now),
            stamp(now),
            stamp(next_poll_at),
            interval_seconds,
            body_hash,
            title[:1000] if title else None,
            feed_id,
        ),
    )


_RECORD_SUCCESS = (
    "UPDATE feeds SET etag = ?, last_modified = ?, last_polled_at = ?, last_success_at = ?, next_poll_at = ?, "
    "consecutive_failures = 0, last_error = NULL, lease_owner = NULL, lease_until = NULL, "
    "interval_seconds = COALESCE(?, interval_seconds), body_hash = COALESCE(?, body_hash), title = COALESCE(?, title) "
    "WHERE id = ?"
)


def record_unchanged(
    session: Transaction, polls: Iterable[tuple[int, datetime, datetime, str | None, str | None, int]]
) -> None:
    """record_success(body_hash=None, no title) for many feeds at once: its UPDATE as one executemany.

    Each poll is (feed_id, now, next_poll_at, etag, last_modified, interval_seconds). On the DB-API cursor, as
    record_success: SQLAlchemy's executemany of the same UPDATE spent ~10 µs a feed on each row's parameters and bind
    processors, twice the statement's own cost (~16 vs ~7 ms for the 900 unchanged feeds of a 10%-changed pass).
    """
    stamp = bulk_for(session).stamp
    rows = [
        (etag, last_modified, stamp(now), stamp(now), stamp(next_poll_at), interval, None, None, feed_id)
        for feed_id, now, next_poll_at, etag, last_modified, interval in polls
    ]
    if not rows:
        return
    cursor = cursor_of(session)
    try:
        cursor.executemany(bulk_for(session).query(_RECORD_SUCCESS, 0), rows)
    finally:
        cursor.close()


REDIRECT_URL_LENGTH = 2048  # feeds.redirect_url's length (watcher/tables.py)


def record_redirect(session: Transaction, feed_id: int, target: str | None, remember_after: int) -> str | None:
    """Count consecutive permanent redirects to one target; remember it after `remember_after`. → newly remembered."""
    if target is None or len(target) > REDIRECT_URL_LENGTH:
        # A target too long for the column (PostgreSQL would refuse it, failing the poll's write) is
        # never remembered: the feed keeps being fetched from its configured URL and redirected.
        execute(session, "UPDATE feeds SET redirect_candidate = NULL, redirect_streak = 0 WHERE id = ?", [feed_id])
        return None
    sql = "SELECT redirect_candidate, redirect_streak, redirect_url FROM feeds WHERE id = ?"
    ((candidate, streak, remembered),) = fetch(session, sql, [feed_id])
    streak = streak + 1 if candidate == target else 1
    remember = streak >= remember_after and remembered != target
    execute(
        session,
        "UPDATE feeds SET redirect_candidate = ?, redirect_streak = ?, redirect_url = COALESCE(?, redirect_url) "
        "WHERE id = ?",
        [target, streak, target if remember else None, feed_id],
    )
    return target if remember else None


def record_failure(
    session: Transaction, feed_id: int, now: datetime, next_poll_at: datetime, error: str, *, disable: bool = False
) -> None:
    """A failed poll; with disable (410 Gone) the feed is not polled again until its config entry changes."""
    stamp = bulk_for(session).stamp
    execute(
        session,
        "UPDATE feeds SET last_polled_at = ?, last_error_at = ?, last_error = ?, next_poll_at = ?, "
        "consecutive_failures = consecutive_failures + 1, lease_owner = NULL, lease_until = NULL, "
        "disabled_reason = COALESCE(?, disabled_reason) WHERE id = ?",
        [stamp(now), stamp(now), error[:2000], stamp(next_poll_at), error[:2000] if disable else None, feed_id],
    )


def defer_feed(session: Transaction, feed_id: int, now: datetime, until: datetime) -> None:
    """Not fetched now (its host asked for a pause): due again at `until`, its lease given back, no failure.

    Counted as polled now, so a pass over every feed (`poll --once`) does not claim it again.
    """
    stamp = bulk_for(session).stamp
    execute(
        session,
        "UPDATE feeds SET last_polled_at = ?, next_poll_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?",
        [stamp(now), stamp(until), feed_id],
    )


def defer_host_feeds(session: Transaction, host: str, until: datetime) -> int:
    """Every active feed of `host` (any scheme and port) due before `until` waits until then. → feeds deferred."""
    escaped = host.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    patterns = [f"{scheme}://{escaped}{end}%" for scheme in ("http", "https") for end in ("/", ":")]
    like = " OR ".join(["url LIKE ? ESCAPE '\\'"] * 4 + ["redirect_url LIKE ? ESCAPE '\\'"] * 4)
    stamp = bulk_for(session).stamp(until)
    sql = f"UPDATE feeds SET next_poll_at = ? WHERE active = ? AND next_poll_at < ? AND ({like})"
    return execute(session, sql, [stamp, True, stamp, *patterns, *patterns]) or 0
