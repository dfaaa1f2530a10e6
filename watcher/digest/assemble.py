"""The digest model of a route, read from the database: the one place the digest touches the store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from watcher.config import Config, Route
from watcher.digest.build import build_digest
from watcher.digest.model import TREND_DAYS, DigestModel
from watcher.store import MatchRow, daily_volumes, earliest_item_at, failing_feeds
from watcher.store.stories import stored_stories

FAILING_FEED_AGE = timedelta(hours=24)  # a feed failing this long is listed at the bottom of the digest


def assemble_digest(
    session: Session, config: Config, route: Route, rows: Sequence[MatchRow], now: datetime
) -> DigestModel:
    """The digest of these claimed (or, for a preview, unclaimed) matches, with their stories and volumes."""
    entities = list(dict.fromkeys(row.entity for row in rows))
    counts = daily_volumes(session, entities, now, TREND_DAYS)
    history_from = earliest_item_at(session)
    return build_digest(
        rows,
        timezone=config.digest.timezone,
        now=now,
        stories=stored_stories(session, list(dict.fromkeys(row.item_id for row in rows))),
        max_per_entity=config.digest.max_items_per_entity,
        max_items=config.digest.max_items,
        entity_order=route.entities,
        failing_feeds=failing_feeds(session, now, FAILING_FEED_AGE),
        volumes={name: with_history(counts.get(name, [0] * TREND_DAYS), now, history_from) for name in entities},
    )


def with_history(counts: Sequence[int], now: datetime, history_from: datetime | None) -> list[int | None]:
    """Daily counts (oldest first, the last ending now) with None for days that ended before watcher saw its
    first item: no history is not a quiet history."""
    days = len(counts)
    return [
        None if history_from is None or now - timedelta(days=days - 1 - index) <= history_from else count
        for index, count in enumerate(counts)
    ]
