#!/usr/bin/env python3
"""Write migrations/sqlite_schema.sql: Alembic's migrations run on an empty SQLite file, its schema dumped.

A new SQLite database is made from that file (watcher/store/schema.py), not by the migrations: run this after adding
or changing a migration. tests/test_sqlite_schema.py fails while the file is not what the migrations make.
Run from the repository root:  .venv/bin/python scripts/build_sqlite_schema.py
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from watcher.store import Database  # noqa: E402
from watcher.store.engine import migrate, schema_revision  # noqa: E402
from watcher.store.schema import SCHEMA_FILE, dump_schema  # noqa: E402


def migrated_schema() -> str:
    """The schema the migrations make on an empty SQLite database, as the file holds it."""
    with tempfile.TemporaryDirectory(prefix="watcher-schema-") as work:
        path = Path(work) / "migrated.db"
        database = Database(f"sqlite:///{path}")
        try:
            migrate(database.engine)
            revision = schema_revision(database.engine)
        finally:
            database.dispose()
        if revision is None:
            raise RuntimeError("the migrations left no revision")
        connection = sqlite3.connect(path)
        try:
            return dump_schema(connection, revision)
        finally:
            connection.close()


def main() -> int:
    target = ROOT / "migrations" / SCHEMA_FILE
    text = migrated_schema()
    target.write_text(text, encoding="utf-8")
    print(f"{target.relative_to(ROOT)}: {text.count(';' + chr(10))} statements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
