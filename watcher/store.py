"""The database edge: engine and session helper, schema upgrades, and the queries the stages need.

Works on SQLite (the embedded default: WAL, busy timeout, foreign keys, files private to the service
user) and PostgreSQL (postgresql+psycopg://). Write transactions are short and never span network I/O.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, create_engine, delete, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from watcher.config import EntityConfig, FeedConfig
from watcher.match import EntityMatch, entity_fingerprint, snippet_for
from watcher.models import Delivery, Digest, Entity, Feed, Item, Match
from watcher.parse import Entry

log = logging.getLogger(__name__)

ADVISORY_LOCK = 0x7761746368  # "watch": serialises schema upgrades and config syncs across instances
DEDUP_WINDOW = timedelta(days=14)  # an entry whose GUID changed is still caught by its link this long

# The polling hot path (new_entries, store_items, add_matches, record_success) runs Core statements on
# these tables rather than ORM-enabled ones: the same SQL at a fraction of the Python overhead per row.
_FEEDS = Feed.__table__
_ITEMS = Item.__table__
_MATCHES = Match.__table__


class Database:
    """One engine and its session factory; ``with db.session() as s:`` is one transaction."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        if self.url.get_backend_name() == "sqlite":
            _prepare_sqlite_file(self.url.database)
            self.engine = create_engine(self.url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def exclusive_session(self) -> Iterator[Session]:
        """A transaction no other instance runs at the same time (config sync at start and on reload)."""
        with self.session() as session:
            if self.dialect == "postgresql":
                session.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK)))
            yield session

    def upgrade(self) -> None:
        upgrade_schema(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def _prepare_sqlite_file(path: str | None) -> None:
    """Create the state directory 0700 and the database file 0600 before SQLite does (umask 022)."""
    if not path or path == ":memory:":
        return
    file = Path(path)
    if not file.parent.exists():
        file.parent.mkdir(mode=0o700, parents=True)
    if not file.exists():
        os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling defers BEGIN badly; we issue BEGIN ourselves (_sqlite_begin).
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE: take the write lock up front. A deferred transaction that reads and then writes fails
    # at once with SQLITE_BUSY_SNAPSHOT in WAL mode if another connection wrote meanwhile (the busy
    # timeout does not apply to that case); waiting for the lock instead is what we want.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrations_path() -> Path:
    return Path(str(resources.files("watcher.migrations")))


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` with Alembic; run at daemon start and by `watcher db upgrade`."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(migrations_path()))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        sqlite_connection = connection.connection.driver_connection if engine.dialect.name == "sqlite" else None
        if sqlite_connection is not None:
            # Batch migrations rebuild a table by drop and rename; with foreign keys on, the drop would
            # cascade into the tables that reference it. The pragma only changes outside a transaction.
            sqlite_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":  # instances starting together upgrade one at a time
                    connection.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK)))
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
            if sqlite_connection is not None:
                broken = sqlite_connection.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"schema upgrade left dangling foreign keys: {broken[:5]}")
        finally:
            if sqlite_connection is not None:
                sqlite_connection.execute("PRAGMA foreign_keys=ON")


def copy_database(source: Engine, target: Engine, progress: Any = None) -> dict[str, int]:
    """Copy every row of watcher's tables to another database (e.g. SQLite → PostgreSQL). → rows per table.

    The target is upgraded to the same schema first and must hold no watcher data yet. Rows keep
    their ids; PostgreSQL sequences are moved past them afterwards.
    """
    from watcher.models import Base

    upgrade_schema(target)
    if schema_revision(source) != schema_revision(target):
        raise RuntimeError("upgrade the source database first: `watcher db upgrade`")
    copied: dict[str, int] = {}
    with source.connect() as reading, target.begin() as writing:
        for table in Base.metadata.sorted_tables:
            if writing.execute(select(func.count()).select_from(table)).scalar():
                raise RuntimeError(f"the target database already holds {table.name}: copy into an empty one")
        for table in Base.metadata.sorted_tables:
            count = 0
            result = reading.execution_options(stream_results=True).execute(select(table).order_by(*table.primary_key))
            for rows in result.mappings().partitions(1000):
                writing.execute(table.insert(), [dict(row) for row in rows])
                count += len(rows)
                if progress is not None:
                    progress(table.name, count)
            copied[table.name] = count
            if target.dialect.name == "postgresql" and count:
                writing.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT MAX(id) FROM {table.name}))"
                )
    return copied


def schema_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _insert(session: Session, model: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING in the session's dialect."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


# --- config → database ---------------------------------------------------------------------------


def feed_fingerprint(feed: FeedConfig) -> str:
    return hashlib.sha256(feed.model_dump_json().encode()).hexdigest()


def sync_feeds(session: Session, feeds: Sequence[FeedConfig], now: datetime) -> None:
    """Make the feeds table follow the config: new feeds are due now, removed ones go inactive.

    A feed whose config entry changed starts afresh: a 410 no longer disables it and a remembered
    redirect is forgotten.
    """
    wanted = {feed.url: feed for feed in feeds}
    existing = {feed.url: feed for feed in session.scalars(select(Feed))}
    for url, config in wanted.items():
        row = existing.get(url)
        fingerprint = feed_fingerprint(config)
        if row is None:
            session.add(
                Feed(
                    url=url,
                    name=config.name,
                    active=True,
                    next_poll_at=now,
                    created_at=now,
                    config_fingerprint=fingerprint,
                )
            )
            continue
        if not row.active:
            row.next_poll_at = now
        if row.config_fingerprint != fingerprint:
            if row.disabled_reason or row.redirect_url:
                row.next_poll_at = now
            row.config_fingerprint = fingerprint
            row.disabled_reason = row.redirect_url = row.redirect_candidate = None
            row.redirect_streak = 0
        row.active = True
        row.name = config.name
    for url, row in existing.items():
        if url not in wanted:
            row.active = False


def sync_entities(session: Session, entities: Sequence[EntityConfig], now: datetime) -> list[str]:
    """Make the entities table follow the config; return the names that are new or whose aliases changed."""
    existing = {entity.name: entity for entity in session.scalars(select(Entity))}
    changed = []
    for config in entities:
        fingerprint = entity_fingerprint(config)
        row = existing.get(config.name)
        if row is None:
            session.add(Entity(name=config.name, fingerprint=fingerprint, active=True, created_at=now, updated_at=now))
            changed.append(config.name)
        elif row.fingerprint != fingerprint or not row.active:
            row.fingerprint, row.active, row.updated_at = fingerprint, True, now
            changed.append(config.name)
    names = {config.name for config in entities}
    for name, row in existing.items():
        if name not in names:
            row.active = False
    session.flush()
    return changed


def entity_ids(session: Session) -> dict[str, int]:
    return {name: entity_id for name, entity_id in session.execute(select(Entity.name, Entity.id).where(Entity.active))}


# --- polling -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedState:
    """What polling needs to know of a feed, detached from any session."""

    id: int
    url: str
    name: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    consecutive_failures: int
    is_new: bool  # never polled successfully: its back-catalogue is being stored
    redirect_url: str | None = None
    redirect_candidate: str | None = None
    redirect_streak: int = 0
    interval_seconds: int | None = None  # the feed's adaptive polling interval, once learnt


def _state(feed: Feed) -> FeedState:
    return FeedState(
        feed.id,
        feed.url,
        feed.name,
        feed.etag,
        feed.last_modified,
        feed.body_hash,
        feed.consecutive_failures,
        feed.last_success_at is None,
        feed.redirect_url,
        feed.redirect_candidate,
        feed.redirect_streak,
        feed.interval_seconds,
    )


def count_due_feeds(session: Session, now: datetime, *, everything: bool = False) -> int:
    """len(due_feeds(...)) without loading the feeds."""
    query = select(func.count()).select_from(_FEEDS).where(_FEEDS.c.active, _FEEDS.c.disabled_reason.is_(None))
    if not everything:
        query = query.where(_FEEDS.c.next_poll_at <= now)
    return session.scalar(query) or 0


def due_feeds(session: Session, now: datetime, *, everything: bool = False) -> list[FeedState]:
    """The due feeds (or every active one), without claiming them: for status displays and tests."""
    query = select(Feed).where(Feed.active, Feed.disabled_reason.is_(None)).order_by(Feed.next_poll_at, Feed.id)
    if not everything:
        query = query.where(Feed.next_poll_at <= now)
    return [_state(feed) for feed in session.scalars(query)]


@cache
def instance_id() -> str:
    """Who holds a lease: host, process and a nonce (a reused PID is not the same instance)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _owner_is_dead(owner: str) -> bool:
    """A lease owner on this host whose process is gone: its leases can be taken now, not at expiry."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or owner == instance_id():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _free(column_owner: Any, column_until: Any, session: Session, now: datetime) -> Any:
    """Lease free: never taken, expired, or held by a dead process on this host."""
    holders = session.scalars(select(column_owner).where(column_until >= now).distinct())
    dead = [owner for owner in holders if owner and _owner_is_dead(owner)]
    condition = column_until.is_(None) | (column_until < now)
    return condition | column_owner.in_(dead) if dead else condition


def claim_due_feeds(
    session: Session, owner: str, now: datetime, lease: timedelta, limit: int, *, polled_before: datetime | None = None
) -> list[FeedState]:
    """Lease up to `limit` due feeds to `owner`, so that no other instance polls them meanwhile.

    Due: next_poll_at has come (or, with polled_before, not polled since then: a pass over every feed).
    PostgreSQL skips rows another instance is claiming (FOR UPDATE SKIP LOCKED); on every engine the
    conditional UPDATE takes only feeds whose lease is free or expired, so two claimers never share one.
    """
    lease_free = _free(Feed.lease_owner, Feed.lease_until, session, now)
    due = (
        (Feed.last_polled_at.is_(None) | (Feed.last_polled_at < polled_before))
        if polled_before is not None
        else Feed.next_poll_at <= now
    )
    candidates = list(
        session.scalars(
            select(Feed.id)
            .where(Feed.active, Feed.disabled_reason.is_(None), lease_free, due)
            .order_by(Feed.next_poll_at, Feed.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not candidates:
        return []
    claimed = list(
        session.scalars(
            update(Feed)
            .where(Feed.id.in_(candidates), lease_free)
            .values(lease_owner=owner, lease_until=now + lease)
            .returning(Feed.id)
        )
    )
    feeds = session.scalars(select(Feed).where(Feed.id.in_(claimed)).order_by(Feed.next_poll_at, Feed.id))
    return [_state(feed) for feed in feeds]


def release_leases(session: Session, owner: str, feed_ids: Sequence[int]) -> None:
    """Give back feeds claimed but not polled (the daemon is stopping): another instance may take them."""
    for start in range(0, len(feed_ids), 500):
        chunk = list(feed_ids[start : start + 500])
        session.execute(
            update(Feed).where(Feed.id.in_(chunk), Feed.lease_owner == owner).values(lease_owner=None, lease_until=None)
        )


def next_due_at(session: Session) -> datetime | None:
    return session.scalar(select(func.min(Feed.next_poll_at)).where(Feed.active))


def new_entries(session: Session, feed_id: int, entries: Sequence[Entry], now: datetime) -> list[Entry]:
    """The entries not stored yet for this feed, by identity or, within DEDUP_WINDOW, by normalised link.

    One IN query per key for the whole fetch (in chunks under every engine's bound-parameter limit).
    """
    if not entries:
        return []
    known = _existing(session, _KNOWN_IDENTITIES, [entry.identity for entry in entries], feed_id=feed_id)
    keyed = [(entry, entry.dedup_key) for entry in entries if entry.identity not in known]  # a key costs a URL parse
    keys = [key for _entry, key in keyed if key]
    if not keys:
        return [entry for entry, _key in keyed]
    seen = _existing(session, _RECENT_DEDUP_KEYS, keys, feed_id=feed_id, since=now - DEDUP_WINDOW)
    return [entry for entry, key in keyed if key not in seen]


# Built once (an expanding IN): new_entries runs for every changed feed, and building them costs more than running them.
_KNOWN_IDENTITIES = select(_ITEMS.c.identity).where(
    _ITEMS.c.feed_id == bindparam("feed_id"), _ITEMS.c.identity.in_(bindparam("values", expanding=True))
)
_RECENT_DEDUP_KEYS = select(_ITEMS.c.dedup_key).where(
    _ITEMS.c.feed_id == bindparam("feed_id"),
    _ITEMS.c.dedup_key.in_(bindparam("values", expanding=True)),
    _ITEMS.c.first_seen_at >= bindparam("since"),
)


def _existing(session: Session, statement: Any, values: list[str], **params: Any) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), 500):
        found.update(session.scalars(statement, {**params, "values": values[start : start + 500]}))
    return found


def store_items(
    session: Session,
    feed_id: int,
    entries: Sequence[Entry],
    matches: Sequence[Sequence[EntityMatch]],
    entity_id_by_name: dict[str, int],
    now: datetime,
    *,
    silence_before: datetime | None = None,
) -> tuple[int, int]:
    """Insert new items and their matches; duplicates (a racing instance) are skipped. → (items, matches).

    Matches of items published before `silence_before` (a new feed's back-catalogue) are stored
    suppressed: searchable, never mailed.
    """
    rows = []
    for entry in entries:
        published = entry.published
        if published is not None and published > now:
            published = now  # a date in the future is a feed's mistake, not news from tomorrow
        rows.append(
            dict(
                feed_id=feed_id,
                identity=entry.identity,
                dedup_key=entry.dedup_key,
                guid=entry.guid,
                link=entry.link,
                title=entry.title,
                summary=entry.summary,
                content=entry.content,
                language=entry.language,
                author=(entry.author or None) and entry.author[:500],
                published_at=published,
                first_seen_at=now,
            )
        )
    if not rows:
        return 0, 0
    # One executemany for the feed's items (rendered as multi-row INSERT … RETURNING by SQLAlchemy's
    # "insertmanyvalues"), on the Core table: per-row ORM statements cost ~10× more. A row skipped as a
    # duplicate returns nothing, so ids are matched back by identity, not by position.
    statement = (
        _insert(session, _ITEMS)
        .on_conflict_do_nothing(index_elements=["feed_id", "identity"])
        .returning(_ITEMS.c.id, _ITEMS.c.identity)
    )
    inserted = {identity: item_id for item_id, identity in session.execute(statement, rows)}
    item_count = len(inserted)
    match_count = 0
    for entry, entry_matches, row in zip(entries, matches, rows, strict=True):
        item_id = inserted.pop(entry.identity, None)
        if item_id is None or not entry_matches:
            continue
        published = row["published_at"]
        old_news = silence_before is not None and published is not None and published < silence_before
        match_count += add_matches(
            session, item_id, entry.fields, entry_matches, entity_id_by_name, now, suppressed=old_news
        )
    return item_count, match_count


def add_matches(
    session: Session,
    item_id: int,
    fields: dict[str, str],
    matches: Iterable[EntityMatch],
    entity_id_by_name: dict[str, int],
    now: datetime,
    *,
    backfilled: bool = False,
    suppressed: bool = False,
) -> int:
    added = 0
    for match in matches:
        entity_id = entity_id_by_name.get(match.entity)
        if entity_id is None:
            continue
        snippet = snippet_for(fields, match)
        hit = match.primary
        statement = (
            _insert(session, _MATCHES)
            .values(
                item_id=item_id,
                entity_id=entity_id,
                alias=hit.alias,
                field=hit.field,
                start_offset=hit.start,
                end_offset=hit.end,
                surface=hit.text,
                snippet=snippet.text,
                highlights=[list(span) for span in snippet.highlights],
                hits=[
                    {"alias": h.alias, "field": h.field, "start": h.start, "end": h.end, "text": h.text}
                    for h in match.hits
                ],
                backfilled=backfilled,
                suppressed=suppressed,
                matched_at=now,
            )
            .on_conflict_do_nothing(index_elements=["item_id", "entity_id"])
            .returning(_MATCHES.c.id)
        )
        if session.scalar(statement) is not None:
            added += 1
    return added


def record_success(
    session: Session,
    feed_id: int,
    now: datetime,
    next_poll_at: datetime,
    *,
    etag: str | None,
    last_modified: str | None,
    body_hash: str | None,
    title: str | None = None,
    interval_seconds: int | None = None,
) -> None:
    values: dict[str, Any] = dict(
        etag=etag,
        last_modified=last_modified,
        last_polled_at=now,
        last_success_at=now,
        next_poll_at=next_poll_at,
        consecutive_failures=0,
        last_error=None,
        lease_owner=None,
        lease_until=None,
    )
    if interval_seconds is not None:
        values["interval_seconds"] = interval_seconds
    if body_hash is not None:
        values["body_hash"] = body_hash
    if title:
        values["title"] = title[:1000]
    session.execute(update(_FEEDS).where(_FEEDS.c.id == feed_id).values(**values))


# record_success for a poll that found nothing new: the same UPDATE for every feed, so one executemany.
_RECORD_UNCHANGED = (
    update(_FEEDS)
    .where(_FEEDS.c.id == bindparam("b_id"))
    .values(
        etag=bindparam("b_etag"),
        last_modified=bindparam("b_last_modified"),
        last_polled_at=bindparam("b_now"),
        last_success_at=bindparam("b_now"),
        next_poll_at=bindparam("b_next_poll_at"),
        consecutive_failures=0,
        last_error=None,
        lease_owner=None,
        lease_until=None,
        interval_seconds=bindparam("b_interval"),
    )
)


def record_unchanged(
    session: Session, polls: Iterable[tuple[int, datetime, datetime, str | None, str | None, int]]
) -> None:
    """record_success(body_hash=None, no title) for many feeds at once, as one executemany.

    Each poll is (feed_id, now, next_poll_at, etag, last_modified, interval_seconds).
    """
    params = [
        {
            "b_id": feed_id,
            "b_now": now,
            "b_next_poll_at": next_poll_at,
            "b_etag": etag,
            "b_last_modified": last_modified,
            "b_interval": interval,
        }
        for feed_id, now, next_poll_at, etag, last_modified, interval in polls
    ]
    if params:
        session.execute(_RECORD_UNCHANGED, params)


def record_redirect(session: Session, feed_id: int, target: str | None, remember_after: int) -> str | None:
    """Count consecutive permanent redirects to one target; remember it after `remember_after`. → newly remembered."""
    feed = session.get_one(Feed, feed_id)
    if target is None:
        feed.redirect_candidate, feed.redirect_streak = None, 0
        return None
    if feed.redirect_candidate == target:
        feed.redirect_streak += 1
    else:
        feed.redirect_candidate, feed.redirect_streak = target, 1
    if feed.redirect_streak >= remember_after and feed.redirect_url != target:
        feed.redirect_url = target
        return target
    return None


def record_failure(
    session: Session, feed_id: int, now: datetime, next_poll_at: datetime, error: str, *, disable: bool = False
) -> None:
    """A failed poll; with disable (410 Gone) the feed is not polled again until its config entry changes."""
    session.execute(
        update(Feed)
        .where(Feed.id == feed_id)
        .values(
            last_polled_at=now,
            last_error_at=now,
            last_error=error[:2000],
            next_poll_at=next_poll_at,
            consecutive_failures=Feed.consecutive_failures + 1,
            lease_owner=None,
            lease_until=None,
            **({"disabled_reason": error[:2000]} if disable else {}),
        )
    )


def prune_unmatched_items(session: Session, older_than: datetime, limit: int = 5000) -> int:
    """Delete items first seen before `older_than` that matched nothing; matches and digests are kept."""
    matched = select(Match.id).where(Match.item_id == Item.id).exists()
    doomed = list(session.scalars(select(Item.id).where(Item.first_seen_at < older_than, ~matched).limit(limit)))
    if doomed:
        session.execute(delete(Item).where(Item.id.in_(doomed)))
    return len(doomed)


def items_since(session: Session, since: datetime) -> Iterator[Item]:
    yield from session.scalars(select(Item).where(Item.first_seen_at >= since).order_by(Item.id)).yield_per(500)


# --- digests -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchRow:
    """A match with everything the digest shows of it, as plain values."""

    match_id: int
    entity: str
    item_id: int
    title: str
    link: str | None
    source: str
    published_at: datetime | None
    first_seen_at: datetime
    language: str | None
    field: str
    alias: str
    surface: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    backfilled: bool
    hit_count: int = 1
    alias_count: int = 1


def _match_rows(session: Session, *conditions: Any, limit: int | None = None, join: Any = None) -> list[MatchRow]:
    query = (
        select(Match, Item, Entity.name, Feed.name, Feed.title, Feed.url)
        .join(Item, Match.item_id == Item.id)
        .join(Entity, Match.entity_id == Entity.id)
        .join(Feed, Item.feed_id == Feed.id)
        .where(*conditions)
        .order_by(Match.matched_at.desc(), Match.id.desc())
    )
    if join is not None:
        query = query.join(*join)
    if limit:
        query = query.limit(limit)
    rows = []
    for match, item, entity_name, feed_name, feed_title, feed_url in session.execute(query):
        hits = match.hits or []
        rows.append(
            MatchRow(
                match_id=match.id,
                entity=entity_name,
                item_id=item.id,
                title=item.title,
                link=item.link,
                source=feed_name or feed_title or feed_url,
                published_at=item.published_at,
                first_seen_at=item.first_seen_at,
                language=item.language,
                field=match.field,
                alias=match.alias,
                surface=match.surface,
                snippet=match.snippet,
                highlights=tuple(tuple(span) for span in match.highlights),
                backfilled=match.backfilled,
                hit_count=max(1, len(hits)),
                alias_count=max(1, len({hit.get("alias") for hit in hits})),
            )
        )
    return rows


def undelivered_matches(session: Session, route: str, entity_names: Iterable[str]) -> list[MatchRow]:
    """Matches of these entities that this route has not claimed yet (suppressed ones never)."""
    claimed = select(Delivery.id).where(Delivery.match_id == Match.id, Delivery.route == route).exists()
    return _match_rows(session, ~Match.suppressed, ~claimed, Entity.name.in_(list(entity_names)))


def digest_matches(session: Session, digest_id: int) -> list[MatchRow]:
    return _match_rows(session, Delivery.digest_id == digest_id, join=(Delivery, Delivery.match_id == Match.id))


def recent_matches(session: Session, limit: int, entity: str | None = None) -> list[MatchRow]:
    return _match_rows(session, *([Entity.name == entity] if entity else []), limit=limit)


def claim_matches(session: Session, digest_id: int, route: str, match_ids: Sequence[int]) -> int:
    """Record these matches as this route's digest's; a match the route already claimed is skipped."""
    claimed = 0
    for match_id in match_ids:
        statement = (
            _insert(session, Delivery)
            .values(match_id=match_id, route=route, digest_id=digest_id)
            .on_conflict_do_nothing(index_elements=["match_id", "route"])
            .returning(Delivery.id)
        )
        claimed += session.scalar(statement) is not None
    return claimed


def release_matches(session: Session, digest_id: int) -> None:
    """A digest that will never go out gives its matches back to its route's next digest."""
    session.execute(delete(Delivery).where(Delivery.digest_id == digest_id))


def delivered_count(session: Session, digest_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Delivery).where(Delivery.digest_id == digest_id)) or 0


def take_send_lease(session: Session, digest_id: int, now: datetime, until: datetime) -> bool:
    """Become the one instance handing this pending digest to the mail server (until `until`)."""
    result = session.execute(
        update(Digest)
        .where(
            Digest.id == digest_id,
            Digest.status == "pending",
            _free(Digest.send_lease_owner, Digest.send_lease_until, session, now),
        )
        .values(send_lease_owner=instance_id(), send_lease_until=until)
    )
    return result.rowcount == 1


def pending_digests(session: Session, now: datetime, *, ignore_retry_time: bool = False) -> list[Digest]:
    due = Digest.next_attempt_at.is_(None) | (Digest.next_attempt_at <= now)
    query = select(Digest).where(Digest.status == "pending").order_by(Digest.id)
    return list(session.scalars(query if ignore_retry_time else query.where(due)))


def digest_by_key(session: Session, key: str) -> Digest | None:
    return session.scalar(select(Digest).where(Digest.key == key))


def earliest_item_at(session: Session) -> datetime | None:
    return session.scalar(select(func.min(Item.first_seen_at)))


def mention_counts(session: Session, entity_names: Iterable[str], since: datetime, until: datetime) -> dict[str, int]:
    """Matches per entity among items first seen in [since, until); backfilled ones are old news."""
    query = (
        select(Entity.name, func.count())
        .join(Match, Match.entity_id == Entity.id)
        .join(Item, Match.item_id == Item.id)
        .where(
            Entity.name.in_(list(entity_names)),
            Item.first_seen_at >= since,
            Item.first_seen_at < until,
            ~Match.backfilled,
        )
        .group_by(Entity.name)
    )
    return {name: count for name, count in session.execute(query)}


# --- status --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedStatus:
    url: str
    name: str | None
    active: bool
    items: int
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    next_poll_at: datetime
    disabled_reason: str | None = None
    redirect_url: str | None = None

    @property
    def label(self) -> str:
        if not self.active:
            return "removed"
        if self.disabled_reason:
            return "DISABLED"
        if self.consecutive_failures:
            return f"FAILING×{self.consecutive_failures}"
        return "new" if self.last_success_at is None else "ok"


def feed_statuses(session: Session) -> list[FeedStatus]:
    counts = {
        feed_id: count for feed_id, count in session.execute(select(Item.feed_id, func.count()).group_by(Item.feed_id))
    }
    return [
        FeedStatus(
            feed.url,
            feed.name or feed.title,
            feed.active,
            counts.get(feed.id, 0),
            feed.last_success_at,
            feed.last_error_at,
            feed.last_error,
            feed.consecutive_failures,
            feed.next_poll_at,
            feed.disabled_reason,
            feed.redirect_url,
        )
        for feed in session.scalars(select(Feed).order_by(Feed.active.desc(), Feed.url))
    ]


def failing_feeds(session: Session, now: datetime, older_than: timedelta) -> list[FeedStatus]:
    """Active feeds with no success for `older_than` (or never, after failing): for the digest footer."""
    return [
        status
        for status in feed_statuses(session)
        if status.active
        and (status.consecutive_failures > 0 or status.disabled_reason)
        and (status.last_success_at is None or now - status.last_success_at >= older_than)
    ]


@dataclass(frozen=True)
class StatusCounts:
    feeds: dict[str, int]  # ok, failing, backing off, disabled, new
    items_today: int
    matches_today: int
    undelivered: int
    last_digest_at: datetime | None
    last_digest_status: str | None
    next_poll_at: datetime | None
    due_within_hour: int


def status_counts(session: Session, now: datetime, start_of_day: datetime) -> StatusCounts:
    labels = {"ok": 0, "failing": 0, "backing off": 0, "disabled": 0, "new": 0}
    for feed in session.scalars(select(Feed).where(Feed.active)):
        if feed.disabled_reason:
            labels["disabled"] += 1
        elif feed.consecutive_failures and feed.next_poll_at > now:
            labels["backing off"] += 1
        elif feed.consecutive_failures:
            labels["failing"] += 1
        elif feed.last_success_at is None:
            labels["new"] += 1
        else:
            labels["ok"] += 1
    delivered = select(Delivery.id).where(Delivery.match_id == Match.id).exists()
    last = session.execute(
        select(Digest.sent_at, Digest.created_at, Digest.status)
        .where(Digest.status != "empty")
        .order_by(Digest.id.desc())
        .limit(1)
    ).first()
    active = Feed.active & Feed.disabled_reason.is_(None)
    return StatusCounts(
        feeds=labels,
        items_today=session.scalar(select(func.count()).select_from(Item).where(Item.first_seen_at >= start_of_day))
        or 0,
        matches_today=session.scalar(
            select(func.count()).select_from(Match).where(Match.matched_at >= start_of_day, ~Match.backfilled)
        )
        or 0,
        undelivered=session.scalar(select(func.count()).select_from(Match).where(~Match.suppressed, ~delivered)) or 0,
        last_digest_at=(last.sent_at or last.created_at) if last else None,
        last_digest_status=last.status if last else None,
        next_poll_at=session.scalar(select(func.min(Feed.next_poll_at)).where(active)),
        due_within_hour=session.scalar(
            select(func.count()).select_from(Feed).where(active, Feed.next_poll_at <= now + timedelta(hours=1))
        )
        or 0,
    )
