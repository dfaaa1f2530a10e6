"""The items read from feeds, where else each was seen, the tracked entities and the matches between them."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Mapped, relationship

from watcher import tables
from watcher.models.base import Base

if TYPE_CHECKING:  # the relationships' targets, resolved by name when the mappers are configured
    from watcher.models.digests import Delivery
    from watcher.models.feeds import Feed


class Item(Base):
    """One feed entry, stored once per feed and identity. Text fields hold visible text only."""

    __table__ = tables.items

    id: Mapped[int]
    feed_id: Mapped[int]
    identity: Mapped[str]
    dedup_key: Mapped[str | None]
    guid: Mapped[str | None]
    link: Mapped[str | None]
    title: Mapped[str]
    summary: Mapped[str]
    content: Mapped[str]
    language: Mapped[str | None]
    author: Mapped[str | None]
    published_at: Mapped[datetime | None]
    first_seen_at: Mapped[datetime]
    url_key: Mapped[int | None]
    title_key: Mapped[int | None]
    publisher: Mapped[str | None]
    fulltext_status: Mapped[str | None]
    fulltext_error: Mapped[str | None]
    fulltext_at: Mapped[datetime | None]
    fulltext_chars: Mapped[int | None]

    feed: Mapped["Feed"] = relationship(back_populates="items")
    matches: Mapped[list["Match"]] = relationship(back_populates="item", passive_deletes=True)

    @property
    def fields(self) -> dict[str, str]:
        return {"title": self.title, "summary": self.summary, "content": self.content}


class ItemSource(Base):
    """An entry of a feed that is an item stored from another feed (a search result of an article already
    stored): the feed's entry is known, never stored or fetched again, and the article stays one item."""

    __table__ = tables.item_sources

    id: Mapped[int]
    feed_id: Mapped[int]
    identity: Mapped[str]
    item_id: Mapped[int]
    created_at: Mapped[datetime]


class Entity(Base):
    """A tracked entity. Its fingerprint changes when its aliases do, which triggers a backfill."""

    __table__ = tables.entities

    id: Mapped[int]
    name: Mapped[str]
    fingerprint: Mapped[str]
    active: Mapped[bool]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Match(Base):
    """An entity recognised in an item: one row per (item, entity), so nothing is mailed twice."""

    __table__ = tables.matches

    id: Mapped[int]
    item_id: Mapped[int]
    entity_id: Mapped[int]
    alias: Mapped[str]
    field: Mapped[str]
    start_offset: Mapped[int]
    end_offset: Mapped[int]
    surface: Mapped[str]
    snippet: Mapped[str]
    highlights: Mapped[list[Any]]
    hits: Mapped[list[Any]]
    backfilled: Mapped[bool]
    suppressed: Mapped[bool]
    matched_at: Mapped[datetime]

    item: Mapped["Item"] = relationship(back_populates="matches")
    entity: Mapped["Entity"] = relationship()
    deliveries: Mapped[list["Delivery"]] = relationship(back_populates="match", passive_deletes=True)
