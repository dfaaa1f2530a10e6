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

from sqlalchemy import and_, func, or_, select, update

from watcher import tables

if TYPE_CHECKING:
    from watcher.store.engine import Transaction


FETCH_LEASE = timedelta(minutes=10)  # a claim older than this is free again (its instance died)
_ITEMS, _FEEDS = tables.items, tables.feeds


@dataclass(frozen=True)
class ArticleToFetch:
    item_id: int
    link: str
    feed_url: str
    title: str
    summary: str
    content: str
    language: str | None = None  # the item's, as its feed declared it


def _waiting(now: datetime) -> object:
    return or_(
        _ITEMS.c.fulltext_status == "pending",
        and_(_ITEMS.c.fulltext_status == "fetching", _ITEMS.c.fulltext_at < now - FETCH_LEASE),
    )


def claim_articles(session: Transaction, now: datetime, limit: int, max_age: timedelta) -> list[ArticleToFetch]:
    """Claim up to `limit` waiting articles, oldest first; those waiting longer than max_age are given up."""
    session.execute(
        update(_ITEMS)
        .where(_waiting(now), _ITEMS.c.first_seen_at < now - max_age)
        .values(fulltext_status="skipped", fulltext_error="not fetched within full_text.max_age", fulltext_at=now)
    )
    if limit <= 0:
        return []
    candidates = list(
        session.scalars(
            select(_ITEMS.c.id)
            .where(_waiting(now))
            .order_by(_ITEMS.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not candidates:
        return []
    claimed = set(
        session.scalars(
            update(_ITEMS)
            .where(_ITEMS.c.id.in_(candidates), _waiting(now))
            .values(fulltext_status="fetching", fulltext_at=now)
            .returning(_ITEMS.c.id)
        )
    )
    rows = session.execute(
        select(
            _ITEMS.c.id,
            _ITEMS.c.link,
            _FEEDS.c.url,
            _ITEMS.c.title,
            _ITEMS.c.summary,
            _ITEMS.c.content,
            _ITEMS.c.language,
        )
        .join(_FEEDS, _FEEDS.c.id == _ITEMS.c.feed_id)
        .where(_ITEMS.c.id.in_(claimed))
        .order_by(_ITEMS.c.id)
    )
    return [ArticleToFetch(*row) for row in rows]


def release_articles(session: Transaction, item_ids: Sequence[int]) -> None:
    """Claimed but not fetched (the host is paused, the daemon stops): waiting again, for any instance."""
    for start in range(0, len(item_ids), 500):
        chunk = list(item_ids[start : start + 500])
        session.execute(
            update(_ITEMS)
            .where(_ITEMS.c.id.in_(chunk), _ITEMS.c.fulltext_status == "fetching")
            .values(fulltext_status="pending")
        )


def record_article(
    session: Transaction, item_id: int, now: datetime, *, text: str | None = None, error: str | None = None
) -> None:
    """The outcome of one fetch: the text becomes the item's content (ok), or the error is kept (failed)."""
    values: dict[str, object] = {"fulltext_at": now}
    if text is not None:
        values.update(fulltext_status="ok", fulltext_error=None, fulltext_chars=len(text), content=text)
    else:
        values.update(fulltext_status="failed", fulltext_error=(error or "unknown error")[:2000])
    session.execute(update(_ITEMS).where(_ITEMS.c.id == item_id).values(**values))


def full_text_counts(session: Transaction) -> dict[str, dict[str, int]]:
    """feed URL → {status: items} of the articles fetched or waiting ("ok", "failed", "pending"...)."""
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
