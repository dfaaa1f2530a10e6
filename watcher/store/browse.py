"""Read-only views for the analyst's web page: an entity's stories and events, a story's reports and
evidence, and which match is which (the digest model of "today" comes from watcher.digest as mailed)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watcher.match.results import Snippet
from watcher.models import Digest, Entity, Feed, Item, ItemEvent, Match, Story, StoryItem
from watcher.store.feedback import Verdict, verdicts_of


@dataclass(frozen=True)
class StoryLine:
    id: int
    title: str
    first_published: datetime
    last_published: datetime
    reports: int
    languages: tuple[str, ...]
    outlets: tuple[str, ...]
    events: tuple[str, ...]
    entities: tuple[str, ...]


@dataclass(frozen=True)
class EventLine:
    type: str
    entity: str
    markets: tuple[str, ...]  # a market entry's countries (one row each in item_events), in the order stored
    evidence: str
    story_id: int | None
    item_title: str
    published: datetime


@dataclass(frozen=True)
class Evidence:
    """A match in a report: what matched and where, and what was said about it."""

    match_id: int
    entity: str
    alias: str
    surface: str
    snippet: Snippet
    backfilled: bool
    suppressed: bool
    verdict: Verdict | None


@dataclass(frozen=True)
class ReportView:
    item_id: int
    title: str
    link: str | None
    source: str
    language: str | None
    published: datetime
    evidence: tuple[Evidence, ...]


def last_digest_at(session: Session) -> datetime | None:
    return session.scalar(select(func.max(Digest.sent_at)).where(Digest.status == "sent"))


def story_ids_by_key(session: Session, keys: Sequence[str]) -> dict[str, int]:
    if not keys:
        return {}
    return dict(session.execute(select(Story.key, Story.id).where(Story.key.in_(list(keys)))).all())


def match_ids(session: Session, item_ids: Sequence[int]) -> dict[tuple[int, str], int]:
    """(item id, entity name) → match id."""
    found: dict[tuple[int, str], int] = {}
    for start in range(0, len(item_ids), 500):
        rows = session.execute(
            select(Match.item_id, Entity.name, Match.id)
            .join(Entity, Entity.id == Match.entity_id)
            .where(Match.item_id.in_(list(item_ids[start : start + 500])))
        )
        found.update(((item_id, name), match_id) for item_id, name, match_id in rows)
    return found


def _story_lines(session: Session, stories: Sequence[Story]) -> list[StoryLine]:
    first = {story.first_item_id for story in stories if story.first_item_id}
    titles = dict(session.execute(select(Item.id, Item.title).where(Item.id.in_(first))).all()) if first else {}
    return [
        StoryLine(
            story.id,
            titles.get(story.first_item_id or 0, story.key),
            story.first_published_at,
            story.last_published_at,
            story.item_count,
            tuple(story.languages),
            tuple(story.outlets),
            tuple(story.event_types),
            tuple(story.entities),
        )
        for story in stories
    ]


def entity_stories(session: Session, entity: str, limit: int = 50) -> list[StoryLine]:
    """Stories with a report matching `entity`, latest first."""
    ids = (
        select(StoryItem.story_id)
        .join(Match, Match.item_id == StoryItem.item_id)
        .join(Entity, Entity.id == Match.entity_id)
        .where(Entity.name == entity)
    )
    latest = select(Story).where(Story.id.in_(ids)).order_by(Story.last_published_at.desc()).limit(limit)
    return _story_lines(session, list(session.scalars(latest)))


def entity_events(session: Session, entity: str, limit: int = 50) -> list[EventLine]:
    rows = session.execute(
        select(ItemEvent, Item.title, func.coalesce(Item.published_at, Item.first_seen_at))
        .join(Entity, Entity.id == ItemEvent.entity_id)
        .join(Item, Item.id == ItemEvent.item_id)
        .where(Entity.name == entity)
        .order_by(ItemEvent.id.desc())
        .limit(limit)
    )
    return _one_per_event(
        (event, EventLine(event.type, entity, (), event.evidence, event.story_id, title, published))
        for event, title, published in rows
    )


def story(session: Session, story_id: int) -> StoryLine | None:
    found = session.get(Story, story_id)
    return _story_lines(session, [found])[0] if found is not None else None


def story_events(session: Session, story_id: int) -> list[EventLine]:
    rows = session.execute(
        select(ItemEvent, Entity.name, Item.title, func.coalesce(Item.published_at, Item.first_seen_at))
        .join(Entity, Entity.id == ItemEvent.entity_id)
        .join(Item, Item.id == ItemEvent.item_id)
        .where(ItemEvent.story_id == story_id)
        .order_by(ItemEvent.id)
    )
    return _one_per_event(
        (event, EventLine(event.type, name, (), event.evidence, story_id, title, published))
        for event, name, title, published in rows
    )


def _one_per_event(rows: Iterable[tuple[ItemEvent, EventLine]]) -> list[EventLine]:
    """One line per event of an item, with every market of an entry into several countries ("RO", "BG")."""
    lines: dict[tuple[int, int, str], EventLine] = {}
    markets: dict[tuple[int, int, str], list[tuple[int, str]]] = {}
    for event, line in rows:
        key = (event.item_id, event.entity_id, event.type)
        lines.setdefault(key, line)
        if event.market:
            markets.setdefault(key, []).append((event.id, event.market))
    # The markets in the order stored ("Romania and Bulgaria": RO, BG), whatever order the lines are in.
    return [
        replace(line, markets=tuple(dict.fromkeys(m for _id, m in sorted(markets.get(key, [])))))
        for key, line in lines.items()
    ]


def reports(session: Session, item_ids: Sequence[int]) -> list[ReportView]:
    """Reports with every match as evidence, in the order given."""
    if not item_ids:
        return []
    items = {
        item.id: (item, feed, language)
        for item, feed, language in session.execute(
            select(Item, Feed, StoryItem.language)
            .join(Feed, Feed.id == Item.feed_id)
            .outerjoin(StoryItem, StoryItem.item_id == Item.id)
            .where(Item.id.in_(list(item_ids)))
        )
    }
    matches = list(
        session.execute(
            select(Match, Entity.name)
            .join(Entity, Entity.id == Match.entity_id)
            .where(Match.item_id.in_(list(item_ids)))
            .order_by(Match.id)
        )
    )
    verdicts = verdicts_of(session, [match.id for match, _ in matches])
    evidence: dict[int, list[Evidence]] = {}
    for match, name in matches:
        evidence.setdefault(match.item_id, []).append(
            Evidence(
                match.id,
                name,
                match.alias,
                match.surface,
                Snippet(match.snippet, tuple((int(start), int(end)) for start, end in match.highlights or [])),
                match.backfilled,
                match.suppressed,
                verdicts.get(match.id),
            )
        )
    views = []
    for item_id in item_ids:
        if item_id not in items:
            continue
        item, feed, language = items[item_id]
        views.append(
            ReportView(
                item.id,
                item.title,
                item.link,
                item.publisher or feed.display_name,
                language or item.language,
                item.published_at or item.first_seen_at,
                tuple(evidence.get(item.id, ())),
            )
        )
    return views


def story_item_ids(session: Session, story_id: int) -> list[int]:
    return list(
        session.scalars(
            select(StoryItem.item_id)
            .where(StoryItem.story_id == story_id)
            .order_by(StoryItem.published_at, StoryItem.item_id)
        )
    )


def entity_match_items(session: Session, entity: str, limit: int = 30) -> list[int]:
    """The items of the entity's latest matches (for judging them on its page)."""
    return list(
        session.scalars(
            select(Match.item_id)
            .join(Entity, Entity.id == Match.entity_id)
            .where(Entity.name == entity)
            .order_by(Match.id.desc())
            .limit(limit)
        )
    )


def match_entity(session: Session, match_id: int) -> tuple[str, int] | None:
    """(entity name, item id) of a match."""
    row = session.execute(
        select(Entity.name, Match.item_id).join(Entity, Entity.id == Match.entity_id).where(Match.id == match_id)
    ).first()
    return (row[0], row[1]) if row else None
