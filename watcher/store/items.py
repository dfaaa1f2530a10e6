"""Items and matches: dedup of new entries, bulk inserts, backfill reads and retention."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from watcher.match import EntityMatch, snippet_for
from watcher.models import Feed, Item, ItemSource, Match
from watcher.parse import Entry
from watcher.store.engine import insert_or_ignore

DEDUP_WINDOW = timedelta(days=14)  # an entry whose GUID changed is still caught by its link this long
TITLE_WINDOW = timedelta(days=7)  # a search result is the article of the same site and title this long
SEARCH = "search"  # feeds.origin of a generated search feed


@dataclass(frozen=True)
class ItemKeys:
    """What an item is across sources, and whether its article is to be fetched (watcher/coverage/keys.py)."""

    url_key: str | None = None
    title_key: str | None = None
    publisher: str | None = None
    full_text: bool = False


# The polling hot path runs Core statements on the tables rather than ORM-enabled ones: the same SQL at a
# fraction of the Python overhead per row.
_ITEMS = Item.__table__
_MATCHES = Match.__table__


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
    known = _existing(session, _KNOWN_IDENTITIES, identities, feed_id=feed_id)
    if with_sources:
        known |= _existing(session, _KNOWN_SOURCES, identities, feed_id=feed_id)
    keyed = [(entry, entry.dedup_key) for entry in entries if entry.identity not in known]  # a key costs a URL parse
    keys = [key for _entry, key in keyed if key]
    if not keys:
        return [entry for entry, _key in keyed]
    seen = _existing(session, _RECENT_DEDUP_KEYS, keys, feed_id=feed_id, since=now - DEDUP_WINDOW)
    return [entry for entry, key in keyed if key not in seen]


# Built once (an expanding IN): new_entries runs for every changed feed, and building them costs more than running them.
_KNOWN_IDENTITIES = select(_ITEMS.c.identity).where(
    _ITEMS.c.feed_id == bindparam("feed_id"), _ITEMS.c.identity.in_(bindparam("values", expanding=True))
)
_KNOWN_SOURCES = select(ItemSource.identity).where(
    ItemSource.feed_id == bindparam("feed_id"), ItemSource.identity.in_(bindparam("values", expanding=True))
)
_RECENT_DEDUP_KEYS = select(_ITEMS.c.dedup_key).where(
    _ITEMS.c.feed_id == bindparam("feed_id"),
    _ITEMS.c.dedup_key.in_(bindparam("values", expanding=True)),
    _ITEMS.c.first_seen_at >= bindparam("since"),
)


def _existing(session: Session, statement: Any, values: list[str], **params: Any) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), 500):
        found.update(session.scalars(statement, {**params, "values": values[start : start + 500]}))
    return found


def store_items(
    session: Session,
    feed_id: int,
    entries: Sequence[Entry],
    matches: Sequence[Sequence[EntityMatch]],
    entity_id_by_name: dict[str, int],
    now: datetime,
    *,
    silence_before: datetime | None = None,
    silence_undated: bool = False,
    keys: Sequence[ItemKeys] | None = None,
    search: bool = False,
) -> tuple[int, int]:
    """Insert new items and their matches; duplicates (a racing instance) are skipped. → (items, matches).

    Matches of items published before `silence_before` (a new feed's back-catalogue) are stored
    suppressed: searchable, never mailed; with silence_undated, undated items too (a page's first links).

    `keys` (one per entry) make the article one item across sources: a search feed's entry whose article
    is stored already (same publisher URL; or same site and title within TITLE_WINDOW) is recorded as that
    item's source, not stored again; a direct feed's entry whose article a search feed stored first takes
    the item over (it becomes the publisher feed's item, its matches and story kept). Between instances the
    unique url_key decides who stored it first.
    """
    keys = list(keys) if keys is not None else [ItemKeys()] * len(entries)
    if any(key.url_key or key.title_key for key in keys):
        entries, matches, keys = _stored_elsewhere(session, feed_id, entries, matches, keys, now, search=search)
    rows = []
    for entry, key in zip(entries, keys, strict=True):
        published = entry.published
        if published is not None and published > now:
            published = now  # a date in the future is a feed's mistake, not news from tomorrow
        rows.append(
            dict(
                feed_id=feed_id,
                identity=entry.identity,
                dedup_key=entry.dedup_key,
                guid=entry.guid,
                link=entry.link,
                title=entry.title,
                summary=entry.summary,
                content=entry.content,
                language=entry.language,
                author=(entry.author or None) and entry.author[:500],
                published_at=published,
                first_seen_at=now,
                url_key=key.url_key,
                title_key=key.title_key,
                publisher=key.publisher,
                fulltext_status="pending" if key.full_text else None,
            )
        )
    if not rows:
        return 0, 0
    # One executemany for the feed's items (rendered as multi-row INSERT … RETURNING by SQLAlchemy's
    # "insertmanyvalues"), on the Core table: per-row ORM statements cost ~10× more. A row skipped as a
    # duplicate (a racing instance, or an article another feed holds the url_key of) returns nothing, so
    # ids are matched back by identity, not by position.
    statement = insert_or_ignore(session, _ITEMS).on_conflict_do_nothing().returning(_ITEMS.c.id, _ITEMS.c.identity)
    inserted = {identity: item_id for item_id, identity in session.execute(statement, rows)}
    if len(inserted) < len(rows):
        skipped = [row for row in rows if row["identity"] not in inserted]
        inserted.update(_held_elsewhere(session, feed_id, skipped, now, search=search))
    item_count = len(inserted)
    match_rows: list[dict[str, Any]] = []
    for entry, entry_matches, row in zip(entries, matches, rows, strict=True):
        item_id = inserted.pop(entry.identity, None)
        if item_id is None or not entry_matches:
            continue
        published = row["published_at"]
        old_news = silence_before is not None and (silence_undated if published is None else published < silence_before)
        match_rows.extend(_match_rows(item_id, entry.fields, entry_matches, entity_id_by_name, now, False, old_news))
    return item_count, _insert_matches(session, match_rows)


def _stored_elsewhere(
    session: Session,
    feed_id: int,
    entries: Sequence[Entry],
    matches: Sequence[Sequence[EntityMatch]],
    keys: Sequence[ItemKeys],
    now: datetime,
    *,
    search: bool,
) -> tuple[list[Entry], list[Sequence[EntityMatch]], list[ItemKeys]]:
    """The entries whose article no other feed holds. A search feed's entry of a stored article becomes a
    source of that item; a direct feed's entry of an article a search feed stored takes that item over."""
    url_keys = [key.url_key for key in keys if key.url_key]
    title_keys = [key.title_key for key in keys if key.title_key]
    holders: dict[str, Any] = {}
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
    kept: tuple[list[Entry], list[Sequence[EntityMatch]], list[ItemKeys]] = ([], [], [])
    taken: set[int] = set()
    for entry, entry_matches, key in zip(entries, matches, keys, strict=True):
        holder = holders.get(key.url_key or "") or holders.get(key.title_key or "")
        if holder is None or holder.feed_id == feed_id or holder.id in taken:
            kept[0].append(entry), kept[1].append(entry_matches), kept[2].append(key)
            continue
        taken.add(holder.id)
        if search:
            _add_source(session, feed_id, entry.identity, holder.id, now)
        else:
            _take_over(session, holder, feed_id, entry, now)
    return kept


def _held_elsewhere(
    session: Session, feed_id: int, rows: list[dict[str, Any]], now: datetime, *, search: bool
) -> dict[str, int]:
    """Rows the insert skipped. Stored by a racing instance: nothing to do. Their url_key held by another
    item: a search result becomes its source, a direct feed's entry takes a search item over, and the same
    link in a second direct feed is stored as before, without the key. → the ids of rows stored now."""
    stored = _existing(session, _KNOWN_IDENTITIES, [row["identity"] for row in rows], feed_id=feed_id)
    again = []
    for row in rows:
        if row["identity"] in stored:
            continue
        holder = None
        if row["url_key"]:
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
    statement = insert_or_ignore(session, _ITEMS).on_conflict_do_nothing().returning(_ITEMS.c.id, _ITEMS.c.identity)
    return {identity: item_id for item_id, identity in session.execute(statement, again)}


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
    return _insert_matches(
        session, _match_rows(item_id, fields, matches, entity_id_by_name, now, backfilled, suppressed)
    )


# Built once per dialect, run as one executemany per feed (multi-row INSERT … RETURNING through SQLAlchemy's
# "insertmanyvalues"): a statement built and cache-keyed per match cost ~200 µs CPU of the ~250 per match
# (bench/store --match-rate 200). A skipped duplicate returns no id, so the ids returned are the rows added.
_INSERT_MATCHES = {
    name: insert(_MATCHES).on_conflict_do_nothing(index_elements=["item_id", "entity_id"]).returning(_MATCHES.c.id)
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def _insert_matches(session: Session, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    statement = _INSERT_MATCHES[session.get_bind().dialect.name]
    return len(session.execute(statement, rows).all())


def _match_rows(
    item_id: int,
    fields: dict[str, str],
    matches: Iterable[EntityMatch],
    entity_id_by_name: dict[str, int],
    now: datetime,
    backfilled: bool,
    suppressed: bool,
) -> list[dict[str, Any]]:
    rows = []
    for match in matches:
        entity_id = entity_id_by_name.get(match.entity)
        if entity_id is None:
            continue
        snippet = snippet_for(fields, match)
        hit = match.primary
        rows.append(
            {
                "item_id": item_id,
                "entity_id": entity_id,
                "alias": hit.alias,
                "field": hit.field,
                "start_offset": hit.start,
                "end_offset": hit.end,
                "surface": hit.text,
                "snippet": snippet.text,
                "highlights": [list(span) for span in snippet.highlights],
                "hits": [
                    {"alias": h.alias, "field": h.field, "start": h.start, "end": h.end, "text": h.text}
                    for h in match.hits
                ],
                "backfilled": backfilled,
                "suppressed": suppressed,
                "matched_at": now,
            }
        )
    return rows


def prune_unmatched_items(session: Session, older_than: datetime, limit: int = 5000) -> int:
    """Delete items first seen before `older_than` that matched nothing; matches and digests are kept."""
    matched = select(Match.id).where(Match.item_id == Item.id).exists()
    doomed = list(session.scalars(select(Item.id).where(Item.first_seen_at < older_than, ~matched).limit(limit)))
    if doomed:
        session.execute(delete(Item).where(Item.id.in_(doomed)))
    return len(doomed)


def items_since(session: Session, since: datetime) -> Iterator[Item]:
    yield from session.scalars(select(Item).where(Item.first_seen_at >= since).order_by(Item.id)).yield_per(500)
