"""`watcher check-config`: validate the config file exactly as `run` would."""

from __future__ import annotations

import click

from watcher.cli import _count, _fail_cleanly, _State, main, pass_state


@main.command("check-config")
@pass_state
@_fail_cleanly
def check_config(state: _State) -> None:
    """Validate the config file exactly as `run` would, and summarise it."""
    from watcher.app import make_mailer
    from watcher.match import Matcher

    config = state.config
    Matcher.build(config.entities)
    mailer = make_mailer(config)
    aliases = sum(len(entity.aliases) for entity in config.entities)
    click.echo(f"{state.config_path}: ok")
    click.echo(f"  feeds: {len(config.feeds)}; entities: {len(config.entities)} ({_count(aliases, 'alias')})")
    click.echo(f"  database: {config.database_url}")
    click.echo(f"  digest: daily at {config.digest.time:%H:%M} {config.digest.timezone} via {mailer.description}")
