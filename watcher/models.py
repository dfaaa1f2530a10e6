"""The database schema as SQLAlchemy 2.x typed models. Alembic migrations in migrations/ create it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every engine (SQLite keeps no zone; it comes back naive otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; watcher stores aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class Feed(Base):
    """A feed from config.yaml and its fetch state. Rows outlive config entries (active=False)."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)  # as written in config.yaml
    name: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(1000))  # as the feed names itself
    active: Mapped[bool] = mapped_column(default=True)
    etag: Mapped[str | None] = mapped_column(String(1024))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    body_hash: Mapped[str | None] = mapped_column(String(64))
    next_poll_at: Mapped[datetime] = mapped_column(index=True)
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    # The config entry as last synced: a change re-enables a feed disabled by 410 and forgets redirects.
    config_fingerprint: Mapped[str | None] = mapped_column(String(64))
    disabled_reason: Mapped[str | None] = mapped_column(Text)  # set by 410 Gone; the feed is not polled
    # A permanent redirect (301/308) seen `redirect_streak` times in a row to the same target; once
    # remembered, the feed is fetched from redirect_url (config.yaml is never rewritten).
    redirect_candidate: Mapped[str | None] = mapped_column(String(2048))
    redirect_streak: Mapped[int] = mapped_column(default=0)
    redirect_url: Mapped[str | None] = mapped_column(String(2048))
    # Several instances share the polling: one claims a due feed by a lease; an expired lease (its
    # instance died) lets another take the feed.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]
    # The feed's own pace: shortened while it publishes, lengthened while it is quiet (poll.min/max_interval).
    interval_seconds: Mapped[int | None]
    # Where the feed comes from: None for config.yaml's feeds, "search" for a news search generated from an
    # entity's aliases and a market (watcher/coverage/search.py).
    origin: Mapped[str | None] = mapped_column(String(16))

    items: Mapped[list[Item]] = relationship(back_populates="feed", passive_deletes=True)

    @property
    def display_name(self) -> str:
        return self.name or self.title or self.url


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

    feed: Mapped[Feed] = relationship(back_populates="items")
    matches: Mapped[list[Match]] = relationship(back_populates="item", passive_deletes=True)

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

    item: Mapped[Item] = relationship(back_populates="matches")
    entity: Mapped[Entity] = relationship()
    deliveries: Mapped[list[Delivery]] = relationship(back_populates="match", passive_deletes=True)


class Delivery(Base):
    """A match claimed by one route's digest. Unique per (match, route): no route gets a match twice."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("match_id", "route", name="uq_deliveries_match_route"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"))
    route: Mapped[str] = mapped_column(String(100))
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"), index=True)

    match: Mapped[Match] = relationship(back_populates="deliveries")
    digest: Mapped[Digest] = relationship(back_populates="deliveries")


class Digest(Base):
    """A digest message: claimed matches, the rendered message, and where delivery stands.

    status: pending (rendered, not yet accepted by the mail server), sent, failed (refused for good;
    its matches were released to the next digest), empty (a scheduled day with nothing new).
    """

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)  # one scheduled digest per route and day
    route: Mapped[str] = mapped_column(String(100), default="default")
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str | None] = mapped_column(String(300), unique=True)
    message: Mapped[bytes | None]  # the exact bytes sent, so a retry sends the identical message
    transport: Mapped[str | None] = mapped_column(String(300))  # smtp host or outbox path
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    # The instance handing it to the mail server, until then (several instances share one database).
    send_lease_owner: Mapped[str | None] = mapped_column(String(200))
    send_lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    deliveries: Mapped[list[Delivery]] = relationship(back_populates="digest", passive_deletes=True)


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


class MatchFeedback(Base):
    """An analyst's verdict on a match, or watcher's hold on one like those rejected; one row per match.

    verdict: not_relevant (said by `by`: left out of every later digest, counted against the entity's
    aliases), held (watcher found it close to rejected ones: left out until someone says it is relevant),
    relevant (said by `by`: mailed as usual, and never held again).
    """

    __tablename__ = "match_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), unique=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(16))
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)  # e.g. what a held match is close to


class Alert(Base):
    """An instant alert: one row per rule and story (created with the decision, in one transaction), then sent.

    status: pending (due at due_at, sent at least once more if a crash hit between sending and marking),
    sent, failed (every notification service refused it for good). `key` goes with each send so a receiver
    can tell a repeat from a new alert.
    """

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("rule", "story_id", name="uq_alerts_rule_story"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    rule: Mapped[str] = mapped_column(String(100))
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    send_lease_owner: Mapped[str | None] = mapped_column(String(200))
    send_lease_until: Mapped[datetime | None]


def postgresql_options() -> None:
    """The models' PostgreSQL-only options, added when a PostgreSQL engine is first made (watcher.store.Database):
    the partial index of the events without a market, as migration 0009 makes it there."""
    for index in ItemEvent.__table__.indexes:
        if (
            index.name == "uq_item_events_item_entity_type_no_market"
            and index.dialect_options["postgresql"]["where"] is None
        ):
            index.dialect_kwargs["postgresql_where"] = text("market IS NULL")
