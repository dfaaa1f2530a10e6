"""Stories (the items that report one event, across languages) and the business events items report."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Mapped

from watcher import tables
from watcher.models.base import Base


class Story(Base):
    """Reports of one real-world event, from any feed and in any language (watcher.analyze.stories)."""

    __table__ = tables.stories

    id: Mapped[int]
    key: Mapped[str]
    first_item_id: Mapped[int | None]
    first_published_at: Mapped[datetime]
    last_published_at: Mapped[datetime]
    item_count: Mapped[int]
    languages: Mapped[list[Any]]
    outlets: Mapped[list[Any]]
    entities: Mapped[list[Any]]
    event_types: Mapped[list[Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StoryItem(Base):
    """An analysed item: its story and its language (the feed's, or detected). One row per item."""

    __table__ = tables.story_items

    id: Mapped[int]
    item_id: Mapped[int]
    story_id: Mapped[int]
    language: Mapped[str | None]
    published_at: Mapped[datetime]
    analysed_at: Mapped[datetime]


class ItemEvent(Base):
    """A business event an item reports about a tracked entity, with the sentence that says it. A market entry into
    several countries ("enters Romania and Bulgaria") is one row per country."""

    __table__ = tables.item_events

    id: Mapped[int]
    item_id: Mapped[int]
    entity_id: Mapped[int]
    story_id: Mapped[int | None]
    type: Mapped[str]
    market: Mapped[str | None]
    evidence: Mapped[str]
    created_at: Mapped[datetime]
