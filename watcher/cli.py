"""The `watcher` command. Exit status: 0 done, 1 failed at run time, 2 bad config or usage."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from watcher import __version__
from watcher.config import CONFIG_ENV, DEFAULT_CONFIG_NAME, Config, load_config
from watcher.errors import ConfigError, WatcherError
from watcher.logs import setup_logging

F = TypeVar("F", bound=Callable[..., Any])


def _fail_cleanly(function: F) -> F:
    """Config problems exit 2 and other watcher errors exit 1, with one clear message and no traceback."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ConfigError as exc:
            click.echo(f"watcher: configuration error:\n{exc}", err=True)
            sys.exit(2)
        except WatcherError as exc:
            click.echo(f"watcher: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


class _State:
    def __init__(self, config_path: Path, log_level: str | None) -> None:
        self.config_path = config_path
        self.log_level = log_level  # from the command line; wins over the config's log_level
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
            if self.log_level is None:
                logging.getLogger("watcher").setLevel(self._config.log_level.upper())
        return self._config


pass_state = click.make_pass_decorator(_State)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    envvar=CONFIG_ENV,
    default=DEFAULT_CONFIG_NAME,
    show_default=True,
    help=f"Config file (or set ${CONFIG_ENV}).",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default=None,
    help="Override log_level from the config.",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="key=value lines (journald-friendly) or JSON lines for log shippers.",
)
@click.version_option(__version__, prog_name="watcher")
@click.pass_context
def main(ctx: click.Context, config_path: Path, log_level: str | None, log_format: str) -> None:
    """watcher: poll news feeds, recognise tracked entities in any language, mail a daily digest."""
    setup_logging(log_level or "info", log_format)
    ctx.obj = _State(config_path, log_level)


@main.command()
@click.option("--once", is_flag=True, help="Poll every feed once, send the digest now, and exit.")
@pass_state
@_fail_cleanly
def run(state: _State, once: bool) -> None:
    """Run the daemon: poll feeds when due, send the digest daily, reload config.yaml on change."""
    from watcher.daemon import run_daemon, run_once

    config = state.config
    if once:
        summary, outcome = asyncio.run(run_once(config))
        _print_poll_summary(summary)
        _print_digest_outcomes(outcome)
        return
    sys.exit(run_daemon(state.config_path))


@main.command()
@click.option("--once", is_flag=True, help="Poll every active feed now, whether due or not.")
@pass_state
@_fail_cleanly
def poll(state: _State, once: bool) -> None:
    """Poll feeds one pass (the due ones, or all with --once) and print a summary."""
    from watcher.app import Watcher

    config = state.config

    async def one_pass() -> Any:
        watcher = await asyncio.to_thread(Watcher.open, config)
        try:
            return await watcher.poll(everything=once)
        finally:
            await watcher.aclose()

    _print_poll_summary(asyncio.run(one_pass()))


def _print_poll_summary(summary: Any) -> None:
    click.echo(
        f"feeds: {summary.feeds_ok + summary.feeds_unchanged} ok ({summary.feeds_unchanged} unchanged), "
        f"{summary.feeds_failed} failed; new items: {summary.new_items}; new matches: {summary.new_matches}"
    )
    for url, error in summary.errors:
        click.echo(f"  failed: {url}: {error}")


@main.command()
@click.option("--dry-run", is_flag=True, help="Print the digest that would be sent; mark nothing delivered.")
@click.option(
    "--preview",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the HTML of the digest that would be sent now to this file (implies --dry-run).",
)
@click.option("--route", "route_name", help="With --dry-run/--preview: which route's digest (default: the first).")
@pass_state
@_fail_cleanly
def digest(state: _State, dry_run: bool, preview: Path | None, route_name: str | None) -> None:
    """Send each route's digest of what it has not had yet (SMTP, or the outbox without smtp.host)."""
    from watcher.app import Watcher
    from watcher.deliver import preview_digest

    config = state.config
    routes = {route.name: route for route in config.routes()}
    if route_name is not None and route_name not in routes:
        raise ConfigError(f"no route {route_name!r} in digest.routes (routes: {', '.join(routes)})")
    watcher = Watcher.open(config)
    try:
        if dry_run or preview:
            route = routes[route_name] if route_name else None
            rendered = preview_digest(watcher.db, config, datetime.now(UTC), route)
            if rendered is None:
                click.echo("nothing new: no undelivered matches")
                return
            if preview:
                preview.write_text(rendered.html, encoding="utf-8")
                click.echo(f"wrote {preview} ({rendered.subject})")
            else:
                click.echo(f"Subject: {rendered.subject}\n")
                click.echo(rendered.text)
            return
        outcomes = watcher.digest()
    finally:
        watcher.close()
    _print_digest_outcomes(outcomes)
    if any(outcome.status in ("failed", "pending") for outcome in outcomes):
        sys.exit(1)


def _print_digest_outcomes(outcomes: list[Any]) -> None:
    several = len({outcome.route for outcome in outcomes}) > 1
    for outcome in outcomes:
        label = f"digest ({outcome.route})" if several else "digest"
        if outcome.status == "sent":
            click.echo(f"{label} sent: {outcome.match_count} matches → {outcome.where}")
        elif outcome.status == "pending":
            click.echo(f"{label} not sent, will retry: {outcome.error}", err=True)
        elif outcome.status == "failed":
            click.echo(f"{label} refused, matches kept for the next one: {outcome.error}", err=True)
        else:
            click.echo(f"{label}: nothing new, none sent")


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
    click.echo(f"  feeds: {len(config.feeds)}; entities: {len(config.entities)} ({aliases} aliases)")
    click.echo(f"  database: {config.database_url}")
    click.echo(f"  digest: daily at {config.digest.time:%H:%M} {config.digest.timezone} via {mailer.description}")


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


@main.command()
@pass_state
@_fail_cleanly
def feeds(state: _State) -> None:
    """Status of each feed: last success, last error, items stored."""
    from watcher.app import Watcher
    from watcher.store import feed_statuses

    watcher = Watcher.open(state.config)
    try:
        with watcher.db.session() as session:
            statuses = feed_statuses(session)
    finally:
        watcher.close()
    for status in statuses:
        click.echo(f"{status.label:<11} {status.name or status.url}")
        if status.name:
            click.echo(f"            {status.url}")
        next_poll = "never (disabled)" if status.disabled_reason else _when(status.next_poll_at)
        click.echo(
            f"            items: {status.items}; last success: {_when(status.last_success_at)}; next poll: {next_poll}"
        )
        if status.redirect_url:
            click.echo(f"            moved permanently, now fetched from: {status.redirect_url}")
        if status.last_error:
            click.echo(f"            last error ({_when(status.last_error_at)}): {status.last_error}")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


@main.command()
@click.option("-n", "--limit", default=20, show_default=True, help="How many matches to show.")
@click.option("-e", "--entity", help="Only this entity.")
@pass_state
@_fail_cleanly
def matches(state: _State, limit: int, entity: str | None) -> None:
    """Recent matches, newest first, with the words that matched."""
    from watcher.app import Watcher
    from watcher.store import recent_matches

    watcher = Watcher.open(state.config)
    try:
        with watcher.db.session() as session:
            rows = recent_matches(session, limit, entity)
    finally:
        watcher.close()
    if not rows:
        click.echo("no matches yet")
    for row in rows:
        flag = " [backfilled]" if row.backfilled else ""
        click.echo(f"{_when(row.first_seen_at)}  {row.entity}: {row.title}{flag}")
        click.echo(f"    {row.source} · {row.field}: “{row.surface}” (alias {row.alias})")


@main.command("match")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@pass_state
@_fail_cleanly
def match_command(state: _State, source: Any) -> None:
    """Try the configured entities on JSON lines ({"id", "title", "summary", "content"}) or plain text.

    Prints one JSON line per input item: its id, the entities found and each match with its evidence.
    """
    from watcher.match import Matcher, make_snippet
    from watcher.parse import visible_text

    matcher = Matcher.build(state.config.entities)
    for item_id, raw_fields in _match_inputs(source.read()):
        fields = {name: visible_text(value) for name, value in raw_fields.items()}
        found = matcher.match(fields)
        evidence = []
        for entity_match in found:
            for hit in entity_match.hits:
                snippet = make_snippet(fields[hit.field], [hit])
                evidence.append(
                    {
                        "entity": hit.entity,
                        "alias": hit.alias,
                        "field": hit.field,
                        "start": hit.start,
                        "end": hit.end,
                        "text": hit.text,
                        "snippet": snippet.text,
                    }
                )
        click.echo(
            json.dumps(
                {"id": item_id, "entities": sorted(m.entity for m in found), "matches": evidence}, ensure_ascii=False
            )
        )


def _match_inputs(text: str) -> Iterable[tuple[Any, dict[str, str]]]:
    lines = [line for line in text.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            break
        if not isinstance(value, dict):
            break
        parsed.append(value)
    else:
        if lines:
            for number, value in enumerate(parsed, 1):
                fields = {
                    name: str(value[name])
                    for name in ("title", "summary", "content")
                    if isinstance(value.get(name), str | int | float)
                }
                yield value.get("id", number), fields
            return
    yield None, {"content": text}


@main.command()
@click.option(
    "--days", type=click.IntRange(min=1), default=None, help="How far back (default: matching.backfill_days)."
)
@click.option("-e", "--entity", "entities", multiple=True, help="Only these entities (default: all).")
@pass_state
@_fail_cleanly
def backfill(state: _State, days: int | None, entities: tuple[str, ...]) -> None:
    """Match stored items of the last N days against the entities; new matches are flagged as backfilled."""
    from watcher.app import Watcher

    config = state.config
    names = list(entities) or [entity.name for entity in config.entities]
    unknown = set(names) - {entity.name for entity in config.entities}
    if unknown:
        raise ConfigError(f"no such entity in {state.config_path}: {', '.join(sorted(unknown))}")
    watcher = Watcher.open(config)
    try:
        added = watcher.backfill(names, days or config.matching.backfill_days)
    finally:
        watcher.close()
    click.echo(f"backfill: {added} new matches")
