"""The hot inserts of polling (a feed's items, their matches) on the DB-API cursor of the session's connection, in
its transaction, one statement per chunk of rows whatever the number of rows: no per-row statement or parameter
processing by SQLAlchemy (~15 µs a row), nor per-row statements in the driver.

SQLite: multi-row INSERT … VALUES (…), (…) … (chunks of 500 rows, under SQLite's bound-parameter limit); PostgreSQL:
INSERT … SELECT … FROM unnest(%s::int[], %s::text[], …), one array a column, bound once per chunk, so the server
plans and the driver adapts one statement a chunk. Both ON CONFLICT DO NOTHING: a row a racing instance stored is
skipped (the unique constraints decide), and what is counted or returned is what was inserted.

Values go in as SQLAlchemy would bind them (tests/test_store_bulk.py holds the rows equal to an ORM insert's): times
as aware UTC on PostgreSQL and as SQLAlchemy's SQLite text ("2025-06-01 12:00:00.000000", UTC), the JSON columns
as JSON text, booleans as such on PostgreSQL and as 0/1 on SQLite (what SQLAlchemy stores; an int binds without
sqlite3's adaptation of a bool).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy.orm import Session

# Column order of the tuples store_items builds (the items' and matches' own columns; the others keep their
# defaults: NULL).
ITEM_COLUMNS = (
    "feed_id",
    "identity",
    "dedup_key",
    "guid",
    "link",
    "title",
    "summary",
    "content",
    "language",
    "author",
    "published_at",
    "first_seen_at",
    "url_key",
    "title_key",
    "publisher",
    "fulltext_status",
)
MATCH_COLUMNS = (
    "item_id",
    "entity_id",
    "alias",
    "field",
    "start_offset",
    "end_offset",
    "surface",
    "snippet",
    "highlights",
    "hits",
    "backfilled",
    "suppressed",
    "matched_at",
)
# PostgreSQL's array type of each column, for unnest (text for the varchar columns: the insert's assignment cast
# checks their lengths as before).
_ITEM_ARRAYS = ("int", "text", "text", "text", "text", "text", "text", "text", "text", "text",
                "timestamptz", "timestamptz", "bigint", "bigint", "text", "text")  # fmt: skip
_MATCH_ARRAYS = ("int", "int", "text", "text", "int", "int", "text", "text", "json", "json", "bool", "bool",
                 "timestamptz")  # fmt: skip
ROWS_PER_STATEMENT = 500  # rows per statement: 8,000 parameters on SQLite, under its limit (32,766) and 999 × 13


class Bulk:
    """The dialect's bulk inserts and value encodings; one per dialect for the life of the process (BULK)."""

    sqlite = False
    mark = "%s"
    true: Any = True
    false: Any = False

    @staticmethod
    def stamp(value: datetime | None) -> Any:
        return None if value is None else _utc(value)

    @cache  # noqa: B019 -- one Bulk per dialect, for the life of the process
    def query(self, template: str, values: int) -> str:
        """`template` (placeholders "?") with `values` placeholders in its IN list, in this dialect's style."""
        sql = template.format(values=", ".join("?" * values))
        return sql if self.sqlite else sql.replace("?", "%s")

    def insert_items(self, session: Session, rows: list[tuple[Any, ...]]) -> dict[str, int]:
        """Rows of ITEM_COLUMNS. → {identity: id} of the rows inserted (a conflicting row is skipped and absent)."""
        inserted: dict[str, int] = {}
        cursor = session.connection().connection.cursor()
        try:
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                chunk = rows[start : start + ROWS_PER_STATEMENT]
                cursor.execute(self._items_sql(len(chunk)), self._parameters(chunk))
                inserted.update((identity, item_id) for item_id, identity in cursor.fetchall())
        finally:
            cursor.close()
        return inserted

    def insert_matches(self, session: Session, rows: list[tuple[Any, ...]]) -> int:
        """Rows of MATCH_COLUMNS; a match already stored for its item and entity is skipped. → how many were added."""
        if not rows:
            return 0
        added = 0
        cursor = session.connection().connection.cursor()
        try:
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                chunk = rows[start : start + ROWS_PER_STATEMENT]
                cursor.execute(self._matches_sql(len(chunk)), self._parameters(chunk))
                added += cursor.rowcount
        finally:
            cursor.close()
        return added

    def _items_sql(self, rows: int) -> str:
        raise NotImplementedError

    def _matches_sql(self, rows: int) -> str:
        raise NotImplementedError

    def _parameters(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        raise NotImplementedError


class SQLiteBulk(Bulk):
    """Multi-row INSERT … VALUES, the rows' values in one flat list."""

    sqlite = True
    mark = "?"
    true, false = 1, 0

    @staticmethod
    def stamp(value: datetime | None) -> Any:
        return _sqlite_stamp(value)

    @cache  # noqa: B019
    def _items_sql(self, rows: int) -> str:
        return f"{_values_insert('items', ITEM_COLUMNS, rows)} ON CONFLICT DO NOTHING RETURNING id, identity"

    @cache  # noqa: B019
    def _matches_sql(self, rows: int) -> str:
        return f"{_values_insert('matches', MATCH_COLUMNS, rows)} ON CONFLICT (item_id, entity_id) DO NOTHING"

    def _parameters(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        return list(chain.from_iterable(rows))


class PostgreSQLBulk(Bulk):
    """INSERT … SELECT … FROM unnest(arrays): one array a column, whatever the number of rows."""

    @cache  # noqa: B019
    def _items_sql(self, rows: int) -> str:
        return f"{_unnest_insert('items', ITEM_COLUMNS, _ITEM_ARRAYS)} ON CONFLICT DO NOTHING RETURNING id, identity"

    @cache  # noqa: B019
    def _matches_sql(self, rows: int) -> str:
        return f"{_unnest_insert('matches', MATCH_COLUMNS, _MATCH_ARRAYS)} ON CONFLICT (item_id, entity_id) DO NOTHING"

    def _parameters(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        return [list(column) for column in zip(*rows, strict=True)]


def _values_insert(table: str, columns: tuple[str, ...], rows: int) -> str:
    row = "(" + ", ".join("?" * len(columns)) + ")"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * rows)}"


def _unnest_insert(table: str, columns: tuple[str, ...], arrays: tuple[str, ...]) -> str:
    unnest = ", ".join(f"%b::{kind}[]" for kind in arrays)
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({unnest})"


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the database; watcher stores aware UTC times only")
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def _sqlite_stamp(value: datetime | None) -> str | None:
    """A time as SQLAlchemy's DateTime stores it in SQLite (UTCDateTime: naive UTC)."""
    if value is None:
        return None
    value = _utc(value)
    return "%04d-%02d-%02d %02d:%02d:%02d.%06d" % (  # noqa: UP031 -- SQLAlchemy's own format, ~3× f-string's speed
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


BULK: dict[str, Bulk] = {"sqlite": SQLiteBulk(), "postgresql": PostgreSQLBulk()}


def bulk_for(session: Session) -> Bulk:
    return BULK[session.get_bind().dialect.name]
