"""A new SQLite database made from migrations/sqlite_schema.sql: the schema Alembic's migrations make, dumped
(scripts/build_sqlite_schema.py), then stamped at the head revision, without importing Alembic (and the Mako and
Pygments it pulls in: ~0.2 CPU-s) or running nine migrations' table rebuilds. Alembic is for a database that is
behind (watcher.store.engine.upgrade_schema); tests/test_sqlite_schema.py holds the file equal to what the
migrations make, so the two cannot drift.
"""

from __future__ import annotations

import re
import sqlite3
from importlib import resources
from pathlib import Path

SCHEMA_FILE = "sqlite_schema.sql"
_KINDS = ("table", "index", "view", "trigger")  # the order they are made in: each needs a table
_REVISION = re.compile(r"^-- revision: (\S+)$", re.MULTILINE)
_HEADER = """\
-- The schema of a new SQLite database as watcher's Alembic migrations make it, at the revision below: a new database
-- is made from this file (watcher/store/schema.py). Made by scripts/build_sqlite_schema.py; run it after adding or
-- changing a migration (tests/test_sqlite_schema.py fails until then).
-- revision: {revision}
"""


def schema_path() -> Path:
    return Path(str(resources.files("watcher.migrations"))) / SCHEMA_FILE


def dump_schema(connection: sqlite3.Connection, revision: str) -> str:
    """The schema of a SQLite database as the file holds it: the tables, then the indexes, views and triggers on
    them, each kind by name (the migrations' table rebuilds make indexes in no set order); a virtual table's shadow
    tables, which it makes itself, and SQLite's own tables left out."""
    shadow = {row[1] for row in connection.execute("PRAGMA table_list") if row[2] == "shadow"}
    rows = connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite%'"
    ).fetchall()
    statements = [
        _foreign_keys_sorted(sql)
        for kind, name, sql in sorted(rows, key=lambda row: (_KINDS.index(row[0]), row[1]))
        if name not in shadow
    ]
    return _HEADER.format(revision=revision) + "".join(f"{sql};\n" for sql in statements)


def _foreign_keys_sorted(sql: str) -> str:
    """A CREATE TABLE with its FOREIGN KEY clauses in one order: Alembic's table rebuilds list them in no set order,
    and the file should change only when the schema does."""
    lines = sql.split("\n")
    block = [index for index, line in enumerate(lines) if line.lstrip().startswith("FOREIGN KEY")]
    if len(block) < 2 or block != list(range(block[0], block[0] + len(block))):
        return sql
    last_has_comma = lines[block[-1]].rstrip().endswith(",")
    clauses = sorted(lines[index].rstrip().removesuffix(",").rstrip() for index in block)
    for position, (index, clause) in enumerate(zip(block, clauses, strict=True)):
        lines[index] = clause + (", " if position < len(block) - 1 or last_has_comma else "")
    return "\n".join(lines)


def read_schema(text: str) -> tuple[str | None, list[str]]:
    """(revision, statements) of a schema file's text."""
    found = _REVISION.search(text)
    statements: list[str] = []
    pending = ""
    for line in text.splitlines(keepends=True):
        if not pending and line.startswith("--"):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip().removesuffix(";"))
            pending = ""
    return (found.group(1) if found else None), statements


def create_from_schema(raw: sqlite3.Connection, head: str | None) -> bool:
    """Make a new (empty) SQLite database from the schema file when it is at `head`, the migrations' head, and stamp
    it so, on `raw`, a connection outside any transaction. False, with nothing done, when the database holds
    anything or the file is missing or of another revision: Alembic decides then."""
    if head is None:
        return False
    try:
        revision, statements = read_schema(schema_path().read_text(encoding="utf-8"))
    except OSError:
        return False
    if revision != head or not statements:
        return False
    raw.execute("BEGIN IMMEDIATE")  # another process making the same new database waits, then finds it made
    try:
        if raw.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None:
            raw.execute("ROLLBACK")
            return False
        for statement in statements:
            raw.execute(statement)
        raw.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (revision,))
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    return True
