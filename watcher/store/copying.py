"""Copying a database to another engine (`watcher db copy`: e.g. SQLite → PostgreSQL)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from watcher.store.engine import schema_revision, upgrade_schema

if TYPE_CHECKING:
    from sqlalchemy import Engine


def copy_database(source: Engine, target: Engine, progress: Any = None) -> dict[str, int]:
    """Copy every row of watcher's tables to another database (e.g. SQLite → PostgreSQL). → rows per table.

    The target is upgraded to the same schema first and must hold no watcher data yet. Rows keep
    their ids; PostgreSQL sequences are moved past them afterwards.
    """
    from sqlalchemy import func, select

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
