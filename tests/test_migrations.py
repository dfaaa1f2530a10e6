"""Alembic migrations: they build the schema the models describe, on SQLite and PostgreSQL, both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from tests.pg import downgrade
from watcher.models import Base
from watcher.store import Database, migrations_path, schema_revision, upgrade_schema

HEAD = ScriptDirectory.from_config(
    (lambda c: (c.set_main_option("script_location", str(migrations_path())), c)[1])(AlembicConfig())
).get_current_head()


def test_upgrade_builds_exactly_the_models(database: Database) -> None:
    upgrade_schema(database.engine)
    assert schema_revision(database.engine) == HEAD
    with database.engine.connect() as connection:
        # The search index (FTS5 on SQLite, a tsvector table on PostgreSQL) is made by the migration alone:
        # no model describes it (watcher/search/ writes it with the engine's own SQL).
        context = MigrationContext.configure(
            connection, opts={"include_name": lambda name, kind, _parent: not (name or "").startswith("search_")}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "models and migrations disagree: add a migration"
    assert {"feeds", "items", "entities", "matches", "deliveries", "digests"} <= set(
        inspect(database.engine).get_table_names()
    )


def test_upgrade_is_idempotent_and_downgrade_reverses(database: Database) -> None:
    upgrade_schema(database.engine)
    upgrade_schema(database.engine)  # a second start changes nothing
    downgrade(database, "base")
    assert "feeds" not in inspect(database.engine).get_table_names()
    upgrade_schema(database.engine)
    assert schema_revision(database.engine) == HEAD


def test_upgrade_keeps_delivered_matches_across_the_deliveries_migration(database: Database) -> None:
    upgrade_schema(database.engine, "0002")
    # Fixed dates are fine here: the rows only have to survive the migration; no clock reads them.
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "insert into feeds (id, url, active, next_poll_at, consecutive_failures, created_at, redirect_streak) "
                "values (1, 'u', true, '2026-01-01', 0, '2026-01-01', 0)"
            )
        )
        connection.execute(
            text(
                "insert into items (id, feed_id, identity, title, summary, content, first_seen_at) "
                "values (1, 1, 'i', 't', '', '', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "insert into entities (id, name, fingerprint, active, created_at, updated_at) "
                "values (1, 'E', 'f', true, '2026-01-01', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "insert into digests (id, status, created_at, recipients, subject, attempts) "
                "values (7, 'sent', '2026-01-01', '[]', '', 1)"
            )
        )
        connection.execute(
            text(
                "insert into matches (id, item_id, entity_id, alias, field, start_offset, end_offset, surface, "
                "snippet, "
                "highlights, hits, backfilled, suppressed, matched_at, digest_id) "
                "values (1, 1, 1, 'a', 'title', 0, 1, 't', 't', '[]', '[]', false, false, '2026-01-01', 7)"
            )
        )
    upgrade_schema(database.engine)
    with database.engine.connect() as connection:
        assert connection.execute(text("select match_id, route, digest_id from deliveries")).all() == [
            (1, "default", 7)
        ]
        assert connection.execute(text("select count(*) from matches")).scalar() == 1


@pytest.mark.clock  # the founding feed is mailed by `run --once` only while its dates are recent
def test_db_copy_moves_everything_from_sqlite_to_postgresql(tmp_path: Path, pg_url: str) -> None:
    from click.testing import CliRunner

    from tests.conftest import FeedServer, Route, founding_feed, write_config
    from watcher.cli import main

    server = FeedServer()
    server.thread.start()
    try:
        server.routes["/it.xml"] = Route(body=founding_feed())
        config = write_config(tmp_path, feeds=[{"url": server.url("/it.xml")}])
        runner = CliRunner()
        assert runner.invoke(main, ["--config", str(config), "run", "--once"]).exit_code == 0
        result = runner.invoke(main, ["--config", str(config), "db", "copy", pg_url])
        assert result.exit_code == 0, result.output
        assert "items 3" in result.output and "matches 4" in result.output and "deliveries 4" in result.output
        # Copying again into the now filled target is refused, and changes nothing.
        again = runner.invoke(main, ["--config", str(config), "db", "copy", pg_url])
        assert again.exit_code == 1 and "already holds" in again.output

        # The copy is a working database: watcher runs on it, new rows get fresh ids, nothing re-sent.
        text_config = config.read_text() + f"database: {pg_url}\n"
        config.write_text(text_config)
        assert "new items: 0" in runner.invoke(main, ["--config", str(config), "poll", "--once"]).output
        assert "nothing new" in runner.invoke(main, ["--config", str(config), "digest"]).output
        db = Database(pg_url)
        with db.session() as session:
            session.execute(
                text(
                    "insert into entities (name, fingerprint, active, created_at, updated_at) "
                    "values ('New', 'f', true, now(), now())"
                )
            )
        db.dispose()
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
