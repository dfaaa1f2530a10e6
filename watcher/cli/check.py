"""`watcher check-config`: validate the config file exactly as `run` would."""

from __future__ import annotations

import click

from watcher.cli import _count, _fail_cleanly, _State, main, pass_state
from watcher.config import Config


@main.command("check-config")
@pass_state
@_fail_cleanly
def check_config(state: _State) -> None:
    """Validate the config file exactly as `run` would, and summarise it."""
    from watcher.app import make_mailer
    from watcher.health import configured_watchdog_seconds, watchdog_problems
    from watcher.match.matcher import Matcher
    from watcher.web.auth import access_policy

    config = state.config
    Matcher.build(config.entities)
    mailer = make_mailer(config)
    policy = access_policy(config)  # a page open to the network without a login is refused, as `run` refuses it
    aliases = sum(len(entity.aliases) for entity in config.entities)
    click.echo(f"{state.config_path}: ok")
    click.echo(f"  feeds: {len(config.feeds)}; entities: {len(config.entities)} ({_count(aliases, 'alias')})")
    click.echo(f"  database: {config.database_url}")
    click.echo(f"  digest: daily at {config.digest.time:%H:%M} {config.digest.timezone} via {mailer.description}")
    if config.http.listen:
        access = {"open": "open to this machine", "password": "password login", "proxy": "reverse proxy's user header"}
        click.echo(f"  web page: http://{config.http.listen}/ ({access[policy.kind]})")
    if config.alerts.rules:
        click.echo(f"  alerts: {_count(len(config.alerts.rules), 'rule')}")
    if config.search.markets:
        from watcher.coverage.generated import generated_feeds

        searches = generated_feeds(config).searches
        engines = ", ".join(engine.name for engine in config.search.engines)
        entities = len({search.entity for search in searches})
        click.echo(
            f"  search: {_count(len(searches), 'feed')} ({_count(entities, 'entity', 'entities')} × "
            f"{_count(len(config.search.markets), 'market')}; {engines})"
        )
    for problem in watchdog_problems(config, configured_watchdog_seconds()):  # the daemon logs the same at start
        click.echo(f"  warning: {problem}")
    click.echo(f"  {_alias_summary(config)}")


def _alias_summary(config: Config) -> str:
    """The alias linter's quick pass: only the common words (zipf 3 and up: once per million words).

    About 0.9 s of CPU for the shipped config (`watcher entities lint` reads the lists down to zipf 2: ~1.8 s).
    """
    from watcher.aliaslint import lint_entities, summary
    from watcher.vocabulary import WordfreqVocabulary

    try:
        return summary(lint_entities(config.entities, WordfreqVocabulary(floor=3.0)))
    except ImportError as exc:  # the daemon runs without wordfreq; only the linter needs it
        return f"aliases: not checked ({exc.name} is not installed)"
