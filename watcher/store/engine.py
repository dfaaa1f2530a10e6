"""Engine, transactions (Core connections, and ORM sessions for the readers of the mapped classes), schema
upgrades (Alembic) and copying a database to another engine.

Works on SQLite (the embedded default: WAL, busy timeout, foreign keys, files private to the service
user) and PostgreSQL (postgresql+psycopg://). Write transactions are short and never span network I/O.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from typing import TypeAlias

    from sqlalchemy.engine.interfaces import DBAPICursor
    from sqlalchemy.orm import Session, sessionmaker

    # What the store's functions run on: a Core connection in its transaction (the polling path), or a session.
    Transaction: TypeAlias = Session | Connection

ADVISORY_LOCK = 0x7761746368  # "watch": serialises schema upgrades and config syncs across instances
TEMP_STORE = "MEMORY"  # SQLite's temporary storage on watcher's connections (_sqlite_pragmas)
CACHE_KIB = 8000  # SQLite's page cache a connection (_sqlite_pragmas); a large pass's writer raises its own for a time


class Database:
    """One engine; ``with db.transaction() as c:`` is one transaction on a Core connection, ``with db.session() as
    s:`` one in an ORM session. The store's functions take either (watcher/store/: Core statements on the tables);
    the polling path opens transactions only, so a `watcher poll` never imports the ORM (sqlalchemy.orm and the
    mapped classes of watcher.models: ~0.1 CPU-s of its start)."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        if self.url.get_backend_name() == "sqlite":
            _prepare_sqlite_file(self.url.database)
            self.engine = create_engine(self.url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            from watcher.tables import postgresql_options

            postgresql_options()
            self.engine = create_engine(self.url, pool_pre_ping=True)
        self._sessions: sessionmaker[Session] | None = None  # made when a session is first asked for

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def session(self) -> Iterator[Session]:
        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def exclusive_transaction(self) -> Iterator[Connection]:
        """A transaction no other instance runs at the same time (config sync at start and on reload)."""
        with self.transaction() as connection:
            if self.dialect == "postgresql":
                connection.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK)))
            yield connection

    def upgrade(self) -> None:
        upgrade_schema(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    def release_memory(self) -> None:
        """SQLite: close the idle pooled connections, and with them their page caches (up to 8 MB each, filled by
        a pass's writes and the stories' query that scans the matches), for a one-pass process about to load
        what needs no database (the encoder). The next session opens a connection again (~1 ms). PostgreSQL's
        pages are the server's: its connections stay."""
        # An in-memory database lives only in its connection: closing it would lose the data.
        if self.dialect == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
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
    # Checkpoint the WAL every ~40 MB rather than SQLite's 4 MB: a pass's inserts dirty the same pages of the
    # random-key indexes (url_key, title_key) commit after commit, and each checkpoint copied them back again
    # (a pread and a pwrite a page: ~0.5 of the ~3 s of system CPU of an all-new 1,000-feed pass).
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
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


def set_page_cache(connection: Connection, kib: int) -> bool:
    """SQLite: this connection's page cache, in KiB (shrunk, it frees the pages beyond it). PostgreSQL's pages are
    the server's: nothing to do (→ False)."""
    if connection.dialect.name != "sqlite":
        return False
    connection.exec_driver_sql(f"PRAGMA cache_size=-{int(kib)}")
    return True


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE: take the write lock up front. A deferred transaction that reads and then writes fails
    # at once with SQLITE_BUSY_SNAPSHOT in WAL mode if another connection wrote meanwhile (the busy
    # timeout does not apply to that case); waiting for the lock instead is what we want.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrations_path() -> Path:
    return Path(str(resources.files("watcher.migrations")))


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; run at daemon start and by `watcher db upgrade`. A new SQLite database is
    made from the dumped schema (watcher/store/schema.py); Alembic runs only for a database that is behind."""
    if revision == "head":
        # Importing Alembic (and the Mako and Pygments it pulls in) costs ~0.2 CPU-s of every start.
        if _schema_is_current(engine):
            return
        if engine.dialect.name == "sqlite":
            from watcher.store.schema import create_from_schema

            if create_from_schema(engine, _head_revision()):
                return
    migrate(engine, revision)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Run Alembic's migrations up to `revision` (scripts/build_sqlite_schema.py: on an empty database)."""
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


def _schema_is_current(engine: Engine) -> bool:
    head = _head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            stamped = [row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")]
    except DBAPIError:  # no alembic_version table yet: a new database
        return False
    return stamped == [head]


def copy_database(source: Engine, target: Engine, progress: Any = None) -> dict[str, int]:
    """Copy every row of watcher's tables to another database (e.g. SQLite → PostgreSQL). → rows per table.

    The target is upgraded to the same schema first and must hold no watcher data yet. Rows keep
    their ids; PostgreSQL sequences are moved past them afterwards.
    """
    from watcher.tables import metadata

    upgrade_schema(target)
    if schema_revision(source) != schema_revision(target):
        raise RuntimeError("upgrade the source database first: `watcher db upgrade`")
    copied: dict[str, int] = {}
    with source.connect() as reading, target.begin() as writing:
        for table in metadata.sorted_tables:
            if writing.execute(select(func.count()).select_from(table)).scalar():
                raise RuntimeError(f"the target database already holds {table.name}: copy into an empty one")
        for table in metadata.sorted_tables:
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


def connection_of(session: Transaction) -> Connection:
    """The Core connection a store function runs on: the one given, or the session's (in its transaction)."""
    return session if isinstance(session, Connection) else session.connection()


def dialect_of(session: Transaction) -> Dialect:
    return session.dialect if isinstance(session, Connection) else session.get_bind().dialect


def cursor_of(session: Transaction) -> DBAPICursor:
    """A DB-API cursor of the connection's, in its transaction (the caller closes it)."""
    return connection_of(session).connection.cursor()


def insert_or_ignore(session: Transaction, model: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING in the session's dialect."""
    # The dialect's module imported here: PostgreSQL's costs ~0.04 CPU-s, which a SQLite start need not pay.
    if dialect_of(session).name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)
