"""The database schema, once, as SQLAlchemy Core tables. Alembic migrations in migrations/ create it.

The polling path reads and writes these tables with Core statements (watcher/store/), so a `watcher poll --once`
never imports SQLAlchemy's ORM (~0.1 CPU-s of its start with the mapped classes); the ORM classes of
watcher/models map onto these same Table objects, for the web page, the digest and the other readers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect


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


metadata = MetaData()


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _when(name: str, *, nullable: bool = False, index: bool = False) -> Column[datetime]:
    return Column(name, UTCDateTime(), nullable=nullable, index=index or None)


# A feed from config.yaml and its fetch state. Rows outlive config entries (active=False).
feeds = Table(
    "feeds",
    metadata,
    _id(),
    Column("url", String(2048), nullable=False, unique=True),  # as written in config.yaml
    Column("name", String(300)),
    Column("title", String(1000)),  # as the feed names itself
    Column("active", Boolean(), nullable=False, default=True),
    Column("etag", String(1024)),
    Column("last_modified", String(128)),
    Column("body_hash", String(64)),
    _when("next_poll_at", index=True),
    _when("last_polled_at", nullable=True),
    _when("last_success_at", nullable=True),
    _when("last_error_at", nullable=True),
    Column("last_error", Text()),
    Column("consecutive_failures", Integer(), nullable=False, default=0),
    _when("created_at"),
    # The config entry as last synced: a change re-enables a feed disabled by 410 and forgets redirects.
    Column("config_fingerprint", String(64)),
    Column("disabled_reason", Text()),  # set by 410 Gone; the feed is not polled
    # A permanent redirect (301/308) seen `redirect_streak` times in a row to the same target; once
    # remembered, the feed is fetched from redirect_url (config.yaml is never rewritten).
    Column("redirect_candidate", String(2048)),
    Column("redirect_streak", Integer(), nullable=False, default=0),
    Column("redirect_url", String(2048)),
    # Several instances share the polling: one claims a due feed by a lease; an expired lease (its
    # instance died) lets another take the feed.
    Column("lease_owner", String(200)),
    _when("lease_until", nullable=True),
    # The feed's own pace: shortened while it publishes, lengthened while it is quiet (poll.min/max_interval).
    Column("interval_seconds", Integer()),
    # Where the feed comes from: None for config.yaml's feeds, "search" for a news search generated from an
    # entity's aliases and a market (watcher/coverage/search.py).
    Column("origin", String(16)),
)

# One feed entry, stored once per feed and identity. Text fields hold visible text only.
items = Table(
    "items",
    metadata,
    _id(),
    Column("feed_id", Integer(), ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("identity", String(64), nullable=False),
    # The normalised link (or title): catches an entry whose GUID changed (http→https, utm_ added).
    Column("dedup_key", String(64)),
    Column("guid", Text()),
    Column("link", Text()),
    Column("title", Text(), nullable=False),
    Column("summary", Text(), nullable=False, default=""),
    Column("content", Text(), nullable=False, default=""),
    Column("language", String(35)),
    Column("author", String(500)),
    _when("published_at", nullable=True),
    _when("first_seen_at", index=True),
    # Cross-source identity (watcher/coverage/keys.py): the publisher's normalised URL, and its site + title.
    Column("url_key", BigInteger()),  # 64-bit keys (watcher/coverage/keys.py)
    Column("title_key", BigInteger()),
    Column("publisher", String(300)),  # the outlet a search result names
    # The linked article's full text: pending (to fetch), fetching, ok, failed, skipped; None: not wanted.
    Column("fulltext_status", String(16)),
    Column("fulltext_error", Text()),
    _when("fulltext_at", nullable=True),
    Column("fulltext_chars", Integer()),
    UniqueConstraint("feed_id", "identity", name="uq_items_feed_identity"),
    Index("ix_items_feed_dedup_key", "feed_id", "dedup_key"),
    # One item per article across sources: the first item stored for a URL holds its key (NULL on the
    # others, e.g. the same link in two direct feeds, which stay two items as before).
    Index("ix_items_url_key", "url_key", unique=True),
    Index("ix_items_title_key", "title_key"),
    Index("ix_items_fulltext_status", "fulltext_status"),
)

# An entry of a feed that is an item stored from another feed (a search result of an article already stored):
# the feed's entry is known, never stored or fetched again, and the article stays one item.
item_sources = Table(
    "item_sources",
    metadata,
    _id(),
    Column("feed_id", Integer(), ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("identity", String(64), nullable=False),
    Column("item_id", Integer(), ForeignKey("items.id", ondelete="CASCADE"), nullable=False, index=True),
    _when("created_at"),
    UniqueConstraint("feed_id", "identity", name="uq_item_sources_feed_identity"),
)

# A tracked entity. Its fingerprint changes when its aliases do, which triggers a backfill.
entities = Table(
    "entities",
    metadata,
    _id(),
    Column("name", String(300), nullable=False, unique=True),
    Column("fingerprint", String(64), nullable=False),
    Column("active", Boolean(), nullable=False, default=True),
    _when("created_at"),
    _when("updated_at"),
)

# An entity recognised in an item: one row per (item, entity), so nothing is mailed twice.
matches = Table(
    "matches",
    metadata,
    _id(),
    Column("item_id", Integer(), ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    Column("entity_id", Integer(), ForeignKey("entities.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("alias", Text(), nullable=False),  # as configured
    Column("field", String(16), nullable=False),
    Column("start_offset", Integer(), nullable=False),
    Column("end_offset", Integer(), nullable=False),
    Column("surface", Text(), nullable=False),  # the text found
    Column("snippet", Text(), nullable=False),
    Column("highlights", JSON(), nullable=False, default=list),  # [[start, end], ...] in snippet
    Column("hits", JSON(), nullable=False, default=list),  # every hit: alias, field, start, end, text
    Column("backfilled", Boolean(), nullable=False, default=False),
    # Old news from a new feed's back-catalogue: stored and searchable, never mailed.
    Column("suppressed", Boolean(), nullable=False, default=False),
    _when("matched_at", index=True),
    UniqueConstraint("item_id", "entity_id", name="uq_matches_item_entity"),
)

# A match claimed by one route's digest. Unique per (match, route): no route gets a match twice.
deliveries = Table(
    "deliveries",
    metadata,
    _id(),
    Column("match_id", Integer(), ForeignKey("matches.id", ondelete="CASCADE"), nullable=False),
    Column("route", String(100), nullable=False),
    Column("digest_id", Integer(), ForeignKey("digests.id", ondelete="CASCADE"), nullable=False, index=True),
    UniqueConstraint("match_id", "route", name="uq_deliveries_match_route"),
)

# A digest message: claimed matches, the rendered message, and where delivery stands. status: pending
# (rendered, not yet accepted by the mail server), sent, failed (refused for good; its matches were released
# to the next digest), empty (a scheduled day with nothing new).
digests = Table(
    "digests",
    metadata,
    _id(),
    Column("key", String(200), unique=True),  # one scheduled digest per route and day
    Column("route", String(100), nullable=False, default="default"),
    Column("status", String(16), nullable=False, index=True),
    _when("created_at"),
    _when("sent_at", nullable=True),
    Column("recipients", JSON(), nullable=False, default=list),
    Column("subject", Text(), nullable=False, default=""),
    Column("message_id", String(300), unique=True),
    Column("message", LargeBinary()),  # the exact bytes sent, so a retry sends the identical message
    Column("transport", String(300)),  # smtp host or outbox path
    Column("attempts", Integer(), nullable=False, default=0),
    _when("next_attempt_at", nullable=True),
    # The instance handing it to the mail server, until then (several instances share one database).
    Column("send_lease_owner", String(200)),
    _when("send_lease_until", nullable=True),
    Column("last_error", Text()),
)

# Reports of one real-world event, from any feed and in any language (watcher.analyze.stories). `key` is
# stable: the id of the item that started it ("item:<id>"), kept when later reports join.
stories = Table(
    "stories",
    metadata,
    _id(),
    Column("key", String(64), nullable=False, unique=True),
    Column("first_item_id", Integer(), ForeignKey("items.id", ondelete="SET NULL")),
    _when("first_published_at"),
    _when("last_published_at", index=True),  # a story takes reports 72 h past this
    Column("item_count", Integer(), nullable=False, default=0),
    Column("languages", JSON(), nullable=False, default=list),  # ["it", "ko", "ru"], in order of first report
    Column("outlets", JSON(), nullable=False, default=list),  # feed names, in order of first report
    Column("entities", JSON(), nullable=False, default=list),  # tracked organisations named in its reports
    Column("event_types", JSON(), nullable=False, default=list),
    _when("created_at"),
    _when("updated_at"),
)

# An analysed item: its story and its language (the feed's, or detected). One row per item.
story_items = Table(
    "story_items",
    metadata,
    _id(),  # an id like every table's (`db copy` moves sequences by it)
    Column("item_id", Integer(), ForeignKey("items.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("story_id", Integer(), ForeignKey("stories.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("language", String(35)),
    _when("published_at"),  # the item's date as analysed (published, else first seen)
    _when("analysed_at"),
)

# A business event an item reports about a tracked entity, with the sentence that says it. A market entry into
# several countries ("enters Romania and Bulgaria") is one row per country.
item_events = Table(
    "item_events",
    metadata,
    _id(),
    Column("item_id", Integer(), ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    Column("entity_id", Integer(), ForeignKey("entities.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("story_id", Integer(), ForeignKey("stories.id", ondelete="CASCADE"), index=True),
    Column("type", String(32), nullable=False),
    Column("market", String(2)),  # ISO 3166-1 alpha-2, market_entry only
    Column("evidence", Text(), nullable=False),
    _when("created_at"),
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

# An analyst's verdict on a match, or watcher's hold on one like those rejected; one row per match. verdict:
# not_relevant (said by `by`: left out of every later digest, counted against the entity's aliases), held
# (watcher found it close to rejected ones: left out until someone says it is relevant), relevant (said by
# `by`: mailed as usual, and never held again).
match_feedback = Table(
    "match_feedback",
    metadata,
    _id(),
    Column("match_id", Integer(), ForeignKey("matches.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("entity_id", Integer(), ForeignKey("entities.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("verdict", String(16), nullable=False),
    Column("by", String(200), nullable=False),
    _when("at"),
    Column("note", Text()),  # e.g. what a held match is close to
)

# An instant alert: one row per rule and story (created with the decision, in one transaction), then sent.
# status: pending (due at due_at, sent at least once more if a crash hit between sending and marking), sent,
# failed (every notification service refused it for good). `key` goes with each send so a receiver can tell a
# repeat from a new alert.
alerts = Table(
    "alerts",
    metadata,
    _id(),
    Column("key", String(200), nullable=False, unique=True),
    Column("rule", String(100), nullable=False),
    Column("story_id", Integer(), ForeignKey("stories.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("title", Text(), nullable=False),
    Column("body", Text(), nullable=False),
    _when("created_at"),
    _when("due_at"),
    _when("sent_at", nullable=True),
    Column("attempts", Integer(), nullable=False, default=0),
    Column("last_error", Text()),
    Column("send_lease_owner", String(200)),
    _when("send_lease_until", nullable=True),
    UniqueConstraint("rule", "story_id", name="uq_alerts_rule_story"),
)


def postgresql_options() -> None:
    """The tables' PostgreSQL-only options, added when a PostgreSQL engine is first made (watcher.store.Database):
    the partial index of the events without a market, as migration 0009 makes it there."""
    for index in item_events.indexes:
        if (
            index.name == "uq_item_events_item_entity_type_no_market"
            and index.dialect_options["postgresql"]["where"] is None
        ):
            index.dialect_kwargs["postgresql_where"] = text("market IS NULL")
