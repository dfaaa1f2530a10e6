"""One item per article across sources: a search feed's result of a stored article becomes a source of that item;
a direct feed's entry of an article a search feed stored first takes the item over (store_items asks this)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from watcher.match.results import EntityMatch
from watcher.parse.entry import Entry
from watcher.store.bulk import ITEM_COLUMNS, bulk_for, execute, fetch
from watcher.store.dedup import _KNOWN_IDENTITIES, _existing
from watcher.store.engine import cursor_of
from watcher.stored_matches import PreparedMatches

if TYPE_CHECKING:
    from watcher.store.engine import Transaction


TITLE_WINDOW = timedelta(days=7)  # a search result is the article of the same site and title this long
SEARCH = "search"  # feeds.origin of a generated search feed


@dataclass(frozen=True)
class ItemKeys:
    """What an item is across sources, and whether its article is to be fetched (watcher/coverage/keys.py)."""

    url_key: int | None = None  # watcher.coverage.keys: 64-bit keys
    title_key: int | None = None
    publisher: str | None = None
    full_text: bool = False


class _Holder(NamedTuple):
    """The item that holds an article (its url_key or title_key), and its feed's origin."""

    id: int
    feed_id: int
    identity: str
    url_key: int | None
    title_key: int | None
    origin: str | None


# Plain SQL on the DB-API cursor: the polling path imports no SQLAlchemy (watcher/store/lean.py).
_HOLDERS = (
    "SELECT items.id, items.feed_id, items.identity, items.url_key, items.title_key, feeds.origin "
    "FROM items JOIN feeds ON feeds.id = items.feed_id WHERE items.{key} IN ({{values}})"
)


def _stored_elsewhere(
    session: Transaction,
    feed_id: int,
    entries: Sequence[Entry],
    matches: Sequence[Sequence[EntityMatch] | PreparedMatches],
    keys: Sequence[ItemKeys],
    now: datetime,
    *,
    search: bool,
    search_feeds: bool | None = None,
) -> tuple[list[Entry], list[Sequence[EntityMatch] | PreparedMatches], list[ItemKeys]]:
    """The entries whose article no other feed holds. A search feed's entry of a stored article becomes a
    source of that item; a direct feed's entry of an article a search feed stored takes that item over."""
    if search_feeds is None:
        search_feeds = search or has_search_feeds(session)
    if not search and not search_feeds:
        return list(entries), list(matches), list(keys)  # a direct feed takes over search results only
    url_keys = [key.url_key for key in keys if key.url_key is not None]
    title_keys = [key.title_key for key in keys if key.title_key is not None]
    holders: dict[int, Any] = {}
    bulk = bulk_for(session)
    only_search = "" if search else f" AND feeds.origin = '{SEARCH}'"  # a direct feed takes over search results only
    for start in range(0, len(url_keys), 500):
        chunk = url_keys[start : start + 500]
        sql = bulk.query(_HOLDERS.format(key="url_key") + only_search, len(chunk), "bigint")
        for row in fetch(session, sql, bulk.in_list(chunk)):
            holders[row[3]] = _Holder(*row)
    for start in range(0, len(title_keys), 500):
        chunk = title_keys[start : start + 500]
        sql = bulk.query(
            _HOLDERS.format(key="title_key") + only_search + " AND items.first_seen_at >= ?", len(chunk), "bigint"
        )
        for row in fetch(session, sql, [*bulk.in_list(chunk), bulk.stamp(now - TITLE_WINDOW)]):
            holders.setdefault(row[4], _Holder(*row))
    if not holders:
        return list(entries), list(matches), list(keys)
    kept: tuple[list[Entry], list[Sequence[EntityMatch] | PreparedMatches], list[ItemKeys]] = ([], [], [])
    taken: set[int] = set()
    for entry, entry_matches, key in zip(entries, matches, keys, strict=True):
        holder = holders.get(key.url_key) if key.url_key is not None else None
        if holder is None and key.title_key is not None:
            holder = holders.get(key.title_key)
        if holder is None or holder.feed_id == feed_id or holder.id in taken:
            kept[0].append(entry), kept[1].append(entry_matches), kept[2].append(key)
            continue
        taken.add(holder.id)
        if search:
            _add_source(session, feed_id, entry.identity, holder.id, now)
        else:
            _take_over(session, holder, feed_id, entry, now)
    return kept


def has_search_feeds(session: Transaction) -> bool:
    """Whether any feed is a search feed (without one, two queries per direct feed are spared). A scan of the
    feeds table (~0.4 ms at 1,000 feeds): a polling pass asks once, not once per feed (store_items)."""
    cursor = cursor_of(session)
    try:
        cursor.execute(bulk_for(session).query(_SEARCH_FEED, 0))
        return cursor.fetchone() is not None
    finally:
        cursor.close()


_SEARCH_FEED = f"SELECT 1 FROM feeds WHERE origin = '{SEARCH}' LIMIT 1"


def _held_elsewhere(
    session: Transaction, feed_id: int, rows: list[dict[str, Any]], now: datetime, *, search: bool
) -> dict[str, int]:
    """Rows the insert skipped. Stored by a racing instance: nothing to do. Their url_key held by another
    item: a search result becomes its source, a direct feed's entry takes a search item over, and the same
    link in a second direct feed is stored as before, without the key. → the ids of rows stored now."""
    stored = _existing(session, _KNOWN_IDENTITIES, [row["identity"] for row in rows], feed_id)
    again = []
    for row in rows:
        if row["identity"] in stored:
            continue
        holder = None
        if row["url_key"] is not None:
            found = fetch(session, _HOLDERS.format(key="url_key").format(values="?") + " LIMIT 1", [row["url_key"]])
            holder = _Holder(*found[0]) if found else None
        if holder is not None and search:
            _add_source(session, feed_id, row["identity"], holder.id, now)
        elif holder is not None and holder.origin == SEARCH and holder.feed_id != feed_id:
            _take_over(session, holder, feed_id, row, now)
        else:
            again.append({**row, "url_key": None})
    if not again:
        return {}
    return bulk_for(session).insert_items(session, [tuple(row[column] for column in ITEM_COLUMNS) for row in again])


def _add_source(session: Transaction, feed_id: int, identity: str, item_id: int, now: datetime) -> None:
    execute(
        session,
        "INSERT INTO item_sources (feed_id, identity, item_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [feed_id, identity, item_id, bulk_for(session).stamp(now)],
    )


def _take_over(session: Transaction, holder: Any, feed_id: int, entry: Entry | dict[str, Any], now: datetime) -> None:
    """The publisher's feed now carries the article a search found first: the item becomes that feed's (its
    text, matches and story stay), and the search feed's entry is recorded as a source of it."""
    _add_source(session, holder.feed_id, holder.identity, holder.id, now)
    values = (
        {key: entry[key] for key in ("identity", "dedup_key", "guid")}
        if isinstance(entry, dict)
        else {"identity": entry.identity, "dedup_key": entry.dedup_key, "guid": entry.guid}
    )
    execute(
        session,
        "UPDATE items SET feed_id = ?, identity = ?, dedup_key = ?, guid = ? WHERE id = ?",
        [feed_id, values["identity"], values["dedup_key"], values["guid"], holder.id],
    )
