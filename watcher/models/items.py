"""The items read from feeds, where else each was seen, the tracked entities and the matches between them."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watcher.models.base import Base

if TYPE_CHECKING:  # the relationships' targets, resolved by name when the mappers are configured
    from watcher.models.digests import Delivery
    from watcher.models.feeds import Feed


class Item(Base):
    """One feed entry, stored once per feed and identity. Text fields hold visible text only."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("feed_id", "identity", name="uq_items_feed_identity"),
        Index("ix_items_feed_dedup_key", "feed_id", "dedup_key"),
        # One item per article across sources: the first item stored for a URL holds its key (NULL on the
        # others, e.g. the same link in two direct feeds, which stay two items as before).
        Index("ix_items_url_key", "url_key", unique=True),
        Index("ix_items_title_key", "title_key"),
        Index("ix_items_fulltext_status", "fulltext_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(String(64))
    # The normalised link (or title): catches an entry whose GUID changed (http→https, utm_ added).
    dedup_key: Mapped[str | None] = mapped_column(String(64))
    guid: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(35))
    author: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[datetime | None]
    first_seen_at: Mapped[datetime] = mapped_column(index=True)
    # Cross-source identity (watcher/coverage/keys.py): the publisher's normalised URL, and its site + title.
    url_key: Mapped[int | None] = mapped_column(BigInteger)  # 64-bit keys (watcher/coverage/keys.py)
    title_key: Mapped[int | None] = mapped_column(BigInteger)
    publisher: Mapped[str | None] = mapped_column(String(300))  # the outlet a search result names
    # The linked article's full text: pending (to fetch), fetching, ok, failed, skipped; None: not wanted.
    fulltext_status: Mapped[str | None] = mapped_column(String(16))
    fulltext_error: Mapped[str | None] = mapped_column(Text)
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

    __tablename__ = "item_sources"
    __table_args__ = (UniqueConstraint("feed_id", "identity", name="uq_item_sources_feed_identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]


class Entity(Base):
    """A tracked entity. Its fingerprint changes when its aliases do, which triggers a backfill."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Match(Base):
    """An entity recognised in an item: one row per (item, entity), so nothing is mailed twice."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("item_id", "entity_id", name="uq_matches_item_entity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(Text)  # as configured
    field: Mapped[str] = mapped_column(String(16))
    start_offset: Mapped[int]
    end_offset: Mapped[int]
    surface: Mapped[str] = mapped_column(Text)  # the text found
    snippet: Mapped[str] = mapped_column(Text)
    highlights: Mapped[list[Any]] = mapped_column(default=list)  # [[start, end], ...] in snippet
    hits: Mapped[list[Any]] = mapped_column(default=list)  # every hit: alias, field, start, end, text
    backfilled: Mapped[bool] = mapped_column(default=False)
    # Old news from a new feed's back-catalogue: stored and searchable, never mailed.
    suppressed: Mapped[bool] = mapped_column(default=False)
    matched_at: Mapped[datetime] = mapped_column(index=True)

    item: Mapped["Item"] = relationship(back_populates="matches")
    entity: Mapped["Entity"] = relationship()
    deliveries: Mapped[list["Delivery"]] = relationship(back_populates="match", passive_deletes=True)
