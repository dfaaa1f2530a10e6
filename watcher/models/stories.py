"""Stories (the items that report one event, across languages) and the business events items report."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from watcher.models.base import Base


class Story(Base):
    """Reports of one real-world event, from any feed and in any language (watcher.analyze.stories).

    `key` is stable: the id of the item that started it ("item:<id>"), kept when later reports join.
    """

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    first_item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    first_published_at: Mapped[datetime]
    last_published_at: Mapped[datetime] = mapped_column(index=True)  # a story takes reports 72 h past this
    item_count: Mapped[int] = mapped_column(default=0)
    languages: Mapped[list[Any]] = mapped_column(default=list)  # ["it", "ko", "ru"], in order of first report
    outlets: Mapped[list[Any]] = mapped_column(default=list)  # feed names, in order of first report
    entities: Mapped[list[Any]] = mapped_column(default=list)  # tracked organisations named in its reports
    event_types: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StoryItem(Base):
    """An analysed item: its story and its language (the feed's, or detected). One row per item."""

    __tablename__ = "story_items"

    id: Mapped[int] = mapped_column(primary_key=True)  # an id like every table's (`db copy` moves sequences by it)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    language: Mapped[str | None] = mapped_column(String(35))
    published_at: Mapped[datetime]  # the item's date as analysed (published, else first seen)
    analysed_at: Mapped[datetime]


class ItemEvent(Base):
    """A business event an item reports about a tracked entity, with the sentence that says it. A market entry into
    several countries ("enters Romania and Bulgaria") is one row per country."""

    __tablename__ = "item_events"
    __table_args__ = (
        UniqueConstraint("item_id", "entity_id", "type", "market", name="uq_item_events_item_entity_type_market"),
        # NULLs are distinct in the constraint above: once per item, entity and type for the events without a market
        # PostgreSQL's copy of the WHERE is added by postgresql_options(): naming it here imported SQLAlchemy's
        # whole PostgreSQL dialect and its drivers' modules (~0.035 CPU-s) into every start on SQLite.
        Index(
            "uq_item_events_item_entity_type_no_market",
            "item_id",
            "entity_id",
            "type",
            unique=True,
            sqlite_where=text("market IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    market: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2, market_entry only
    evidence: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


def postgresql_options() -> None:
    """The models' PostgreSQL-only options, added when a PostgreSQL engine is first made (watcher.store.Database):
    the partial index of the events without a market, as migration 0009 makes it there."""
    for index in ItemEvent.__table__.indexes:
        if (
            index.name == "uq_item_events_item_entity_type_no_market"
            and index.dialect_options["postgresql"]["where"] is None
        ):
            index.dialect_kwargs["postgresql_where"] = text("market IS NULL")
