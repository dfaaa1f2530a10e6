"""SQLite's connections over the stdlib sqlite3 module, without SQLAlchemy: the polling path's transactions
(Database.transaction) run on them, so that a `watcher poll` never imports SQLAlchemy (~0.2 CPU-s of its start, and
each Core statement compiled once a process). SQLAlchemy's engine, when something asks for it (sessions, migrations,
a store function still written in Core), opens its connections through connect_sqlite too: one set of pragmas.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

TEMP_STORE = "MEMORY"  # SQLite's temporary storage on watcher's connections (sqlite_pragmas)
CACHE_KIB = 8000  # SQLite's page cache a connection (sqlite_pragmas); a large pass's writer raises its own for a time
BUSY_SECONDS = 30
MEMORY = ":memory:"


def sqlite_database(url: str) -> str | None:
    """The database file of a plain SQLite URL (MEMORY for an in-memory one), None for any other URL (another
    engine, or a SQLite URL with options: SQLAlchemy's engine then)."""
    scheme, separator, rest = url.partition("://")
    if not separator or scheme not in ("sqlite", "sqlite+pysqlite") or "?" in rest:
        return None
    if rest in ("", "/", f"/{MEMORY}"):
        return MEMORY
    # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy reads them; a host part is not SQLite's
    return rest[1:] if rest.startswith("/") else None


def connect_sqlite(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_SECONDS, check_same_thread=False)
    sqlite_pragmas(connection)
    return connection


def sqlite_pragmas(connection: Any, _record: Any = None) -> None:
    """Every connection of watcher's to SQLite, lean or SQLAlchemy's, is set up here."""
    # sqlite3's own transaction handling defers BEGIN badly; we issue BEGIN ourselves (BEGIN).
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Checkpoint the WAL every ~40 MB rather than SQLite's 4 MB: a pass's inserts dirty the same pages of the
    # random-key indexes (url_key, title_key) commit after commit, and each checkpoint copied them back again
    # (a pread and a pwrite a page: ~0.5 of the ~3 s of system CPU of an all-new 1,000-feed pass).
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    # An 8 MB page cache, not SQLite's 2 MB: an all-new pass's inserts touch pages all over the random-key indexes
    # (url_key, title_key), and with 2 MB most were read back from the OS (a pread a page) commit after
    # commit. 8 MB: ~0.5 of ~1.4 s of system CPU spared in an all-new 1,000 × 50 pass, ~+6 MB of RSS; 16 MB
    # spared no more. Per connection: the daemon's writer holds one, the web UI's readers use few pages.
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    # Statement journals in memory: a multi-row INSERT (a feed's items) keeps one, and past 64 KiB SQLite spilled
    # it to a temporary file, a pwrite a page: ~550 MB of writes, a third of the inserts' CPU, in an all-new pass
    # of 1,000 feeds. A journal holds the pages one statement changes (500 rows at most); transient tables and
    # sorts are in memory too, then: watcher's queries sort small sets or read in index order, and a schema
    # upgrade, whose CREATE INDEX sorts a whole table, sets temp files back (upgrade_schema).
    cursor.execute(f"PRAGMA temp_store={TEMP_STORE}")
    cursor.close()


# IMMEDIATE: take the write lock up front. A deferred transaction that reads and then writes fails at once with
# SQLITE_BUSY_SNAPSHOT in WAL mode if another connection wrote meanwhile (the busy timeout does not apply to that
# case); waiting for the lock instead is what we want.
BEGIN = "BEGIN IMMEDIATE"


class SQLiteDialectName:
    """What the store asks of a lean connection's dialect (dialect_of(session).name)."""

    name = "sqlite"


class LeanConnection:
    """A SQLite connection in its transaction, as Database.transaction gives it: the store's functions take its
    DB-API cursor (cursor_of). A function still written in SQLAlchemy Core runs on `sqlalchemy()`, a Core
    connection over the same sqlite3 connection in the same transaction, made when first asked for (any other
    attribute, e.g. execute, is that connection's)."""

    dialect = SQLiteDialectName()

    def __init__(self, raw: sqlite3.Connection, adopted: Engine | None) -> None:
        self.raw = raw
        self._engine = adopted
        self._core: Connection | None = None

    def cursor(self) -> sqlite3.Cursor:
        return self.raw.cursor()

    def sqlalchemy(self) -> Connection:
        if self._core is None:
            if self._engine is None:
                self._engine = adopting_engine(self.raw)
            self._core = self._engine.connect()
        return self._core

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sqlalchemy(), name)

    def _finish(self, commit: bool) -> Engine | None:
        """Commit or roll back (through the Core connection, when one was made: it ends its own transaction too)."""
        core, self._core = self._core, None
        if core is not None:
            try:
                core.commit() if commit else core.rollback()
            finally:
                core.close()
        if self.raw.in_transaction:  # no Core connection, or one that ran nothing (it began no transaction)
            self.raw.execute("COMMIT" if commit else "ROLLBACK")
        return self._engine


def adopting_engine(raw: sqlite3.Connection) -> Engine:
    """A SQLAlchemy engine whose one connection is `raw`, as it is (its pragmas set, in a transaction the lean
    connection began): no BEGIN of its own (pysqlite's do_begin issues none), nothing reset when checked in."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    return create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool, pool_reset_on_return=None)


class LeanPool:
    """The idle sqlite3 connections of a Database (one per thread at a time, as SQLAlchemy's pool held them), each
    with the engine that adopted it, if any; an in-memory database's one connection is shared (it lives in it)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._idle: list[tuple[sqlite3.Connection, Engine | None]] = []
        self._lock = threading.Lock()
        self.memory = connect_sqlite(MEMORY) if path == MEMORY else None

    def connect(self) -> sqlite3.Connection:
        """A new connection of the database's (SQLAlchemy's engine's creator)."""
        return self.memory if self.memory is not None else connect_sqlite(self.path)

    @contextmanager
    def transaction(self) -> Iterator[LeanConnection]:
        raw, adopted = self._checkout()
        lean = LeanConnection(raw, adopted)
        try:
            raw.execute(BEGIN)  # waits up to the busy timeout for another writer
        except BaseException:
            self._checkin(raw, adopted)
            raise
        try:
            yield lean
        except BaseException:
            self._end(lean, commit=False)
            raise
        self._end(lean, commit=True)

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        """A connection outside any transaction of this thread's (WAL: it reads while the writer writes)."""
        raw, adopted = self._checkout()
        try:
            yield raw
        finally:
            self._checkin(raw, adopted)

    def _end(self, lean: LeanConnection, *, commit: bool) -> None:
        try:
            adopted = lean._finish(commit)
        except BaseException:
            if lean.raw.in_transaction:
                lean.raw.execute("ROLLBACK")
            self._checkin(lean.raw, lean._engine)
            raise
        self._checkin(lean.raw, adopted)

    def _checkout(self) -> tuple[sqlite3.Connection, Engine | None]:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self.connect(), None

    def _checkin(self, raw: sqlite3.Connection, adopted: Engine | None) -> None:
        with self._lock:
            self._idle.append((raw, adopted))

    def close_idle(self) -> None:
        """Close the idle connections, and with them their page caches (an in-memory database's is kept)."""
        with self._lock:
            idle = [slot for slot in self._idle if slot[0] is not self.memory]
            self._idle = [slot for slot in self._idle if slot[0] is self.memory]
        for raw, _adopted in idle:
            raw.close()
