"""Items and matches: dedup of new entries, bulk inserts, backfill reads and retention."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from watcher.match import EntityMatch
from watcher.models import Feed, Item, ItemSource, Match
from watcher.parse.entry import Entry
from watcher.store.bulk import BULK, ITEM_COLUMNS, bulk_for
from watcher.store.engine import insert_or_ignore
from watcher.stored_matches import PreparedMatches, prepare_matches

DEDUP_WINDOW = timedelta(days=14)  # an entry whose GUID changed is still caught by its link this long
TITLE_WINDOW = timedelta(days=7)  # a search result is the article of the same site and title this long
SEARCH = "search"  # feeds.origin of a generated search feed


@dataclass(frozen=True)
class ItemKeys:
    """What an item is across sources, and whether its article is to be fetched (watcher/coverage/keys.py)."""

    url_key: int | None = None  # watcher.coverage.keys: 64-bit keys
    title_key: int | None = None
    publisher: str | None = None
    full_text: bool = False


# The polling hot path runs Core statements on the tables rather than ORM-enabled ones: the same SQL at a
# fraction of the Python overhead per row.
_ITEMS = Item.__table__


def new_entries(
    session: Session, feed_id: int, entries: Sequence[Entry], now: datetime, *, with_sources: bool = False
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


def stored_identities(engine: Engine, feed_id: int, identities: Sequence[str]) -> set[str]:
    """Which of `identities` the feed has stored, asked on a connection of the pool's own, outside the writer's
    transactions (SQLite's WAL lets it read meanwhile): a one-pass command's reader asks it of a changed feed's
    entries before reading their text (parse.parse_feed_here). new_entries still decides what is stored."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        found: set[str] = set()
        bulk = BULK[engine.dialect.name]
        for start in range(0, len(identities), 500):
            chunk = list(identities[start : start + 500])
            cursor.execute(bulk.query(_KNOWN_IDENTITIES, len(chunk)), [feed_id, *bulk.in_list(chunk)])
            found.update(value for (value,) in cursor.fetchall())
        cursor.close()
        return found
    finally:
        connection.close()


def _existing(session: Session, template: str, values: list[str], first: Any, *after: Any) -> set[str]:
    """The `values` found by `template`'s query, given its parameters before and after the IN list."""
    found: set[str] = set()
    bulk = bulk_for(session)
    cursor = session.connection().connection.cursor()
    try:
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            cursor.execute(bulk.query(template, len(chunk)), [first, *bulk.in_list(chunk), *after])
            found.update(value for (value,) in cursor.fetchall())
    finally:
        cursor.close()
    return found


def store_items(
    session: Session,
    feed_id: int,
    entries: Sequence[Entry],
    matches: Sequence[Sequence[EntityMatch] | PreparedMatches],
    entity_id_by_name: dict[str, int],
    now: datetime,
    *,
    silence_before: datetime | None = None,
    silence_undated: bool = False,
    keys: Sequence[ItemKeys] | None = None,
    search: bool = False,
    search_feeds: bool | None = None,
) -> tuple[int, int]:
    """Insert new items and their matches; duplicates (a racing instance) are skipped. → (items, matches).

    Matches of items published before `silence_before` (a new feed's back-catalogue) are stored
    suppressed: searchable, never mailed; with silence_undated, undated items too (a page's first links).

    `keys` (one per entry) make the article one item across sources: a search feed's entry whose article
    is stored already (same publisher URL; or same site and title within TITLE_WINDOW) is recorded as that
    item's source, not stored again; a direct feed's entry whose article a search feed stored first takes
    the item over (it becomes the publisher feed's item, its matches and story kept). Between instances the
    unique url_key decides who stored it first. `search_feeds`: whether any search feed exists, as the caller
    knows it (has_search_feeds at the start of a polling pass); None: asked of the database now.
    """
    keys = list(keys) if keys is not None else [ItemKeys()] * len(entries)
    if any(key.url_key is not None or key.title_key is not None for key in keys):
        entries, matches, keys = _stored_elsewhere(
            session, feed_id, entries, matches, keys, now, search=search, search_feeds=search_feeds
        )
    if not entries:
        return 0, 0
    bulk = bulk_for(session)
    stamp = bulk.stamp
    seen_at = stamp(now)
    rows = []
    published_at: list[datetime | None] = []
    for entry, key in zip(entries, keys, strict=True):
        published = entry.published
        if published is not None and published > now:
            published = now  # a date in the future is a feed's mistake, not news from tomorrow
        published_at.append(published)
        author = entry.author
        rows.append(
            (
                feed_id,
                entry.identity,
                entry.dedup_key,
                entry.guid,
                entry.link,
                entry.title,
                entry.summary,
                entry.content,
                entry.language,
                author[:500] if author else None,
                stamp(published),
                seen_at,
                key.url_key,
                key.title_key,
                key.publisher,
                "pending" if key.full_text else None,
            )
        )
    # The feed's items in one INSERT … ON CONFLICT DO NOTHING RETURNING on the DB-API cursor (watcher.store.bulk),
    # the values pre-built as tuples: through SQLAlchemy each row's parameters cost ~15 µs of processing. A row
    # skipped as a duplicate (a racing instance, or an article another feed holds the url_key of) returns
    # nothing, so ids are matched back by identity, not by position.
    inserted = bulk.insert_items(session, rows)
    if len(inserted) < len(rows):
        skipped = [dict(zip(ITEM_COLUMNS, row, strict=True)) for row in rows if row[1] not in inserted]
        inserted.update(_held_elsewhere(session, feed_id, skipped, now, search=search))
    item_count = len(inserted)
    match_rows: list[tuple[Any, ...]] = []
    yes, no = bulk.true, bulk.false  # as the dialect binds booleans
    for entry, entry_matches, published in zip(entries, matches, published_at, strict=True):
        if not entry_matches:
            continue
        item_id = inserted.get(entry.identity)
        if item_id is None:
            continue
        old_news = silence_before is not None and (silence_undated if published is None else published < silence_before)
        match_rows.extend(
            _match_rows(item_id, entry.fields, entry_matches, entity_id_by_name, seen_at, no, yes if old_news else no)
        )
    return item_count, bulk.insert_matches(session, match_rows)


def _stored_elsewhere(
    session: Session,
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
    query = select(_ITEMS.c.id, _ITEMS.c.feed_id, _ITEMS.c.identity, _ITEMS.c.url_key, _ITEMS.c.title_key)
    if not search:  # a direct feed takes over search results only
        query = query.join(Feed, Feed.id == _ITEMS.c.feed_id).where(Feed.origin == SEARCH)
    for start in range(0, len(url_keys), 500):
        for row in session.execute(query.where(_ITEMS.c.url_key.in_(url_keys[start : start + 500]))):
            holders[row.url_key] = row
    recent = query.where(_ITEMS.c.first_seen_at >= now - TITLE_WINDOW)
    for start in range(0, len(title_keys), 500):
        for row in session.execute(recent.where(_ITEMS.c.title_key.in_(title_keys[start : start + 500]))):
            holders.setdefault(row.title_key, row)
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


def has_search_feeds(session: Session) -> bool:
    """Whether any feed is a search feed (without one, two queries per direct feed are spared). A scan of the
    feeds table (~0.4 ms at 1,000 feeds): a polling pass asks once, not once per feed (store_items)."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(bulk_for(session).query(_SEARCH_FEED, 0))
        return cursor.fetchone() is not None
    finally:
        cursor.close()


_SEARCH_FEED = f"SELECT 1 FROM feeds WHERE origin = '{SEARCH}' LIMIT 1"


def _held_elsewhere(
    session: Session, feed_id: int, rows: list[dict[str, Any]], now: datetime, *, search: bool
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
            holder = session.execute(
                select(_ITEMS.c.id, _ITEMS.c.feed_id, _ITEMS.c.identity, Feed.origin)
                .join(Feed, Feed.id == _ITEMS.c.feed_id)
                .where(_ITEMS.c.url_key == row["url_key"])
            ).first()
        if holder is not None and search:
            _add_source(session, feed_id, row["identity"], holder.id, now)
        elif holder is not None and holder.origin == SEARCH and holder.feed_id != feed_id:
            _take_over(session, holder, feed_id, row, now)
        else:
            again.append({**row, "url_key": None})
    if not again:
        return {}
    return bulk_for(session).insert_items(session, [tuple(row[column] for column in ITEM_COLUMNS) for row in again])


def _add_source(session: Session, feed_id: int, identity: str, item_id: int, now: datetime) -> None:
    session.execute(
        insert_or_ignore(session, ItemSource.__table__)
        .values(feed_id=feed_id, identity=identity, item_id=item_id, created_at=now)
        .on_conflict_do_nothing()
    )


def _take_over(session: Session, holder: Any, feed_id: int, entry: Entry | dict[str, Any], now: datetime) -> None:
    """The publisher's feed now carries the article a search found first: the item becomes that feed's (its
    text, matches and story stay), and the search feed's entry is recorded as a source of it."""
    _add_source(session, holder.feed_id, holder.identity, holder.id, now)
    values = (
        {key: entry[key] for key in ("identity", "dedup_key", "guid")}
        if isinstance(entry, dict)
        else {"identity": entry.identity, "dedup_key": entry.dedup_key, "guid": entry.guid}
    )
    session.execute(update(_ITEMS).where(_ITEMS.c.id == holder.id).values(feed_id=feed_id, **values))


def add_matches(
    session: Session,
    item_id: int,
    fields: dict[str, str],
    matches: Iterable[EntityMatch],
    entity_id_by_name: dict[str, int],
    now: datetime,
    *,
    backfilled: bool = False,
    suppressed: bool = False,
) -> int:
    """Insert an item's matches (one per entity; one already stored is skipped). → how many were added."""
    bulk = bulk_for(session)
    flags = (bulk.true if backfilled else bulk.false, bulk.true if suppressed else bulk.false)
    rows = _match_rows(item_id, fields, matches, entity_id_by_name, bulk.stamp(now), *flags)
    return bulk.insert_matches(session, rows)


def bind_time(session: Session) -> Any:
    """The function that turns an aware datetime (or None) into what the session's DB-API driver is given."""
    return bulk_for(session).stamp


def execute_sql(session: Session, sql: str, parameters: Sequence[Any]) -> None:
    """One statement with "?" placeholders on the session's DB-API cursor, in its transaction."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(bulk_for(session).query(sql, 0), parameters)
    finally:
        cursor.close()


def _match_rows(
    item_id: int,
    fields: dict[str, str],
    matches: Iterable[EntityMatch] | PreparedMatches,
    entity_id_by_name: dict[str, int],
    matched_at: Any,
    backfilled: Any,
    suppressed: Any,
) -> list[tuple[Any, ...]]:
    """Rows of MATCH_COLUMNS (watcher.store.bulk); `matched_at` and the flags as the dialect binds them (Bulk.stamp,
    Bulk.true). `matches` as the matcher gave them, or already prepared (prepare_matches, in the parse worker)."""
    prepared = matches if isinstance(matches, PreparedMatches) else prepare_matches(fields, matches)
    tail = (backfilled, suppressed, matched_at)
    return [
        (item_id, entity_id, *values, *tail)
        for entity, *values in prepared
        if (entity_id := entity_id_by_name.get(entity)) is not None
    ]


def prune_unmatched_items(session: Session, older_than: datetime, limit: int = 5000) -> int:
    """Delete items first seen before `older_than` that matched nothing; matches and digests are kept."""
    matched = select(Match.id).where(Match.item_id == Item.id).exists()
    doomed = list(session.scalars(select(Item.id).where(Item.first_seen_at < older_than, ~matched).limit(limit)))
    if doomed:
        session.execute(delete(Item).where(Item.id.in_(doomed)))
    return len(doomed)


def items_since(session: Session, since: datetime) -> Iterator[Item]:
    yield from session.scalars(select(Item).where(Item.first_seen_at >= since).order_by(Item.id)).yield_per(500)
