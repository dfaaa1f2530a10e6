"""A throw-away PostgreSQL database on the server at 127.0.0.1:5432, for tests that need the real engine.

Tests using `pg_url` skip, saying why, where no server answers; .ci/run starts the machine's server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from watcher.store import Database

ADMIN_URL = os.environ.get("WATCHER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _connect():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)


def _server_available() -> str | None:
    try:
        with _connect() as connection:
            connection.execute("select 1")
    except Exception as exc:  # any failure to reach it means: skip, and say why
        return f"no PostgreSQL server at {ADMIN_URL}: {type(exc).__name__}: {exc}".strip()
    return None


@pytest.fixture
def pg_url() -> Iterator[str]:
    reason = _server_available()
    if reason:
        pytest.skip(reason)
    name = f"watcher_test_{uuid.uuid4().hex[:10]}"
    with _connect() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN_URL.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0] + f"/{name}"
    finally:
        with _connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Tests that must hold on both engines take one of these (re-exported by conftest for every test module).


@pytest.fixture(params=["sqlite", "postgresql"])
def database_overrides(request: pytest.FixtureRequest) -> dict[str, str]:
    """write_config's overrides: {} for the default SQLite file in the state directory, or a fresh PostgreSQL
    database."""
    return {"database": request.getfixturevalue("pg_url")} if request.param == "postgresql" else {}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database, its schema not made yet: a SQLite file or a fresh PostgreSQL database."""
    from watcher.store import Database

    url = f"sqlite:///{tmp_path / 'test.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    db = Database(url)
    yield db
    db.dispose()


def downgrade(database: Database, revision: str) -> None:
    """Alembic's downgrade to `revision` ("base", "-1", a revision id) on the database, as an operator would run it."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    from watcher.store import migrations_path

    config = AlembicConfig()
    config.set_main_option("script_location", str(migrations_path()))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
