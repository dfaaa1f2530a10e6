"""The hot inserts of polling (a feed's items, their matches) on the DB-API cursor of the session's connection, in
its transaction, one statement per chunk of rows whatever the number of rows: no per-row statement or parameter
processing by SQLAlchemy (~15 µs a row), nor per-row statements in the driver.

SQLite: multi-row INSERT … VALUES (…), (…) … (chunks of 500 rows, under SQLite's bound-parameter limit); PostgreSQL:
INSERT … SELECT … FROM json_array_elements(%s::json), the chunk's rows one JSON text made in C (PostgreSQLBulk).
Both ON CONFLICT DO NOTHING: a row a racing instance stored is skipped (the unique constraints decide), and what is
counted or returned is what was inserted.

Values go in as SQLAlchemy would bind them (tests/test_store_bulk.py holds the rows equal to an ORM insert's): times
as aware UTC on PostgreSQL and as SQLAlchemy's SQLite text ("2025-06-01 12:00:00.000000", UTC), the JSON columns
as JSON text, booleans as such on PostgreSQL and as 0/1 on SQLite (what SQLAlchemy stores; an int binds without
sqlite3's adaptation of a bool).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from itertools import chain
from typing import TYPE_CHECKING, Any

from watcher.store.engine import cursor_of, dialect_of

if TYPE_CHECKING:
    from watcher.store.engine import Transaction


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
# PostgreSQL's type of each column as read from the JSON text (None: text as it is; the varchar columns' lengths are
# checked by the insert's assignment cast as before; the JSON columns' text is parsed as JSON).
_ITEM_TYPES = ("int", None, None, None, None, None, None, None, None, None,
               "timestamptz", "timestamptz", "bigint", "bigint", None, None)  # fmt: skip
_MATCH_TYPES = ("int", "int", None, None, "int", "int", None, None, "json", "json", "bool", "bool",
                "timestamptz")  # fmt: skip
ROWS_PER_STATEMENT = 500  # rows per statement: 8,000 parameters on SQLite, under its limit (32,766) and 999 × 13


class Bulk:
    """The dialect's bulk inserts and value encodings; one per dialect for the life of the process (BULK)."""

    sqlite = False
    mark = "%s"
    true: Any = True
    false: Any = False
    false_sql = "false"  # the literal, where a parameter cannot go (IS false)
    json_mark = "?::json"  # a JSON column's value, given as JSON text (json_text)

    @staticmethod
    def stamp(value: datetime | None) -> Any:
        return None if value is None else _utc(value)

    @cache  # noqa: B019 -- one Bulk per dialect, for the life of the process
    def query(self, template: str, values: int, cast: str = "") -> str:
        """`template` (placeholders "?") with its IN list ({values}) for `values` values, in this dialect's style; its
        parameters: in_list's in the IN list's place. PostgreSQL: the values one JSON array (psycopg parses a
        statement of over 50 parameters again at every call, with a regex: ~0.3 ms a feed's new_entries), each
        value text unless `cast` ("bigint": ids) says."""
        element = f"json_array_elements_text(?::json)::{cast}" if cast else "json_array_elements_text(?::json)"
        return template.format(values=f"SELECT {element}").replace("?", "%s")

    def in_list(self, values: list[Any]) -> list[Any]:
        """The parameters of an IN list of `values` (query)."""
        return [_json_rows(values)]

    @cache  # noqa: B019
    def sql(self, statement: str) -> str:
        """A statement written with "?" placeholders, in this dialect's style (no literal "%" in it)."""
        return statement.replace("?", "%s")

    def insert_items(self, session: Transaction, rows: list[tuple[Any, ...]]) -> dict[str, int]:
        """Rows of ITEM_COLUMNS. → {identity: id} of the rows inserted (a conflicting row is skipped and absent)."""
        inserted: dict[str, int] = {}
        cursor = cursor_of(session)
        try:
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                chunk = rows[start : start + ROWS_PER_STATEMENT]
                cursor.execute(self._items_sql(len(chunk)), self._parameters(chunk))
                inserted.update((identity, item_id) for item_id, identity in cursor.fetchall())
        finally:
            cursor.close()
        return inserted

    def insert_matches(self, session: Transaction, rows: list[tuple[Any, ...]]) -> int:
        """Rows of MATCH_COLUMNS; a match already stored for its item and entity is skipped. → how many were added."""
        if not rows:
            return 0
        added = 0
        cursor = cursor_of(session)
        try:
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                chunk = rows[start : start + ROWS_PER_STATEMENT]
                cursor.execute(self._matches_sql(len(chunk)), self._parameters(chunk))
                added += cursor.rowcount
        finally:
            cursor.close()
        return added

    @cache  # noqa: B019
    def _items_sql(self, rows: int) -> str:
        return f"{self._insert('items', ITEM_COLUMNS, _ITEM_TYPES, rows)} ON CONFLICT DO NOTHING RETURNING id, identity"

    @cache  # noqa: B019
    def _matches_sql(self, rows: int) -> str:
        insert = self._insert("matches", MATCH_COLUMNS, _MATCH_TYPES, rows)
        return f"{insert} ON CONFLICT (item_id, entity_id) DO NOTHING"

    def _insert(self, table: str, columns: tuple[str, ...], types: tuple[str | None, ...], rows: int) -> str:
        """INSERT INTO `table` of `rows` rows (the parameters' place and shape: _parameters)."""
        raise NotImplementedError

    def _parameters(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        raise NotImplementedError


class SQLiteBulk(Bulk):
    """Multi-row INSERT … VALUES, the rows' values in one flat list."""

    sqlite = True
    mark = "?"
    true, false = 1, 0
    false_sql = "0"
    json_mark = "?"

    @staticmethod
    def stamp(value: datetime | None) -> Any:
        return _sqlite_stamp(value)

    @cache  # noqa: B019
    def query(self, template: str, values: int, cast: str = "") -> str:
        return template.format(values=", ".join("?" * values))

    def in_list(self, values: list[Any]) -> list[Any]:
        return values

    def sql(self, statement: str) -> str:
        return statement

    def _insert(self, table: str, columns: tuple[str, ...], types: tuple[str | None, ...], rows: int) -> str:
        row = "(" + ", ".join("?" * len(columns)) + ")"
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * rows)}"

    def _parameters(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        return list(chain.from_iterable(rows))


class PostgreSQLBulk(Bulk):
    """INSERT … SELECT … FROM json_array_elements(%s): a chunk's rows as one JSON array of arrays, made by the json
    module's C encoder in one call. (unnest(%b::int[], %b::text[], …) took twice the CPU: psycopg adapts an array's
    elements one by one in Python; an executemany, a statement's parameters for each row.)"""

    def _insert(self, table: str, columns: tuple[str, ...], types: tuple[str | None, ...], rows: int) -> str:
        values = ", ".join(f"(r->>{index})::{kind}" if kind else f"r->>{index}" for index, kind in enumerate(types))
        return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM json_array_elements(%s::json) AS r"

    def _parameters(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        return [_json_rows(rows)]


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()  # aware UTC (Bulk.stamp): exact to the microsecond
    raise TypeError(f"{type(value).__name__} is not a column value")


# Compact, UTF-8 as it is (the server's JSON parser reads it), the C encoder: no Python call per value but a time's.
_json_rows = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False, default=_iso).encode


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


def bulk_for(session: Transaction) -> Bulk:
    return BULK[dialect_of(session).name]


def execute(session: Transaction, sql: str, parameters: Sequence[Any] = ()) -> int:
    """Run a statement written with "?" placeholders on the session's DB-API cursor, in the dialect's style. → the
    rows it changed."""
    cursor = cursor_of(session)
    try:
        cursor.execute(bulk_for(session).sql(sql), parameters)
        return cursor.rowcount
    finally:
        cursor.close()


def fetch(session: Transaction, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
    """The rows (tuples) of a query written with "?" placeholders (execute), or of a statement's RETURNING."""
    cursor = cursor_of(session)
    try:
        cursor.execute(bulk_for(session).sql(sql), parameters)
        return cursor.fetchall()
    finally:
        cursor.close()


def read_time(value: Any) -> datetime | None:
    """A time as the DB-API driver returns it (SQLite: SQLAlchemy's naive UTC text; PostgreSQL: aware), aware UTC
    as tables.UTCDateTime reads it."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_text(value: Any) -> str:
    """A JSON column's value as SQLAlchemy's JSON type writes it (json.dumps' defaults)."""
    return json.dumps(value)


def read_json(value: Any) -> Any:
    """A JSON column's value as the driver returns it (SQLite: text; psycopg: parsed already)."""
    return json.loads(value) if isinstance(value, str | bytes) else value
