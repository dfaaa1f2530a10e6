"""The full text of linked articles: items waiting for theirs, claims shared by instances, the outcome of each.

An item to be fetched is stored with fulltext_status "pending" (store_items); a pass claims some (status
"fetching", fulltext_at the claim time, so no other instance takes them until FETCH_LEASE passes), and
records each outcome once: ok (the text is the item's content now), failed (with the error), skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from watcher.store.bulk import bulk_for, execute, fetch

if TYPE_CHECKING:
    from watcher.store.engine import Transaction


FETCH_LEASE = timedelta(minutes=10)  # a claim older than this is free again (its instance died)


@dataclass(frozen=True)
class ArticleToFetch:
    item_id: int
    link: str
    feed_url: str
    title: str
    summary: str
    content: str
    language: str | None = None  # the item's, as its feed declared it


# Plain SQL on the DB-API cursor (the polling path imports no SQLAlchemy: watcher/store/lean.py). Waiting: pending,
# or claimed longer than FETCH_LEASE ago (its second parameter: the time before which a claim is stale).
_WAITING = "(fulltext_status = 'pending' OR (fulltext_status = 'fetching' AND fulltext_at < ?))"


def claim_articles(session: Transaction, now: datetime, limit: int, max_age: timedelta) -> list[ArticleToFetch]:
    """Claim up to `limit` waiting articles, oldest first; those waiting longer than max_age are given up."""
    bulk = bulk_for(session)
    stamp, stale = bulk.stamp(now), bulk.stamp(now - FETCH_LEASE)
    execute(
        session,
        "UPDATE items SET fulltext_status = 'skipped', fulltext_error = ?, fulltext_at = ? "
        f"WHERE {_WAITING} AND first_seen_at < ?",
        ["not fetched within full_text.max_age", stamp, stale, bulk.stamp(now - max_age)],
    )
    if limit <= 0:
        return []
    lock = "" if bulk.sqlite else " FOR UPDATE SKIP LOCKED"
    candidates = [row[0] for row in fetch(session, f"SELECT id FROM items WHERE {_WAITING} ORDER BY id LIMIT ?{lock}",
                                          [stale, limit])]  # fmt: skip
    if not candidates:
        return []
    claimed = [
        row[0]
        for row in fetch(
            session,
            bulk.query(
                "UPDATE items SET fulltext_status = 'fetching', fulltext_at = ? "
                f"WHERE id IN ({{values}}) AND {_WAITING} RETURNING id",
                len(candidates),
                "bigint",
            ),
            [stamp, *bulk.in_list(candidates), stale],
        )
    ]
    if not claimed:
        return []
    rows = fetch(
        session,
        bulk.query(
            "SELECT items.id, items.link, feeds.url, items.title, items.summary, items.content, items.language "
            "FROM items JOIN feeds ON feeds.id = items.feed_id WHERE items.id IN ({values}) ORDER BY items.id",
            len(claimed),
        ),
        bulk.in_list(claimed),
    )
    return [ArticleToFetch(*row) for row in rows]


def release_articles(session: Transaction, item_ids: Sequence[int]) -> None:
    """Claimed but not fetched (the host is paused, the daemon stops): waiting again, for any instance."""
    bulk = bulk_for(session)
    for start in range(0, len(item_ids), 500):
        chunk = list(item_ids[start : start + 500])
        statement = (
            "UPDATE items SET fulltext_status = 'pending' WHERE id IN ({values}) AND fulltext_status = 'fetching'"
        )
        execute(session, bulk.query(statement, len(chunk), "bigint"), bulk.in_list(chunk))


def record_article(
    session: Transaction, item_id: int, now: datetime, *, text: str | None = None, error: str | None = None
) -> None:
    """The outcome of one fetch: the text becomes the item's content (ok), or the error is kept (failed)."""
    stamp = bulk_for(session).stamp(now)
    if text is not None:
        execute(
            session,
            "UPDATE items SET fulltext_at = ?, fulltext_status = 'ok', fulltext_error = NULL, fulltext_chars = ?, "
            "content = ? WHERE id = ?",
            [stamp, len(text), text, item_id],
        )
    else:
        execute(
            session,
            "UPDATE items SET fulltext_at = ?, fulltext_status = 'failed', fulltext_error = ? WHERE id = ?",
            [stamp, (error or "unknown error")[:2000], item_id],
        )


def full_text_counts(session: Transaction) -> dict[str, dict[str, int]]:
    """feed URL → {status: items} of the articles fetched or waiting ("ok", "failed", "pending"...)."""
    from sqlalchemy import func, select

    from watcher import tables

    _ITEMS, _FEEDS = tables.items, tables.feeds
    counts: dict[str, dict[str, int]] = {}
    rows = session.execute(
        select(_FEEDS.c.url, _ITEMS.c.fulltext_status, func.count())
        .join(_FEEDS, _FEEDS.c.id == _ITEMS.c.feed_id)
        .where(_ITEMS.c.fulltext_status.is_not(None))
        .group_by(_FEEDS.c.url, _ITEMS.c.fulltext_status)
    )
    for url, status, count in rows:
        counts.setdefault(url, {})[status] = count
    return counts
