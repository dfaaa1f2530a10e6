"""The analysis's results stored: each analysed item's story (made on its first report), its language and its events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, exists, insert, select, update

from watcher import tables
from watcher.store.engine import insert_or_ignore

if TYPE_CHECKING:
    from watcher.store.engine import Transaction

_STORIES, _STORY_ITEMS, _EVENTS, _ENTITIES = tables.stories, tables.story_items, tables.item_events, tables.entities


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


# The columns of a story that save_analysis keeps up to date, in the order it reads and writes them.
_STORY_STATE = ("id", "first_published_at", "last_published_at", "item_count", "languages", "outlets", "entities",
                "event_types")  # fmt: skip


def save_analysis(session: Transaction, analysed: Sequence[AnalysedItem], now: datetime) -> int:
    """Store items' stories, languages and events; a story is created on its first report. → events stored."""
    entity_ids = {name: entity_id for name, entity_id in session.execute(select(_ENTITIES.c.name, _ENTITIES.c.id))}
    stories: dict[str, dict[str, Any]] = {
        key: dict(zip(_STORY_STATE, values, strict=True))
        for key, *values in session.execute(
            select(_STORIES.c.key, *(_STORIES.c[name] for name in _STORY_STATE)).where(
                _STORIES.c.key.in_({item.story_key for item in analysed})
            )
        )
    }
    links = {item_id: story_id for item_id, story_id in session.execute(
        select(_STORY_ITEMS.c.item_id, _STORY_ITEMS.c.story_id).where(
            _STORY_ITEMS.c.item_id.in_([item.item_id for item in analysed]))
    )}  # fmt: skip
    changed: dict[int, dict[str, Any]] = {}  # story id → its row as it is to be written
    # The new links and events, written a statement for many rows (_store_rows): one statement a row, each built and
    # cache-keyed by SQLAlchemy, was ~60 statements for twenty items (issue 12).
    links_to_store: list[dict[str, Any]] = []
    events_to_store: list[dict[str, Any]] = []
    stored_events = 0
    for item in sorted(analysed, key=lambda item: (item.published, item.item_id)):
        story = stories.get(item.story_key)
        if story is None:
            story = {"first_published_at": item.published, "last_published_at": item.published, "item_count": 0,
                     "languages": [], "outlets": [], "entities": [], "event_types": []}  # fmt: skip
            story["id"] = session.execute(
                insert(_STORIES).values(key=item.story_key, first_item_id=item.item_id, created_at=now,
                                        updated_at=now, **{name: story[name] for name in _STORY_STATE[1:]})
            ).inserted_primary_key[0]  # fmt: skip
            stories[item.story_key] = story
        link = links.get(item.item_id)
        if link != story["id"]:
            story["item_count"] += 1
        story["first_published_at"] = min(story["first_published_at"], item.published)
        story["last_published_at"] = max(story["last_published_at"], item.published)
        story["languages"] = _append(story["languages"], [item.language] if item.language else [])
        story["outlets"] = _append(story["outlets"], [item.feed] if item.feed else [])
        story["entities"] = _append(story["entities"], list(item.actors))
        story["event_types"] = _append(story["event_types"], [event[0] for event in item.events])
        changed[story["id"]] = story
        if link is None:
            links_to_store.append({"item_id": item.item_id, "story_id": story["id"], "language": item.language,
                                   "published_at": item.published, "analysed_at": now})  # fmt: skip
        else:
            # The rows of the items before written first: the move asks whether the story left has a report still.
            stored_events += _store_rows(session, links_to_store, events_to_store)
            _move(session, item.item_id, link, story["id"], stories)
            session.execute(
                update(_STORY_ITEMS)
                .where(_STORY_ITEMS.c.item_id == item.item_id)
                .values(language=item.language, analysed_at=now)
            )
        for event_type, entity, market, evidence in item.events:
            entity_id = entity_ids.get(entity)
            if entity_id is not None:
                events_to_store.append({"item_id": item.item_id, "entity_id": entity_id, "story_id": story["id"],
                                        "type": event_type, "market": market, "evidence": evidence,
                                        "created_at": now})  # fmt: skip
    stored_events += _store_rows(session, links_to_store, events_to_store)
    if changed:
        session.execute(
            update(_STORIES).where(_STORIES.c.id == bindparam("story_id")),
            [{"story_id": story_id, "updated_at": now, **{name: story[name] for name in _STORY_STATE[1:]}}
             for story_id, story in changed.items()],
        )  # fmt: skip
    return stored_events


def _store_rows(session: Transaction, links: list[dict[str, Any]], events: list[dict[str, Any]]) -> int:
    """Write the links and events waiting, each kind in one statement, and empty both lists. → events stored (an event
    stored before for the same item, entity, type and market, or none, is left: ON CONFLICT DO NOTHING)."""
    if links:
        session.execute(
            insert_or_ignore(session, _STORY_ITEMS).on_conflict_do_nothing(index_elements=["item_id"]), links
        )
        links.clear()
    if not events:
        return 0
    # RETURNING, not the row count: PostgreSQL's is -1 with it, and what was inserted is what comes back.
    inserted = session.execute(
        insert_or_ignore(session, _EVENTS).on_conflict_do_nothing().returning(_EVENTS.c.id), events
    ).all()
    events.clear()
    return len(inserted)


def _move(session: Transaction, item_id: int, left: int, story_id: int, stories: dict[str, dict[str, Any]]) -> None:
    """An item analysed again joins another story: its events go with it; the story it leaves goes when it
    has no report left."""
    if left == story_id:
        return
    session.execute(update(_STORY_ITEMS).where(_STORY_ITEMS.c.item_id == item_id).values(story_id=story_id))
    session.execute(update(_EVENTS).where(_EVENTS.c.item_id == item_id).values(story_id=story_id))
    held = next((story for story in stories.values() if story["id"] == left), None)  # a story of this batch too
    if session.scalar(select(exists().where(_STORY_ITEMS.c.story_id == left))):
        session.execute(update(_STORIES).where(_STORIES.c.id == left).values(item_count=_STORIES.c.item_count - 1))
        if held is not None:
            held["item_count"] -= 1
    else:
        session.execute(delete(_STORIES).where(_STORIES.c.id == left))


def _append(values: list[str], new: Sequence[str]) -> list[str]:
    """A new list (JSON columns notice assignment, not mutation) with `new` values not in it yet."""
    return values + [value for value in dict.fromkeys(new) if value not in values]
