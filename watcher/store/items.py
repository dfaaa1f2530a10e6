"""Items: new ones inserted with their matches (store_items), backfill reads and retention; two DB-API helpers
the other store modules share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from watcher.match.results import EntityMatch
from watcher.parse.entry import Entry
from watcher.store.bulk import ITEM_COLUMNS, bulk_for
from watcher.store.item_sources import ItemKeys, _held_elsewhere, _stored_elsewhere
from watcher.store.matches import _match_rows
from watcher.stored_matches import PreparedMatches

if TYPE_CHECKING:
    from watcher.store.engine import Transaction


def store_items(
    session: Transaction,
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


def prune_unmatched_items(session: Transaction, older_than: datetime, limit: int = 5000) -> int:
    """Delete items first seen before `older_than` that matched nothing; matches and digests are kept."""
    from sqlalchemy import delete, select  # retention and backfill: not the polling path (watcher/store/lean.py)

    from watcher.tables import items as _ITEMS
    from watcher.tables import matches as _MATCHES

    matched = select(_MATCHES.c.id).where(_MATCHES.c.item_id == _ITEMS.c.id).exists()
    doomed = list(
        session.scalars(select(_ITEMS.c.id).where(_ITEMS.c.first_seen_at < older_than, ~matched).limit(limit))
    )
    if doomed:
        session.execute(delete(_ITEMS).where(_ITEMS.c.id.in_(doomed)))
    return len(doomed)


def item_ids_since(session: Transaction, since: datetime) -> list[int]:
    """The items first seen since then, oldest first (a backfill's items)."""
    from sqlalchemy import select  # retention and backfill: not the polling path (watcher/store/lean.py)

    from watcher.tables import items as _ITEMS

    return list(session.scalars(select(_ITEMS.c.id).where(_ITEMS.c.first_seen_at >= since).order_by(_ITEMS.c.id)))


def item_fields(session: Transaction, item_ids: Sequence[int]) -> list[tuple[int, dict[str, str], str | None]]:
    """(id, the fields the matcher reads, language) of these items."""
    from sqlalchemy import select  # retention and backfill: not the polling path (watcher/store/lean.py)

    from watcher.tables import items as _ITEMS

    rows = session.execute(
        select(_ITEMS.c.id, _ITEMS.c.title, _ITEMS.c.summary, _ITEMS.c.content, _ITEMS.c.language).where(
            _ITEMS.c.id.in_(item_ids)
        )
    ).all()
    return [
        (item_id, {"title": title, "summary": summary, "content": content}, language)
        for item_id, title, summary, content, language in rows
    ]
