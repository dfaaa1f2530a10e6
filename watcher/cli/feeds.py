"""`watcher feeds` (each feed's status) and `feeds add`, `feeds import`, `feeds export`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import click

from watcher.cli import _count, _fail_cleanly, _State, _stored_database, _when, _with_progress, main, pass_state
from watcher.errors import ConfigError


@main.group(invoke_without_command=True)
@click.pass_context
@_fail_cleanly
def feeds(ctx: click.Context) -> None:
    """Status of each feed (last success, last error, items); subcommands add, import and export feeds."""
    if ctx.invoked_subcommand is not None:
        return
    from watcher.store import feed_statuses

    state: _State = ctx.obj
    config = state.config
    with _stored_database(config) as database, database.session() as session:
        statuses = feed_statuses(session)
    # The database follows config.yaml when the daemon (re)loads it; until then, say where they differ.
    configured = {feed.url: feed for feed in config.feeds}
    stored = {status.url for status in statuses}
    timezone = config.digest.timezone
    for status in statuses:
        label = "removed" if status.active and status.url not in configured else status.label
        click.echo(f"{label:<11} {status.name or status.url}")
        if status.name:
            click.echo(f"            {status.url}")
        next_poll = "never (disabled)" if status.disabled_reason else _when(status.next_poll_at, timezone)
        last_success = _when(status.last_success_at, timezone)
        click.echo(f"            items: {status.items}; last success: {last_success}; next poll: {next_poll}")
        if status.redirect_url:
            click.echo(f"            moved permanently, now fetched from: {status.redirect_url}")
        if status.last_error:
            click.echo(f"            last error ({_when(status.last_error_at, timezone)}): {status.last_error}")
    for url, feed in configured.items():
        if url not in stored:
            click.echo(f"{'new':<11} {feed.name or url}")
            if feed.name:
                click.echo(f"            {url}")
            click.echo("            not polled yet: the daemon polls it once it reloads the config (or `watcher poll`)")


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
            return await fetch(client, config.feed_location(feed.url), limits=limits)

    try:
        result = asyncio.run(probe())
        parsed = parse_feed(result.body, content_type=result.content_type, url=result.url)
    except FetchError as exc:
        click.echo(f"watcher: not added: {url}: {exc}", err=True)
        sys.exit(1)
    except FeedError as exc:
        reason = str(exc)
        if reason.startswith("not a feed: "):
            click.echo(f"watcher: not added: {url} is not a feed ({reason.removeprefix('not a feed: ')})", err=True)
            for link, title in _feed_links(result.body, result.url):
                click.echo(f"  the page names a feed: {link}" + (f" ({title})" if title else ""), err=True)
        else:
            click.echo(f"watcher: not added: {url}: {reason}", err=True)
        sys.exit(1)
    if name is None and parsed.title:
        feed = feed.model_copy(update={"name": parsed.title})
    _, added, _ = add_feeds(state.config_path, [feed])
    if added:
        click.echo(
            f"added {feed.url} ({feed.name or 'untitled'}, {_count(len(parsed.entries), 'entry', 'entries')} now)"
        )
    else:
        click.echo(f"already there: {feed.url}")


def _feed_links(body: bytes, base_url: str) -> list[tuple[str, str]]:
    """The feeds a web page names in <link rel="alternate" type="application/rss+xml" href=...> (and Atom)."""
    from html.parser import HTMLParser
    from urllib.parse import urljoin

    found: list[tuple[str, str]] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = {name: (value or "").strip() for name, value in attrs}
            alternate = tag == "link" and "alternate" in values.get("rel", "").lower().split()
            if alternate and values.get("href") and values.get("type", "").lower() in _FEED_TYPES:
                found.append((urljoin(base_url, values["href"]), values.get("title", "")))

    Links().feed(body[:1_000_000].decode("utf-8", "replace"))
    return list(dict.fromkeys(found))[:5]


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


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
    click.echo(f"imported {_count(len(added), 'feed')} from {opml}; {len(skipped)} already there")


@feeds.command("export")
@click.argument("output", type=click.File("wb"), default="-")
@pass_state
@_fail_cleanly
def feeds_export(state: _State, output: Any) -> None:
    """Write the configured feeds as OPML (to a file, or standard output)."""
    from watcher.configfile import write_opml

    output.write(write_opml(state.config.feeds))
