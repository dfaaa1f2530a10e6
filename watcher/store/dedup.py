"""Which of a feed's entries are new: not stored by identity, nor (within DEDUP_WINDOW) by normalised link."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from watcher.parse.entry import Entry
from watcher.store.bulk import BULK, bulk_for
from watcher.store.engine import cursor_of

if TYPE_CHECKING:
    from watcher.store.engine import Database, Transaction

DEDUP_WINDOW = timedelta(days=14)  # an entry whose GUID changed is still caught by its link this long


def new_entries(
    session: Transaction, feed_id: int, entries: Sequence[Entry], now: datetime, *, with_sources: bool = False
) -> list[Entry]:
    """The entries not stored yet for this feed, by identity or, within DEDUP_WINDOW, by normalised link.

    One IN query per key for the whole fetch (in chunks under every engine's bound-parameter limit).
    with_sources: entries recorded as another feed's item count as stored (a search feed's: item_sources).
    """
    if not entries:
        return []
    identities = [entry.identity for entry in entries]
    known = _existing(session, _KNOWN_IDENTITIES, identities, feed_id)
    if with_sources:
        known |= _existing(session, _KNOWN_SOURCES, identities, feed_id)
    keyed = [(entry, entry.dedup_key) for entry in entries if entry.identity not in known]  # a key costs a URL parse
    keys = [key for _entry, key in keyed if key]
    if not keys:
        return [entry for entry, _key in keyed]
    seen = _existing(session, _RECENT_DEDUP_KEYS, keys, feed_id, bulk_for(session).stamp(now - DEDUP_WINDOW))
    return [entry for entry, key in keyed if key not in seen]


# Plain SQL on the DB-API cursor (new_entries runs for every changed feed: through SQLAlchemy each query cost
# ~0.3 ms of Python); {values} becomes the IN list's placeholders, "?" the dialect's.
_KNOWN_IDENTITIES = "SELECT identity FROM items WHERE feed_id = ? AND identity IN ({values})"
_KNOWN_SOURCES = "SELECT identity FROM item_sources WHERE feed_id = ? AND identity IN ({values})"
_RECENT_DEDUP_KEYS = "SELECT dedup_key FROM items WHERE feed_id = ? AND dedup_key IN ({values}) AND first_seen_at >= ?"


def stored_identities(db: Database, feed_id: int, identities: Sequence[str]) -> set[str]:
    """Which of `identities` the feed has stored, asked on a connection of the pool's own, outside the writer's
    transactions (SQLite's WAL lets it read meanwhile): a one-pass command's reader asks it of a changed feed's
    entries before reading their text (parse.parse_feed_here). new_entries still decides what is stored."""
    with db.reader() as connection:
        cursor = connection.cursor()
        found: set[str] = set()
        bulk = BULK[db.dialect]
        for start in range(0, len(identities), 500):
            chunk = list(identities[start : start + 500])
            cursor.execute(bulk.query(_KNOWN_IDENTITIES, len(chunk)), [feed_id, *bulk.in_list(chunk)])
            found.update(value for (value,) in cursor.fetchall())
        cursor.close()
        connection.rollback()  # PostgreSQL's driver began a transaction: end it
        return found


def _existing(session: Transaction, template: str, values: list[str], first: Any, *after: Any) -> set[str]:
    """The `values` found by `template`'s query, given its parameters before and after the IN list."""
    found: set[str] = set()
    bulk = bulk_for(session)
    cursor = cursor_of(session)
    try:
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            cursor.execute(bulk.query(template, len(chunk)), [first, *bulk.in_list(chunk), *after])
            found.update(value for (value,) in cursor.fetchall())
    finally:
        cursor.close()
    return found
