"""Stories and events: which matched items still need analysing, the open stories, and what the digest reads of them
(the analysis's results are written by watcher/store/story_saving.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from watcher.store.bulk import bulk_for, fetch, read_json, read_time

if TYPE_CHECKING:
    from watcher.store.engine import Transaction


@dataclass(frozen=True)
class ItemToAnalyse:
    id: int
    title: str
    summary: str
    content: str
    published: datetime  # published, else first seen
    feed: str
    language: str | None  # as the feed declares it
    story_key: str | None = None  # its story's, when it is in one (members of open stories; items analysed again)
    story_reports: int = 0  # with story_key: how many reports that story has


# The analysis stage's statements are SQL text on the DB-API cursor, as all of the polling path's: no ORM (its first
# statement of a process configures every mapper: ~10-20% of the stage's CPU for twenty items, docs/benchmarks.md),
# and no SQLAlchemy at all on SQLite (watcher/store/lean.py). An item's columns as _row reads them, and its feed's
# that make its display name (Feed.display_name).
_ITEM_COLUMNS = ("items.id, items.title, items.summary, items.content, items.published_at, items.first_seen_at, "
                 "items.publisher, items.language, feeds.name, feeds.title, feeds.url")  # fmt: skip


def _row(row: Any, story_key: str | None = None, story_reports: int = 0) -> ItemToAnalyse:
    """An ItemToAnalyse of a row of _ITEM_COLUMNS."""
    item_id, title, summary, content, published, first_seen, publisher, language, name, feed_title, url = row[:11]
    return ItemToAnalyse(
        id=item_id,
        title=title,
        summary=summary,
        content=content,
        published=read_time(published or first_seen),
        feed=publisher or name or feed_title or url,  # a search result's outlet is its publisher, else display_name
        language=language,
        story_key=story_key,
        story_reports=story_reports,
    )


def items_to_analyse(session: Transaction, since: datetime, limit: int = 5000) -> list[ItemToAnalyse]:
    """Items first seen since `since` with a match that can be mailed (not suppressed), not analysed yet,
    or matched again since their analysis (a backfill found a new entity in them: analysed again).

    The silenced back-catalogue of a new feed and unmatched items are never analysed: they reach no digest.
    """
    # The items of the matches, not a test of each item since `since`: every item polled in a week was scanned, its
    # matches looked up one by one (~40 ms a pass on SQLite with 50,000 items; the matches are far fewer).
    bulk = bulk_for(session)
    mailable = f"matches.suppressed IS {bulk.false_sql}"
    rows = fetch(
        session,
        f"SELECT {_ITEM_COLUMNS}, stories.key, stories.item_count FROM items "
        "JOIN feeds ON feeds.id = items.feed_id "
        "LEFT OUTER JOIN story_items ON story_items.item_id = items.id "
        "LEFT OUTER JOIN stories ON stories.id = story_items.story_id "
        f"WHERE items.first_seen_at >= ? AND items.id IN (SELECT matches.item_id FROM matches WHERE {mailable}) "
        "AND (story_items.id IS NULL OR EXISTS (SELECT * FROM matches WHERE matches.item_id = items.id "
        f"AND {mailable} AND matches.matched_at > story_items.analysed_at)) ORDER BY items.id LIMIT ?",
        [bulk.stamp(since), limit],
    )
    return [_row(row, row[11], row[12] or 0) for row in rows]


def open_story_members(
    session: Transaction,
    since: datetime,
    known: set[int],
    actors: frozenset[str] | None = None,
    keys: frozenset[str] = frozenset(),
    per_story: int | None = None,
) -> tuple[list[ItemToAnalyse], set[int]]:
    """Reports since `since` of stories whose latest report is after it: with `known` item ids, only their
    story key (the caller keeps their analysis) — the others in full. Older reports of a long story are
    left out: a late report is weighed against the story's recent ones. With `actors`, only the stories that
    name one of them (a report joins no story it shares no tracked organisation with) or whose key is in `keys`;
    with `per_story`, only that many of each story's latest reports (those a new report is weighed against).
    Members come in order of publication. Second: the ids of every open story's recent reports, taken or not
    (what the caller may keep in memory)."""
    bulk = bulk_for(session)
    rows = fetch(
        session,
        "SELECT story_items.item_id, stories.key, stories.entities FROM story_items "
        "JOIN stories ON stories.id = story_items.story_id "
        "WHERE stories.last_published_at >= ? AND story_items.published_at >= ? "
        "ORDER BY story_items.published_at, story_items.item_id",
        [bulk.stamp(since), bulk.stamp(since)],
    )
    open_ids = {item_id for item_id, _key, _entities in rows}
    taken = [
        (item_id, key)
        for item_id, key, entities in rows
        if actors is None or key in keys or not actors.isdisjoint(read_json(entities) or ())
    ]
    if per_story is not None:
        latest: dict[str, list[int]] = {}
        for item_id, key in taken:
            latest.setdefault(key, []).append(item_id)
        kept = {item_id for ids in latest.values() for item_id in ids[-per_story:]}
        taken = [(item_id, key) for item_id, key in taken if item_id in kept]
    keys_of = dict(taken)
    missing = [item_id for item_id in keys_of if item_id not in known]
    found = {
        item_id: ItemToAnalyse(item_id, "", "", "", since, "", None, key)
        for item_id, key in keys_of.items()
        if item_id in known
    }
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        sql = f"SELECT {_ITEM_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id WHERE items.id IN ({{values}})"
        for row in fetch(session, bulk.query(sql, len(chunk), "bigint"), bulk.in_list(chunk)):
            found[row[0]] = _row(row, keys_of[row[0]])
    return [found[item_id] for item_id in keys_of if item_id in found], open_ids


@dataclass(frozen=True)
class StoryReport:
    """One report of a stored story, as the digest weighs it (mailed in this digest or not)."""

    item_id: int
    source: str
    language: str | None  # as analysed
    published: datetime  # published, else first seen


@dataclass(frozen=True)
class StoryEvent:
    item_id: int
    entity: str
    type: str
    market: str | None
    evidence: str


@dataclass(frozen=True)
class StoredStories:
    """What the analysis stored about the stories of some items: plain values for the digest."""

    story_of: dict[int, int]  # item id → story id
    reports: dict[int, tuple[StoryReport, ...]]  # story id → every report, earliest first
    events: dict[int, tuple[StoryEvent, ...]]  # story id → every event of its reports


def stored_stories(session: Transaction, item_ids: Sequence[int]) -> StoredStories:
    """The stories of these items, with all their reports and events (reports mailed earlier included)."""
    from sqlalchemy import select  # the digest's, not the polling path's

    from watcher.tables import entities as _ENTITIES
    from watcher.tables import feeds as _FEEDS
    from watcher.tables import item_events as _EVENTS
    from watcher.tables import items as _ITEMS
    from watcher.tables import story_items as _STORY_ITEMS

    story_of: dict[int, int] = {}
    for start in range(0, len(item_ids), 500):
        chunk = list(item_ids[start : start + 500])
        query = select(_STORY_ITEMS.c.item_id, _STORY_ITEMS.c.story_id).where(_STORY_ITEMS.c.item_id.in_(chunk))
        story_of.update((item_id, story_id) for item_id, story_id in session.execute(query))
    story_ids = sorted(set(story_of.values()))
    reports: dict[int, list[StoryReport]] = {}
    events: dict[int, list[StoryEvent]] = {}
    for start in range(0, len(story_ids), 500):
        chunk = story_ids[start : start + 500]
        rows = session.execute(
            select(
                _STORY_ITEMS.c.story_id,
                _STORY_ITEMS.c.item_id,
                _STORY_ITEMS.c.language,
                _STORY_ITEMS.c.published_at,
                _ITEMS.c.publisher,
                _FEEDS.c.name,
                _FEEDS.c.title,
                _FEEDS.c.url,
            )
            .join(_ITEMS, _ITEMS.c.id == _STORY_ITEMS.c.item_id)
            .join(_FEEDS, _FEEDS.c.id == _ITEMS.c.feed_id)
            .where(_STORY_ITEMS.c.story_id.in_(chunk))
            .order_by(_STORY_ITEMS.c.published_at, _STORY_ITEMS.c.item_id)
        )
        for story_id, item_id, language, published, publisher, name, feed_title, url in rows:
            outlet = publisher or name or feed_title or url  # a search result's outlet is the publisher it names
            reports.setdefault(story_id, []).append(StoryReport(item_id, outlet, language, published))
        rows = session.execute(
            select(
                _EVENTS.c.story_id,
                _EVENTS.c.item_id,
                _ENTITIES.c.name,
                _EVENTS.c.type,
                _EVENTS.c.market,
                _EVENTS.c.evidence,
            )
            .join(_ENTITIES, _ENTITIES.c.id == _EVENTS.c.entity_id)
            .where(_EVENTS.c.story_id.in_(chunk))
            .order_by(_EVENTS.c.id)
        )
        for story_id, item_id, entity, event_type, market, evidence in rows:
            events.setdefault(story_id, []).append(StoryEvent(item_id, entity, event_type, market, evidence))
    return StoredStories(
        story_of=story_of,
        reports={story_id: tuple(found) for story_id, found in reports.items()},
        events={story_id: tuple(found) for story_id, found in events.items()},
    )
