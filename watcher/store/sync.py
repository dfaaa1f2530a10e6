"""config.yaml → database: the feeds and entities tables follow the config."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watcher.config import EntityConfig, FeedConfig
from watcher.match.table import entity_fingerprint
from watcher.models import Entity, Feed


def feed_fingerprint(feed: FeedConfig) -> str:
    return feed.fingerprint


def sync_feeds(
    session: Session,
    feeds: Sequence[FeedConfig],
    now: datetime,
    *,
    generated: Sequence[FeedConfig] = (),
    first_polls: Mapping[str, timedelta] | None = None,
) -> None:
    """Make the feeds table follow the config: new feeds are due now, removed ones go inactive.

    A feed whose config entry changed starts afresh: a 410 no longer disables it and a remembered
    redirect is forgotten. `generated` feeds (the news searches following the entities) are marked
    origin "search"; a new one is first due after its offset in `first_polls`, so hundreds of them
    added at once are spread over their interval rather than all polled now.
    """
    wanted = {feed.url: feed for feed in feeds}
    searches = {feed.url for feed in generated if feed.url not in wanted}
    wanted.update((feed.url, feed) for feed in generated if feed.url in searches)
    if _feeds_in_sync(session, wanted, searches):
        return
    offsets = first_polls or {}
    existing = {feed.url: feed for feed in session.scalars(select(Feed))}
    for url, config in wanted.items():
        row = existing.get(url)
        fingerprint = feed_fingerprint(config)
        origin = "search" if url in searches else None
        if row is None:
            session.add(
                Feed(
                    url=url,
                    name=config.name,
                    active=True,
                    next_poll_at=now + offsets.get(url, timedelta(0)),
                    created_at=now,
                    config_fingerprint=fingerprint,
                    origin=origin,
                )
            )
            continue
        row.origin = origin
        if not row.active:
            row.next_poll_at = now
        if row.config_fingerprint != fingerprint:
            if row.disabled_reason or row.redirect_url:
                row.next_poll_at = now
            row.config_fingerprint = fingerprint
            row.disabled_reason = row.redirect_url = row.redirect_candidate = None
            row.redirect_streak = 0
        row.active = True
        row.name = config.name
    for url, row in existing.items():
        if url not in wanted:
            row.active = False


def _feeds_in_sync(session: Session, wanted: Mapping[str, FeedConfig], searches: set[str]) -> bool:
    """Whether sync_feeds would change nothing: every start of `watcher poll` with the config as it was. Read as
    plain rows: loading 1,000 feeds as ORM objects to compare them cost ~0.05 CPU-s of each start."""
    active = set()
    for url, origin, is_active, fingerprint, name in _rows(
        session, "SELECT url, origin, active, config_fingerprint, name FROM feeds"
    ):
        config = wanted.get(url)
        if config is None:
            if is_active:
                return False  # removed from the config: to be made inactive
            continue
        expected_origin = "search" if url in searches else None
        if not is_active or origin != expected_origin or name != config.name or fingerprint != feed_fingerprint(config):
            return False
        active.add(url)
    return len(active) == len(wanted)  # else a feed is new


def _entities_in_sync(session: Session, entities: Sequence[EntityConfig]) -> bool:
    """Whether sync_entities would change nothing (see _feeds_in_sync)."""
    wanted = {config.name: entity_fingerprint(config) for config in entities}
    found = 0
    for name, fingerprint, is_active in _rows(session, "SELECT name, fingerprint, active FROM entities"):
        if name not in wanted:
            if is_active:
                return False
            continue
        if not is_active or fingerprint != wanted[name]:
            return False
        found += 1
    return found == len(wanted)


def _rows(session: Session, sql: str) -> list[Any]:
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def sync_entities(session: Session, entities: Sequence[EntityConfig], now: datetime) -> list[str]:
    """Make the entities table follow the config; return the names that are new or whose aliases changed."""
    if _entities_in_sync(session, entities):
        return []
    existing = {entity.name: entity for entity in session.scalars(select(Entity))}
    changed = []
    for config in entities:
        fingerprint = entity_fingerprint(config)
        row = existing.get(config.name)
        if row is None:
            session.add(Entity(name=config.name, fingerprint=fingerprint, active=True, created_at=now, updated_at=now))
            changed.append(config.name)
        elif row.fingerprint != fingerprint or not row.active:
            row.fingerprint, row.active, row.updated_at = fingerprint, True, now
            changed.append(config.name)
    names = {config.name for config in entities}
    for name, row in existing.items():
        if name not in names:
            row.active = False
    session.flush()
    return changed


def entity_ids(session: Session) -> dict[str, int]:
    # On the table, not the mapped class: the first ORM statement of a process configures every mapper (~12 ms CPU),
    # which a polling pass that stores no match never needs otherwise.
    table = Entity.__table__
    rows = session.execute(select(table.c.name, table.c.id).where(table.c.active))
    return {name: entity_id for name, entity_id in rows}
