"""Database: transactions (on SQLite over the stdlib sqlite3 module, watcher/store/lean.py; on PostgreSQL Core
connections), ORM sessions for the readers of the mapped classes, schema upgrades (Alembic, for a database that is
behind) and copying a database to another engine.

Works on SQLite (the embedded default: WAL, busy timeout, foreign keys, files private to the service
user) and PostgreSQL (postgresql+psycopg://). Write transactions are short and never span network I/O.
"""

from __future__ import annotations

import ast
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watcher.store.lean import (
    BEGIN,
    CACHE_KIB,
    MEMORY,
    TEMP_STORE,
    LeanConnection,
    LeanPool,
    SQLiteDialectName,
    sqlite_database,
)

if TYPE_CHECKING:
    from typing import TypeAlias

    from sqlalchemy import Engine
    from sqlalchemy.engine import URL, Connection, Dialect
    from sqlalchemy.engine.interfaces import DBAPICursor
    from sqlalchemy.orm import Session, sessionmaker

    # What the store's functions run on: a connection in its transaction (the polling path: a lean one on SQLite,
    # a Core one on PostgreSQL), or a session.
    Transaction: TypeAlias = Session | Connection | LeanConnection

__all__ = ["CACHE_KIB", "TEMP_STORE", "Database"]
ADVISORY_LOCK = 0x7761746368  # "watch": serialises schema upgrades and config syncs across instances


class Database:
    """One database; ``with db.transaction() as c:`` is one transaction, ``with db.session() as s:`` one in an ORM
    session. The store's functions take either. On SQLite a transaction is on a stdlib sqlite3 connection
    (watcher/store/lean.py), and SQLAlchemy's engine is made only when something asks for it (a session, a
    migration, a statement still written in Core): a `watcher poll` on a current schema never imports SQLAlchemy.
    PostgreSQL's transactions are on SQLAlchemy's engine."""

    def __init__(self, url: str) -> None:
        self._url = url
        path = sqlite_database(url)
        self._lean = LeanPool(path) if path is not None else None
        if path is not None:
            _prepare_sqlite_file(path)
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None  # made when a session is first asked for
        if path is None:
            self.engine  # noqa: B018 - PostgreSQL's engine at once, as before: its options set first

    @property
    def url(self) -> URL:
        from sqlalchemy.engine import make_url

        return make_url(self._url)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._make_engine()
        return self._engine

    def _make_engine(self) -> Engine:
        from sqlalchemy import create_engine, event

        if self._lean is not None and self._lean.memory is not None:
            from sqlalchemy.pool import StaticPool

            engine = create_engine("sqlite://", creator=self._lean.connect, poolclass=StaticPool)
        elif self._lean is not None:
            engine = create_engine(self._url, creator=self._lean.connect)
        else:
            from watcher.tables import postgresql_options

            postgresql_options()
            return create_engine(self._url, pool_pre_ping=True)
        event.listen(engine, "begin", _sqlite_begin)
        return engine

    @property
    def dialect(self) -> str:
        return "sqlite" if self._lean is not None else self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Connection | LeanConnection]:
        if self._lean is not None:
            with self._lean.transaction() as lean:
                yield lean
            return
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def reader(self) -> Iterator[Any]:
        """A DB-API connection for reads outside the caller's transactions (SQLite's WAL lets it read while a
        writer writes); not for writes."""
        if self._lean is not None:
            with self._lean.reader() as raw:
                yield raw
            return
        connection = self.engine.raw_connection()
        try:
            yield connection
        finally:
            connection.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def exclusive_transaction(self) -> Iterator[Connection | LeanConnection]:
        """A transaction no other instance runs at the same time (config sync at start and on reload); SQLite's
        BEGIN IMMEDIATE is one already."""
        with self.transaction() as connection:
            if self.dialect == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})")
            yield connection

    def upgrade(self) -> None:
        if self._lean is not None:
            # Read on the lean connection: a current schema (every start but the first after an upgrade) is
            # told without SQLAlchemy or Alembic.
            with self._lean.reader() as raw:
                if _schema_is_current(raw) or _created_from_schema(raw):
                    return
        upgrade_schema(self.engine)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self._lean is not None:
            self._lean.close_idle()

    def release_memory(self) -> None:
        """SQLite: close the idle connections, and with them their page caches (up to 8 MB each, filled by a pass's
        writes and the stories' query that scans the matches), for a one-pass process about to load what needs
        no database (the encoder). The next transaction opens a connection again (~1 ms). PostgreSQL's pages
        are the server's: its connections stay."""
        # An in-memory database lives only in its connection: closing it would lose the data.
        if self._lean is not None and self._lean.memory is None:
            if self._engine is not None:
                self._engine.dispose()
            self._lean.close_idle()


def _prepare_sqlite_file(path: str | None) -> None:
    """Create the state directory 0700 and the database file 0600 before SQLite does (umask 022)."""
    if not path or path == MEMORY:
        return
    file = Path(path)
    if not file.parent.exists():
        file.parent.mkdir(mode=0o700, parents=True)
    if not file.exists():
        os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o600))


def set_page_cache(connection: Transaction, kib: int) -> bool:
    """SQLite: this connection's page cache, in KiB (shrunk, it frees the pages beyond it). PostgreSQL's pages are
    the server's: nothing to do (→ False)."""
    if dialect_of(connection).name != "sqlite":
        return False
    cursor = cursor_of(connection)
    cursor.execute(f"PRAGMA cache_size=-{int(kib)}")
    cursor.close()
    return True


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql(BEGIN)


def migrations_path() -> Path:
    return Path(str(resources.files("watcher.migrations")))


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; run at daemon start and by `watcher db upgrade`. A new SQLite database is
    made from the dumped schema (watcher/store/schema.py); Alembic runs only for a database that is behind."""
    if revision == "head":
        # Importing Alembic (and the Mako and Pygments it pulls in) costs ~0.2 CPU-s of every start.
        raw = engine.raw_connection()
        try:
            if _schema_is_current(raw, engine.dialect.loaded_dbapi.Error):
                return
        finally:
            raw.close()
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                if _created_from_schema(connection.connection.driver_connection):
                    return
    migrate(engine, revision)


def _created_from_schema(raw: sqlite3.Connection) -> bool:
    from watcher.store.schema import create_from_schema

    return create_from_schema(raw, _head_revision())


def migrate(engine: Engine, revision: str = "head") -> None:
    """Run Alembic's migrations up to `revision` (scripts/build_sqlite_schema.py: on an empty database)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig
    from sqlalchemy import func, select

    config = AlembicConfig()
    config.set_main_option("script_location", str(migrations_path()))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        sqlite_connection = connection.connection.driver_connection if engine.dialect.name == "sqlite" else None
        if sqlite_connection is not None:
            # Batch migrations rebuild a table by drop and rename; with foreign keys on, the drop would
            # cascade into the tables that reference it. The pragma only changes outside a transaction.
            sqlite_connection.execute("PRAGMA foreign_keys=OFF")
            sqlite_connection.execute("PRAGMA temp_store=FILE")  # an index built on a large table sorts in files
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
                sqlite_connection.execute(f"PRAGMA temp_store={TEMP_STORE}")


_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.MULTILINE)


def _head_revision() -> str | None:
    """The one head of the migration scripts, read as text rather than through Alembic; None when unsure."""
    revisions: set[str] = set()
    parents: set[str | None] = set()
    try:
        for script in (migrations_path() / "versions").glob("*.py"):
            found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
            if not found:
                continue  # __init__.py
            revisions.add(ast.literal_eval(found["revision"].strip()))
            down = ast.literal_eval(found.get("down_revision", "None").strip())
            parents.update(down if isinstance(down, tuple | list) else [down])
    except (OSError, KeyError, ValueError, SyntaxError):
        return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _schema_is_current(connection: Any, errors: type[Exception] = sqlite3.Error) -> bool:
    """Whether the database (a DB-API connection, outside a transaction) is stamped at the migrations' head;
    `errors`: its driver's error class."""
    head = _head_revision()
    if head is None:
        return False
    cursor = connection.cursor()
    try:
        cursor.execute("SELECT version_num FROM alembic_version")
        stamped = [row[0] for row in cursor.fetchall()]
    except errors:  # no alembic_version table yet: a new database
        connection.rollback()
        return False
    finally:
        cursor.close()
    connection.rollback()  # PostgreSQL's driver began a transaction: end it
    return stamped == [head]


def schema_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def connection_of(session: Transaction) -> Connection:
    """The Core connection a store function runs on: the one given, a lean one's (made now), or the session's (in
    its transaction)."""
    if isinstance(session, LeanConnection):
        return session.sqlalchemy()
    from sqlalchemy.engine import Connection

    return session if isinstance(session, Connection) else session.connection()


def dialect_of(session: Transaction) -> Dialect | SQLiteDialectName:
    """The dialect of the session's connection: `.name` is what the store asks of it."""
    if isinstance(session, LeanConnection):
        return session.dialect
    from sqlalchemy.engine import Connection

    return session.dialect if isinstance(session, Connection) else session.get_bind().dialect


def cursor_of(session: Transaction) -> DBAPICursor:
    """A DB-API cursor of the connection's, in its transaction (the caller closes it)."""
    if isinstance(session, LeanConnection):
        return session.cursor()
    return connection_of(session).connection.cursor()


def insert_or_ignore(session: Transaction, model: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING in the session's dialect."""
    # The dialect's module imported here: PostgreSQL's costs ~0.04 CPU-s, which a SQLite start need not pay.
    if dialect_of(session).name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)
