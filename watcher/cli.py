"""The `watcher` command. Exit status: 0 done, 1 failed at run time, 2 bad config or usage."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from watcher import __version__
from watcher.clock import utcnow
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

    reporter = _ProgressReporter("polling feeds")

    async def one_pass() -> Any:
        watcher = await asyncio.to_thread(Watcher.open, config)
        try:
            return await watcher.poll(everything=once, progress=reporter)
        finally:
            await watcher.aclose()

    try:
        summary = asyncio.run(one_pass())
    finally:
        reporter.close()
    _print_poll_summary(summary)


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
            rendered = preview_digest(watcher.db, config, utcnow(), route)
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


@main.group(invoke_without_command=True)
@click.pass_context
@_fail_cleanly
def feeds(ctx: click.Context) -> None:
    """Status of each feed (last success, last error, items); subcommands add, import and export feeds."""
    if ctx.invoked_subcommand is not None:
        return
    from watcher.app import Watcher
    from watcher.store import feed_statuses

    state: _State = ctx.obj
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


@feeds.command("add")
@click.argument("url")
@click.option("--name", help="Display name (default: the feed's own title).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@pass_state
@_fail_cleanly
def feeds_add(state: _State, url: str, name: str | None, tags: tuple[str, ...]) -> None:
    """Fetch URL, and if it is a feed, add it to the config file (comments kept; the daemon reloads)."""
    from watcher.config import FeedConfig
    from watcher.configfile import add_feeds
    from watcher.errors import FeedError, FetchError
    from watcher.fetch import fetch, make_client
    from watcher.parse import parse_feed
    from watcher.poll import fetch_limits

    config = state.config
    try:
        feed = FeedConfig(url=url, name=name, tags=list(tags))
    except ValueError as exc:
        raise ConfigError(f"url: {exc}") from None

    async def probe() -> Any:
        limits = fetch_limits(config)
        async with make_client(limits, config.poll.user_agent, 4) as client:
            result = await fetch(client, config.feed_location(feed.url), limits=limits)
        return parse_feed(result.body, content_type=result.content_type, url=result.url)

    try:
        parsed = asyncio.run(probe())
    except (FetchError, FeedError) as exc:
        click.echo(f"watcher: not added: {url}: {exc}", err=True)
        sys.exit(1)
    if name is None and parsed.title:
        feed = feed.model_copy(update={"name": parsed.title})
    _, added, _ = add_feeds(state.config_path, [feed])
    if added:
        click.echo(f"added {feed.url} ({feed.name or 'untitled'}, {len(parsed.entries)} entries now)")
    else:
        click.echo(f"already there: {feed.url}")


@feeds.command("import")
@click.argument("opml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
@_fail_cleanly
def feeds_import(state: _State, opml: Path) -> None:
    """Add the feeds of an OPML file (nested outlines become tags); feeds already there are skipped."""
    from watcher.configfile import add_feeds, read_opml

    _ = state.config  # a broken config is reported before anything is written
    found = read_opml(opml.read_bytes())
    _, added, skipped = add_feeds(state.config_path, _with_progress(found, "importing feeds"))
    click.echo(f"imported {len(added)} feeds from {opml}; {len(skipped)} already there")


@feeds.command("export")
@click.argument("output", type=click.File("wb"), default="-")
@pass_state
@_fail_cleanly
def feeds_export(state: _State, output: Any) -> None:
    """Write the configured feeds as OPML (to a file, or standard output)."""
    from watcher.configfile import write_opml

    output.write(write_opml(state.config.feeds))


class _ProgressReporter:
    """progress(done, total) callbacks drawn as a rich bar on a terminal, plain lines otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.task: Any = None
        self.last_decile = -1

    def __call__(self, done: int, total: int) -> None:
        if total < 20:
            return  # short jobs need no progress report
        if sys.stderr.isatty():
            if self.bar is None:
                from rich.progress import Progress

                self.bar = Progress(transient=True)
                self.bar.start()
                self.task = self.bar.add_task(self.label, total=total)
            self.bar.update(self.task, completed=done)
        elif done * 10 // total > self.last_decile:
            self.last_decile = done * 10 // total
            click.echo(f"{self.label}: {done}/{total}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _with_progress(items: list[Any], label: str) -> Iterable[Any]:
    """Items, with a progress bar on a terminal and plain progress lines otherwise."""
    if sys.stderr.isatty():
        from rich.progress import track

        yield from track(items, description=label, console=None, transient=True)
        return
    step = max(1, len(items) // 10)
    for index, item in enumerate(items, 1):
        yield item
        if index % step == 0 or index == len(items):
            click.echo(f"{label}: {index}/{len(items)}", err=True)


@main.group()
def entities() -> None:
    """Tracked entities: add one to the config file."""


@entities.command("add")
@click.argument("name")
@click.option("-a", "--alias", "aliases", multiple=True, help="An alias (repeatable; default: the name).")
@click.option("--case-sensitive", "cased", multiple=True, help="An alias matched with its case (repeatable).")
@click.option("--exclude", multiple=True, help="A phrase that vetoes the entity (repeatable).")
@click.option("--require", "require_any", multiple=True, help="One of these must occur too (repeatable).")
@click.option("--tag", "tags", multiple=True, help="A tag, for routing (repeatable).")
@pass_state
@_fail_cleanly
def entities_add(
    state: _State,
    name: str,
    aliases: tuple[str, ...],
    cased: tuple[str, ...],
    exclude: tuple[str, ...],
    require_any: tuple[str, ...],
    tags: tuple[str, ...],
) -> None:
    """Add an entity to the config file (comments kept); the running daemon reloads and backfills it."""
    from watcher.config import EntityConfig
    from watcher.configfile import add_entity
    from watcher.match import Matcher

    _ = state.config  # a broken config is reported before anything is written
    alias_specs: list[Any] = [*aliases, *({"text": text, "case_sensitive": True} for text in cased)]
    try:
        entity = EntityConfig(
            name=name, aliases=alias_specs, exclude=list(exclude), require_any=list(require_any), tags=list(tags)
        )
    except ValueError as exc:
        raise ConfigError(f"entity {name!r}: {exc}") from None
    Matcher.build([entity])
    add_entity(state.config_path, entity)
    click.echo(f"added entity {name!r} with {len(entity.aliases)} aliases to {state.config_path}")


@main.command()
@pass_state
@_fail_cleanly
def status(state: _State) -> None:
    """Feeds ok/failing/backing off, items and matches today, last and next digest, next polls."""
    from watcher.app import Watcher
    from watcher.store import status_counts

    config = state.config
    watcher = Watcher.open(config)
    now = utcnow()
    zone = config.digest.zone
    start_of_day = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
    try:
        with watcher.db.session() as session:
            counts = status_counts(session, now, start_of_day)
    finally:
        watcher.close()
    feeds_line = ", ".join(f"{count} {label}" for label, count in counts.feeds.items() if count)
    click.echo(f"feeds:    {feeds_line or 'none'}")
    click.echo(f"today:    {counts.items_today} new items, {counts.matches_today} matches ({config.digest.timezone})")
    click.echo(f"waiting:  {counts.undelivered} matches not yet in a digest")
    last = f"{_when(counts.last_digest_at)} ({counts.last_digest_status})" if counts.last_digest_at else "never"
    click.echo(f"digest:   last {last}; next {_next_digest(config, now)}")
    click.echo(f"polls:    next {_when(counts.next_poll_at)}; {counts.due_within_hour} feeds due within the hour")


def _next_digest(config: Config, now: datetime) -> str:
    zone = config.digest.zone
    local = now.astimezone(zone)
    when = datetime.combine(local.date(), config.digest.time, zone)
    if when <= local:
        when = datetime.combine(local.date() + timedelta(days=1), config.digest.time, zone)
    return f"{when:%Y-%m-%d %H:%M} {config.digest.timezone}"


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
    reporter = _ProgressReporter("backfilling")
    try:
        added = watcher.backfill(names, days or config.matching.backfill_days, progress=reporter)
    finally:
        reporter.close()
        watcher.close()
    click.echo(f"backfill: {added} new matches")
