"""`watcher db upgrade` and `watcher db copy`: database maintenance."""

from __future__ import annotations

import sys

import click

from watcher.cli import _fail_cleanly, _State, main, pass_state
from watcher.errors import ConfigError


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command()
@pass_state
@_fail_cleanly
def upgrade(state: _State) -> None:
    """Upgrade the database schema to the latest migration (the daemon also does this at start)."""
    from watcher.store import Database, schema_revision

    config = state.config
    config.state_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    database = Database(config.database_url)
    try:
        before = schema_revision(database.engine)
        database.upgrade()
        click.echo(f"schema: {before or '(empty)'} → {schema_revision(database.engine)}")
    finally:
        database.dispose()


@db.command()
@click.argument("target_url")
@pass_state
@_fail_cleanly
def copy(state: _State, target_url: str) -> None:
    """Copy all data to another (empty) database, e.g. from SQLite to postgresql+psycopg://... ."""
    from sqlalchemy.exc import SQLAlchemyError

    from watcher.store import Database, copy_database

    source = Database(state.config.database_url)
    try:
        target = Database(target_url)
    except (SQLAlchemyError, ValueError) as exc:
        raise ConfigError(f"target_url: {exc}") from None
    try:
        copied = copy_database(source.engine, target.engine)
    except (RuntimeError, SQLAlchemyError) as exc:
        click.echo(f"watcher: copy failed, nothing committed to the target: {exc}", err=True)
        sys.exit(1)
    finally:
        source.dispose()
        target.dispose()
    click.echo("copied: " + ", ".join(f"{table} {count}" for table, count in copied.items()))
    click.echo(f"now set `database: {target_url}` in {state.config_path} and restart watcher")
