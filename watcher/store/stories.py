"""Stories and events: which matched items still need analysing, the open stories, and the results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from watcher.models import Entity, Feed, Item, ItemEvent, Match, Story, StoryItem
from watcher.store.engine import insert_or_ignore


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


@dataclass(frozen=True)
class AnalysedItem:
    """One analysed item, ready to store: its story (by key), language and events (type, entity, market, evidence).

    An item analysed again (a backfill matched a new entity in it) may name another story than the one it
    is in: it moves there, and the story it leaves, where it was the only report, is deleted."""

    item_id: int
    story_key: str
    published: datetime
    language: str | None
    feed: str
    actors: Sequence[str]
    events: Sequence[tuple[str, str, str | None, str]]


def _row(item: Item, feed: Feed, story_key: str | None = None, story_reports: int = 0) -> ItemToAnalyse:
    return ItemToAnalyse(
        id=item.id,
        title=item.title,
        summary=item.summary,
        content=item.content,
        published=item.published_at or item.first_seen_at,
        feed=item.publisher or feed.display_name,  # a search result's outlet is its publisher
        language=item.language,
        story_key=story_key,
        story_reports=story_reports,
    )


def items_to_analyse(session: Session, since: datetime, limit: int = 5000) -> list[ItemToAnalyse]:
    """Items first seen since `since` with a match that can be mailed (not suppressed), not analysed yet,
    or matched again since their analysis (a backfill found a new entity in them: analysed again).

    The silenced back-catalogue of a new feed and unmatched items are never analysed: they reach no digest.
    """
    # The items of the matches, not a test of each item since `since`: every item polled in a week was scanned, its
    # matches looked up one by one (~40 ms a pass on SQLite with 50,000 items; the matches are far fewer).
    mailable = Item.id.in_(select(Match.item_id).where(Match.suppressed.is_(False)))
    matched_since = exists().where(
        Match.item_id == Item.id, Match.suppressed.is_(False), Match.matched_at > StoryItem.analysed_at
    )
    rows = session.execute(
        select(Item, Feed, Story.key, Story.item_count)
        .join(Feed, Feed.id == Item.feed_id)
        .outerjoin(StoryItem, StoryItem.item_id == Item.id)
        .outerjoin(Story, Story.id == StoryItem.story_id)
        .where(Item.first_seen_at >= since, mailable, or_(StoryItem.id.is_(None), matched_since))
        .order_by(Item.id)
        .limit(limit)
    )
    return [_row(item, feed, key, count or 0) for item, feed, key, count in rows]


def open_story_members(
    session: Session,
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
    rows = session.execute(
        select(StoryItem.item_id, Story.key, Story.entities, StoryItem.published_at)
        .join(Story, Story.id == StoryItem.story_id)
        .where(Story.last_published_at >= since, StoryItem.published_at >= since)
        .order_by(StoryItem.published_at, StoryItem.item_id)
    ).all()
    open_ids = {item_id for item_id, _key, _entities, _published in rows}
    taken = [
        (item_id, key)
        for item_id, key, entities, _published in rows
        if actors is None or key in keys or not actors.isdisjoint(entities or ())
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
        for item, feed in session.execute(
            select(Item, Feed).join(Feed, Feed.id == Item.feed_id).where(Item.id.in_(chunk))
        ):
            found[item.id] = _row(item, feed, keys_of[item.id])
    return [found[item_id] for item_id in keys_of if item_id in found], open_ids


def save_analysis(session: Session, analysed: Sequence[AnalysedItem], now: datetime) -> int:
    """Store items' stories, languages and events; a story is created on its first report. → events stored."""
    entity_ids = {name: entity_id for name, entity_id in session.execute(select(Entity.name, Entity.id))}
    stories = {story.key: story for story in session.scalars(
        select(Story).where(Story.key.in_({item.story_key for item in analysed}))
    )}  # fmt: skip
    links = {link.item_id: link for link in session.scalars(
        select(StoryItem).where(StoryItem.item_id.in_([item.item_id for item in analysed]))
    )}  # fmt: skip
    stored_events = 0
    for item in sorted(analysed, key=lambda item: (item.published, item.item_id)):
        story = stories.get(item.story_key)
        if story is None:
            story = Story(
                key=item.story_key,
                first_item_id=item.item_id,
                first_published_at=item.published,
                last_published_at=item.published,
                item_count=0,
                languages=[],
                outlets=[],
                entities=[],
                event_types=[],
                created_at=now,
                updated_at=now,
            )
            session.add(story)
            session.flush()
            stories[item.story_key] = story
        link = links.get(item.item_id)
        if link is None or link.story_id != story.id:
            story.item_count += 1
        story.first_published_at = min(story.first_published_at, item.published)
        story.last_published_at = max(story.last_published_at, item.published)
        story.languages = _append(story.languages, [item.language] if item.language else [])
        story.outlets = _append(story.outlets, [item.feed] if item.feed else [])
        story.entities = _append(story.entities, list(item.actors))
        story.event_types = _append(story.event_types, [event[0] for event in item.events])
        story.updated_at = now
        if link is None:
            session.execute(
                insert_or_ignore(session, StoryItem.__table__)
                .values(item_id=item.item_id, story_id=story.id, language=item.language,
                        published_at=item.published, analysed_at=now)
                .on_conflict_do_nothing(index_elements=["item_id"])
            )  # fmt: skip
        else:
            _move(session, link, story.id)
            link.language, link.analysed_at = item.language, now
        for event_type, entity, market, evidence in item.events:
            entity_id = entity_ids.get(entity)
            if entity_id is None:
                continue
            inserted = session.execute(
                insert_or_ignore(session, ItemEvent.__table__)
                .values(item_id=item.item_id, entity_id=entity_id, story_id=story.id, type=event_type, market=market,
                        evidence=evidence, created_at=now)
                .on_conflict_do_nothing()  # stored before: the same market, or none, for this item, entity and type
                .returning(ItemEvent.id)  # what was inserted (PostgreSQL's rowcount is -1 with RETURNING)
            ).scalar_one_or_none()  # fmt: skip
            stored_events += inserted is not None
    return stored_events


def _move(session: Session, link: StoryItem, story_id: int) -> None:
    """An item analysed again joins another story: its events go with it; the story it leaves goes when it
    has no report left."""
    if link.story_id == story_id:
        return
    left = link.story_id
    link.story_id = story_id
    session.execute(update(ItemEvent).where(ItemEvent.item_id == link.item_id).values(story_id=story_id))
    session.flush()
    if session.scalar(select(exists().where(StoryItem.story_id == left))):
        session.execute(update(Story).where(Story.id == left).values(item_count=Story.item_count - 1))
    else:
        session.execute(delete(Story).where(Story.id == left))


def _append(values: list[str], new: Sequence[str]) -> list[str]:
    """A new list (JSON columns notice assignment, not mutation) with `new` values not in it yet."""
    return values + [value for value in dict.fromkeys(new) if value not in values]


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


def stored_stories(session: Session, item_ids: Sequence[int]) -> StoredStories:
    """The stories of these items, with all their reports and events (reports mailed earlier included)."""
    story_of: dict[int, int] = {}
    for start in range(0, len(item_ids), 500):
        chunk = list(item_ids[start : start + 500])
        query = select(StoryItem.item_id, StoryItem.story_id).where(StoryItem.item_id.in_(chunk))
        story_of.update((item_id, story_id) for item_id, story_id in session.execute(query))
    story_ids = sorted(set(story_of.values()))
    reports: dict[int, list[StoryReport]] = {}
    events: dict[int, list[StoryEvent]] = {}
    for start in range(0, len(story_ids), 500):
        chunk = story_ids[start : start + 500]
        rows = session.execute(
            select(
                StoryItem.story_id, StoryItem.item_id, StoryItem.language, StoryItem.published_at, Item.publisher, Feed
            )
            .join(Item, Item.id == StoryItem.item_id)
            .join(Feed, Feed.id == Item.feed_id)
            .where(StoryItem.story_id.in_(chunk))
            .order_by(StoryItem.published_at, StoryItem.item_id)
        )
        for story_id, item_id, language, published, publisher, feed in rows:
            outlet = publisher or feed.display_name  # a search result's outlet is the publisher it names
            reports.setdefault(story_id, []).append(StoryReport(item_id, outlet, language, published))
        rows = session.execute(
            select(
                ItemEvent.story_id, ItemEvent.item_id, Entity.name, ItemEvent.type, ItemEvent.market, ItemEvent.evidence
            )
            .join(Entity, Entity.id == ItemEvent.entity_id)
            .where(ItemEvent.story_id.in_(chunk))
            .order_by(ItemEvent.id)
        )
        for story_id, item_id, entity, event_type, market, evidence in rows:
            events.setdefault(story_id, []).append(StoryEvent(item_id, entity, event_type, market, evidence))
    return StoredStories(
        story_of=story_of,
        reports={story_id: tuple(found) for story_id, found in reports.items()},
        events={story_id: tuple(found) for story_id, found in events.items()},
    )
