"""config.yaml → database: the feeds and entities tables follow the config."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from watcher.match.table import entity_fingerprint
from watcher.store.bulk import fetch

if TYPE_CHECKING:
    from sqlalchemy import Row, Table

    from watcher.config import EntityConfig, FeedConfig
    from watcher.store.engine import Transaction

# A start whose config is as it was (every `watcher poll` but the first after an edit) reads the rows as plain SQL
# on the DB-API cursor and changes nothing (_feeds_in_sync, _entities_in_sync): SQLAlchemy is imported only to
# write the changes of an edited config (watcher/store/lean.py).


def feed_fingerprint(feed: FeedConfig) -> str:
    return feed.fingerprint


def sync_feeds(
    session: Transaction,
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
    from sqlalchemy import insert, select, update

    from watcher.tables import feeds as _FEEDS

    offsets = first_polls or {}
    existing = {row.url: row for row in session.execute(select(*(_FEEDS.c[name] for name in _SYNCED_FEED_COLUMNS)))}
    new = []
    for url, config in wanted.items():
        row = existing.get(url)
        origin = "search" if url in searches else None
        if row is None:
            new.append(
                {
                    "url": url,
                    "name": config.name,
                    "active": True,
                    "next_poll_at": now + offsets.get(url, timedelta(0)),
                    "created_at": now,
                    "config_fingerprint": feed_fingerprint(config),
                    "origin": origin,
                }
            )
        elif changes := _feed_changes(row, config, origin, now):
            session.execute(update(_FEEDS).where(_FEEDS.c.id == row.id).values(**changes))
    if new:
        session.execute(insert(_FEEDS), new)
    _deactivate(session, _FEEDS, [row.id for url, row in existing.items() if url not in wanted and row.active])


_SYNCED_FEED_COLUMNS = (
    "id",
    "url",
    "name",
    "origin",
    "active",
    "next_poll_at",
    "config_fingerprint",
    "disabled_reason",
    "redirect_url",
    "redirect_candidate",
    "redirect_streak",
)


def _feed_changes(row: Row[Any], config: FeedConfig, origin: str | None, now: datetime) -> dict[str, Any]:
    """The columns of a feed's row that its config entry changes (none: {}). A changed entry starts afresh."""
    fingerprint = feed_fingerprint(config)
    wanted: dict[str, Any] = {"origin": origin, "active": True, "name": config.name}
    if not row.active:
        wanted["next_poll_at"] = now
    if row.config_fingerprint != fingerprint:
        if row.disabled_reason or row.redirect_url:
            wanted["next_poll_at"] = now
        wanted |= {
            "config_fingerprint": fingerprint,
            "disabled_reason": None,
            "redirect_url": None,
            "redirect_candidate": None,
            "redirect_streak": 0,
        }
    return {column: value for column, value in wanted.items() if getattr(row, column) != value}


def _deactivate(session: Transaction, table: Table, ids: list[int]) -> None:
    from sqlalchemy import update

    for start in range(0, len(ids), 500):
        session.execute(update(table).where(table.c.id.in_(ids[start : start + 500])).values(active=False))


def _feeds_in_sync(session: Transaction, wanted: Mapping[str, FeedConfig], searches: set[str]) -> bool:
    """Whether sync_feeds would change nothing: every start of `watcher poll` with the config as it was. Read as
    plain rows: loading 1,000 feeds as ORM objects to compare them cost ~0.05 CPU-s of each start."""
    active = set()
    for url, origin, is_active, fingerprint, name in fetch(
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


def _entities_in_sync(session: Transaction, entities: Sequence[EntityConfig]) -> bool:
    """Whether sync_entities would change nothing (see _feeds_in_sync)."""
    wanted = {config.name: entity_fingerprint(config) for config in entities}
    found = 0
    for name, fingerprint, is_active in fetch(session, "SELECT name, fingerprint, active FROM entities"):
        if name not in wanted:
            if is_active:
                return False
            continue
        if not is_active or fingerprint != wanted[name]:
            return False
        found += 1
    return found == len(wanted)


def sync_entities(session: Transaction, entities: Sequence[EntityConfig], now: datetime) -> list[str]:
    """Make the entities table follow the config; return the names that are new or whose aliases changed."""
    if _entities_in_sync(session, entities):
        return []
    from sqlalchemy import insert, select, update

    from watcher.tables import entities as _ENTITIES

    existing = {
        row.name: row
        for row in session.execute(
            select(_ENTITIES.c.id, _ENTITIES.c.name, _ENTITIES.c.fingerprint, _ENTITIES.c.active)
        )
    }
    changed = []
    new = []
    for config in entities:
        fingerprint = entity_fingerprint(config)
        row = existing.get(config.name)
        if row is None:
            new.append(
                {"name": config.name, "fingerprint": fingerprint, "active": True, "created_at": now, "updated_at": now}
            )
            changed.append(config.name)
        elif row.fingerprint != fingerprint or not row.active:
            session.execute(
                update(_ENTITIES)
                .where(_ENTITIES.c.id == row.id)
                .values(fingerprint=fingerprint, active=True, updated_at=now)
            )
            changed.append(config.name)
    if new:
        session.execute(insert(_ENTITIES), new)
    names = {config.name for config in entities}
    _deactivate(session, _ENTITIES, [row.id for name, row in existing.items() if name not in names and row.active])
    return changed


def entity_ids(session: Transaction) -> dict[str, int]:
    return dict(fetch(session, "SELECT name, id FROM entities WHERE active = ?", [True]))
