"""The analysis's results stored: each analysed item's story (made on its first report), its language and its events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import TYPE_CHECKING, Any

from watcher.store.bulk import ROWS_PER_STATEMENT, bulk_for, execute, fetch, json_text, read_json, read_time
from watcher.store.engine import cursor_of

if TYPE_CHECKING:
    from watcher.store.engine import Transaction

# SQL text on the DB-API cursor, as all of the polling path's statements (watcher/store/lean.py); the JSON columns
# written as SQLAlchemy's JSON type writes them, times as its UTCDateTime (watcher/store/bulk.py).


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
_TIMES, _JSON = ("first_published_at", "last_published_at"), ("languages", "outlets", "entities", "event_types")


def _read_story(values: Sequence[Any]) -> dict[str, Any]:
    story = dict(zip(_STORY_STATE, values, strict=True))
    story.update((name, read_time(story[name])) for name in _TIMES)
    story.update((name, read_json(story[name])) for name in _JSON)
    return story


def _story_values(session: Transaction, story: dict[str, Any]) -> list[Any]:
    """A story's _STORY_STATE columns but its id, as the driver is given them."""
    stamp = bulk_for(session).stamp
    return [stamp(story[name]) if name in _TIMES else json_text(story[name]) if name in _JSON else story[name]
            for name in _STORY_STATE[1:]]  # fmt: skip


def save_analysis(session: Transaction, analysed: Sequence[AnalysedItem], now: datetime) -> int:
    """Store items' stories, languages and events; a story is created on its first report. → events stored."""
    bulk = bulk_for(session)
    entity_ids = dict(fetch(session, "SELECT name, id FROM entities"))
    keys = list({item.story_key: None for item in analysed})
    stories: dict[str, dict[str, Any]] = {}
    links: dict[int, int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        sql = bulk.query(f"SELECT key, {', '.join(_STORY_STATE)} FROM stories WHERE key IN ({{values}})", len(chunk))
        stories.update((key, _read_story(values)) for key, *values in fetch(session, sql, bulk.in_list(chunk)))
    item_ids = [item.item_id for item in analysed]
    for start in range(0, len(item_ids), 500):
        chunk = item_ids[start : start + 500]
        sql = bulk.query("SELECT item_id, story_id FROM story_items WHERE item_id IN ({values})", len(chunk), "bigint")
        links.update(fetch(session, sql, bulk.in_list(chunk)))
    changed: dict[int, dict[str, Any]] = {}  # story id → its row as it is to be written
    # The new links and events, written a statement for many rows (_store_rows): one statement a row, each built and
    # cache-keyed by SQLAlchemy, was ~60 statements for twenty items (issue 12).
    links_to_store: list[tuple[Any, ...]] = []
    events_to_store: list[tuple[Any, ...]] = []
    stored_events = 0
    for item in sorted(analysed, key=lambda item: (item.published, item.item_id)):
        story = stories.get(item.story_key)
        if story is None:
            story = {"first_published_at": item.published, "last_published_at": item.published, "item_count": 0,
                     "languages": [], "outlets": [], "entities": [], "event_types": []}  # fmt: skip
            story["id"] = fetch(session, _INSERT_STORY.format(json=bulk.json_mark), [
                item.story_key, item.item_id, bulk.stamp(now), bulk.stamp(now), *_story_values(session, story)
            ])[0][0]  # fmt: skip
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
            links_to_store.append((item.item_id, story["id"], item.language, bulk.stamp(item.published),
                                   bulk.stamp(now)))  # fmt: skip
        else:
            # The rows of the items before written first: the move asks whether the story left has a report still.
            stored_events += _store_rows(session, links_to_store, events_to_store)
            _move(session, item.item_id, link, story["id"], stories)
            execute(session, "UPDATE story_items SET language = ?, analysed_at = ? WHERE item_id = ?",
                    [item.language, bulk.stamp(now), item.item_id])  # fmt: skip
        for event_type, entity, market, evidence in item.events:
            entity_id = entity_ids.get(entity)
            if entity_id is not None:
                events_to_store.append((item.item_id, entity_id, story["id"], event_type, market, evidence,
                                        bulk.stamp(now)))  # fmt: skip
    stored_events += _store_rows(session, links_to_store, events_to_store)
    if changed:
        sets = ", ".join(f"{name} = {bulk.json_mark if name in _JSON else '?'}" for name in _STORY_STATE[1:])
        cursor = cursor_of(session)
        try:
            cursor.executemany(bulk.sql(f"UPDATE stories SET updated_at = ?, {sets} WHERE id = ?"), [
                [bulk.stamp(now), *_story_values(session, story), story_id] for story_id, story in changed.items()
            ])  # fmt: skip
        finally:
            cursor.close()
    return stored_events


_INSERT_STORY = (
    f"INSERT INTO stories (key, first_item_id, created_at, updated_at, {', '.join(_STORY_STATE[1:])}) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, {json}, {json}, {json}, {json}) RETURNING id"
)
_LINK = "(?, ?, ?, ?, ?)"
_EVENT = "(?, ?, ?, ?, ?, ?, ?)"


def _store_rows(session: Transaction, links: list[tuple[Any, ...]], events: list[tuple[Any, ...]]) -> int:
    """Write the links and events waiting, each kind in one statement, and empty both lists. → events stored (an event
    stored before for the same item, entity, type and market, or none, is left: ON CONFLICT DO NOTHING)."""
    for start in range(0, len(links), ROWS_PER_STATEMENT):
        chunk = links[start : start + ROWS_PER_STATEMENT]
        values = ", ".join([_LINK] * len(chunk))
        execute(session, _INSERT_LINKS.format(values=values), list(chain.from_iterable(chunk)))
    links.clear()
    inserted = 0
    for start in range(0, len(events), ROWS_PER_STATEMENT):
        chunk = events[start : start + ROWS_PER_STATEMENT]
        values = ", ".join([_EVENT] * len(chunk))
        # RETURNING, not the row count: PostgreSQL's is -1 with it, and what was inserted is what comes back.
        inserted += len(fetch(session, _INSERT_EVENTS.format(values=values), list(chain.from_iterable(chunk))))
    events.clear()
    return inserted


_INSERT_LINKS = (
    "INSERT INTO story_items (item_id, story_id, language, published_at, analysed_at) VALUES {values} "
    "ON CONFLICT (item_id) DO NOTHING"
)
_INSERT_EVENTS = (
    "INSERT INTO item_events (item_id, entity_id, story_id, type, market, evidence, created_at) VALUES {values} "
    "ON CONFLICT DO NOTHING RETURNING id"
)


def _move(session: Transaction, item_id: int, left: int, story_id: int, stories: dict[str, dict[str, Any]]) -> None:
    """An item analysed again joins another story: its events go with it; the story it leaves goes when it
    has no report left."""
    if left == story_id:
        return
    execute(session, "UPDATE story_items SET story_id = ? WHERE item_id = ?", [story_id, item_id])
    execute(session, "UPDATE item_events SET story_id = ? WHERE item_id = ?", [story_id, item_id])
    held = next((story for story in stories.values() if story["id"] == left), None)  # a story of this batch too
    if fetch(session, "SELECT 1 FROM story_items WHERE story_id = ? LIMIT 1", [left]):
        execute(session, "UPDATE stories SET item_count = item_count - 1 WHERE id = ?", [left])
        if held is not None:
            held["item_count"] -= 1
    else:
        execute(session, "DELETE FROM stories WHERE id = ?", [left])


def _append(values: list[str], new: Sequence[str]) -> list[str]:
    """A new list (JSON columns notice assignment, not mutation) with `new` values not in it yet."""
    return values + [value for value in dict.fromkeys(new) if value not in values]
