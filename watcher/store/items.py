"""Items and matches: dedup of new entries, bulk inserts, backfill reads and retention."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from watcher.match import EntityMatch, snippet_for
from watcher.models import Item, Match
from watcher.parse import Entry
from watcher.store.engine import insert_or_ignore

DEDUP_WINDOW = timedelta(days=14)  # an entry whose GUID changed is still caught by its link this long

# The polling hot path runs Core statements on the tables rather than ORM-enabled ones: the same SQL at a
# fraction of the Python overhead per row.
_ITEMS = Item.__table__
_MATCHES = Match.__table__


def new_entries(session: Session, feed_id: int, entries: Sequence[Entry], now: datetime) -> list[Entry]:
    """The entries not stored yet for this feed, by identity or, within DEDUP_WINDOW, by normalised link.

    One IN query per key for the whole fetch (in chunks under every engine's bound-parameter limit).
    """
    if not entries:
        return []
    known = _existing(session, _KNOWN_IDENTITIES, [entry.identity for entry in entries], feed_id=feed_id)
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
) -> tuple[int, int]:
    """Insert new items and their matches; duplicates (a racing instance) are skipped. → (items, matches).

    Matches of items published before `silence_before` (a new feed's back-catalogue) are stored
    suppressed: searchable, never mailed.
    """
    rows = []
    for entry in entries:
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
            )
        )
    if not rows:
        return 0, 0
    # One executemany for the feed's items (rendered as multi-row INSERT … RETURNING by SQLAlchemy's
    # "insertmanyvalues"), on the Core table: per-row ORM statements cost ~10× more. A row skipped as a
    # duplicate returns nothing, so ids are matched back by identity, not by position.
    statement = (
        insert_or_ignore(session, _ITEMS)
        .on_conflict_do_nothing(index_elements=["feed_id", "identity"])
        .returning(_ITEMS.c.id, _ITEMS.c.identity)
    )
    inserted = {identity: item_id for item_id, identity in session.execute(statement, rows)}
    item_count = len(inserted)
    match_rows: list[dict[str, Any]] = []
    for entry, entry_matches, row in zip(entries, matches, rows, strict=True):
        item_id = inserted.pop(entry.identity, None)
        if item_id is None or not entry_matches:
            continue
        published = row["published_at"]
        old_news = silence_before is not None and published is not None and published < silence_before
        match_rows.extend(_match_rows(item_id, entry.fields, entry_matches, entity_id_by_name, now, False, old_news))
    return item_count, _insert_matches(session, match_rows)


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
