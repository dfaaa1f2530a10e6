"""A new SQLite database is made from migrations/sqlite_schema.sql, not by Alembic (watcher/store/schema.py): the
file is what the migrations make (so it cannot drift from them), a database made from it is stamped at the head and
is what the migrations would have made, Alembic is not imported for it, and Alembic takes it from there later."""

from __future__ import annotations

import importlib.util
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from tests.pg import downgrade
from watcher.clock import utcnow
from watcher.config import FeedConfig
from watcher.store import Database, schema_revision, sync_feeds, upgrade_schema
from watcher.store.engine import _head_revision, migrate
from watcher.store.schema import read_schema, schema_path

ROOT = Path(__file__).resolve().parent.parent


def _script() -> object:
    spec = importlib.util.spec_from_file_location("build_sqlite_schema", ROOT / "scripts" / "build_sqlite_schema.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shape(path: Path) -> dict[tuple[str, str], object]:
    """A SQLite database's schema, each part in an order of its own: the migrations' table rebuilds write a table's
    constraints, and make its indexes, in no set order (so the file's text differs from one run to the next)."""
    connection = sqlite3.connect(path)
    try:
        shadow = {row[1] for row in connection.execute("PRAGMA table_list") if row[2] == "shadow"}
        shape: dict[tuple[str, str], object] = {}
        for kind, name, sql in connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite%'"
        ).fetchall():
            if name in shadow:
                continue
            if kind != "table" or sql.startswith("CREATE VIRTUAL"):
                shape[kind, name] = sql
                continue
            indexes = [
                (row[2], row[3], row[4], [column[2] for column in connection.execute(f'PRAGMA index_info("{row[1]}")')])
                + ((row[1],) if row[3] == "c" else ())  # SQLite names the others in the order of the constraints
                for row in connection.execute(f'PRAGMA index_list("{name}")')
            ]
            shape[kind, name] = (
                connection.execute(f'PRAGMA table_xinfo("{name}")').fetchall(),
                sorted(row[1:] for row in connection.execute(f'PRAGMA foreign_key_list("{name}")')),
                sorted(indexes, key=repr),
            )
        shape["revision", ""] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        return shape
    finally:
        connection.close()


def _migrated(path: Path) -> Path:
    database = Database(f"sqlite:///{path}")
    migrate(database.engine)
    database.dispose()
    return path


def test_the_schema_file_is_what_the_migrations_make(tmp_path: Path) -> None:
    revision, statements = read_schema(schema_path().read_text(encoding="utf-8"))
    assert revision == _head_revision(), "run scripts/build_sqlite_schema.py"
    made = tmp_path / "from_file.db"
    connection = sqlite3.connect(made)
    for statement in statements:
        connection.execute(statement)
    connection.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    connection.commit()
    connection.close()
    migrated = _shape(_migrated(tmp_path / "migrated.db"))
    assert len(migrated) > 30
    assert _shape(made) == migrated, "run scripts/build_sqlite_schema.py"
    # The script writes such a file.
    again = read_schema(_script().migrated_schema())
    assert again[0] == revision and len(again[1]) == len(statements)


def test_a_new_database_is_made_from_the_file_and_alembic_takes_it_on(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    database = Database(f"sqlite:///{path}")
    upgrade_schema(database.engine)
    assert schema_revision(database.engine) == _head_revision()
    assert _shape(path) == _shape(_migrated(tmp_path / "migrated.db"))
    with database.engine.begin() as connection:  # the search index's virtual table and trigger work
        connection.execute(text("INSERT INTO search_fts (rowid, body) VALUES (7, 'samsung galaxy')"))
        assert connection.execute(text("SELECT rowid FROM search_fts WHERE search_fts MATCH 'galaxy'")).all() == [(7,)]
    with database.session() as session:
        sync_feeds(session, [FeedConfig(url="https://a.example/f")], utcnow())
    upgrade_schema(database.engine)  # a second start changes nothing
    # Later: Alembic moves it down a revision and up again, the rows kept, the schema as the file has it.
    downgrade(database, "-1")
    assert schema_revision(database.engine) != _head_revision()
    upgrade_schema(database.engine)
    assert schema_revision(database.engine) == _head_revision()
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT url FROM feeds")).scalars().all() == ["https://a.example/f"]
    database.dispose()
    assert _shape(path) == _shape(tmp_path / "migrated.db")


def test_a_new_database_is_made_without_importing_alembic(tmp_path: Path) -> None:
    code = (
        "import sys; from watcher.store import Database; "
        f"db = Database('sqlite:///{tmp_path / 'quick.db'}'); db.upgrade(); db.upgrade(); "
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('alembic', 'mako')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]"
    assert _shape(tmp_path / "quick.db") == _shape(_migrated(tmp_path / "migrated.db"))


def test_a_database_holding_anything_is_left_to_alembic(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).execute("CREATE TABLE unrelated (x INTEGER)").connection.close()
    database = Database(f"sqlite:///{path}")
    upgrade_schema(database.engine)  # Alembic's migrations beside the table found there
    database.dispose()
    shape = _shape(path)
    assert shape.pop(("table", "unrelated")) is not None
    assert shape == _shape(_migrated(tmp_path / "migrated.db"))
