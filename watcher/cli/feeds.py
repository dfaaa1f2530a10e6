"""`watcher feeds` (each feed's status) and `feeds add`, `feeds import`, `feeds export`."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from watcher.cli import _count, _fail_cleanly, _State, _stored_database, _when, _with_progress, main, pass_state
from watcher.errors import ConfigError


@main.group(invoke_without_command=True)
@click.pass_context
@_fail_cleanly
def feeds(ctx: click.Context) -> None:
    """Status of each feed (last success, last error, items); subcommands add, import and export feeds.

    The news searches generated from the entities (search: in config.yaml) are listed as feeds too.
    """
    if ctx.invoked_subcommand is not None:
        return
    from watcher.coverage.generated import generated_feeds
    from watcher.store import feed_statuses
    from watcher.store.articles import full_text_counts

    state: _State = ctx.obj
    config = state.config
    with _stored_database(config) as database, database.session() as session:
        statuses = feed_statuses(session)
        articles = full_text_counts(session)
    # The database follows config.yaml when the daemon (re)loads it; until then, say where they differ.
    generated = generated_feeds(config)
    configured = {feed.url: feed for feed in [*generated.feeds, *config.feeds]}
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
        if status.url in generated.by_url:
            click.echo(f"            generated: searches {generated.by_url[status.url].query}")
        elif status.url in configured and configured[status.url].type != "feed":
            kind = {"page": "web page (its article links)", "sitemap": "news sitemap"}[configured[status.url].type]
            click.echo(f"            read as a {kind}")
        if status.url in articles:
            counts = ", ".join(f"{count} {outcome}" for outcome, count in sorted(articles[status.url].items()))
            click.echo(f"            full text: {counts}")
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
@click.option(
    "--type",
    "kind",
    type=click.Choice(["feed", "page", "sitemap"]),
    help="What URL is: a feed, a web page whose article links are followed, a news sitemap (default: found out).",
)
@click.option("--pick", type=int, help="On a web page: add the Nth source offered, without asking.")
@click.option(
    "--full-text",
    type=click.Choice(["auto", "always", "never"]),
    help="Fetch the linked articles' text (default auto).",
)
@pass_state
@_fail_cleanly
def feeds_add(
    state: _State,
    url: str,
    name: str | None,
    tags: tuple[str, ...],
    kind: str | None,
    pick: int | None,
    full_text: str | None,
) -> None:
    """Fetch URL and add it to the config file (comments kept; the daemon reloads).

    A feed or a news sitemap is added as it is. A web page is looked over: the feeds it names, feeds and
    news sitemaps at the common addresses of its site, and the page itself as a source of article links
    are offered, to pick one (--pick N, or at the prompt).
    """
    from watcher.config import FeedConfig
    from watcher.configfile import add_feeds
    from watcher.errors import FeedError, FetchError

    config = state.config
    options: dict[str, Any] = {"tags": list(tags), **({"full_text": full_text} if full_text else {})}
    try:
        FeedConfig(url=url, name=name, **options)
    except ValueError as exc:
        raise ConfigError(f"url: {exc}") from None
    try:
        [result] = asyncio.run(_probe(config, [config.feed_location(url)]))
        if isinstance(result, Exception):
            raise result
        found = _read_as(kind, url, result) if kind else _read_as_any(url, result)
    except FetchError as exc:
        click.echo(f"watcher: not added: {url}: {exc}", err=True)
        sys.exit(1)
    except FeedError as exc:
        reason = str(exc)
        if kind or not reason.startswith("not a feed: "):
            click.echo(f"watcher: not added: {url}: {reason}", err=True)
            sys.exit(1)
        offers = _offers(config, result) if reason.endswith("HTML page") else []
        found = _choose(url, reason.removeprefix("not a feed: "), offers, pick)
    feed = FeedConfig(url=found.url, name=name or found.parsed.title, type=found.kind, **options)
    _, added, _ = add_feeds(state.config_path, [feed])
    if not added:
        click.echo(f"already there: {feed.url}")
        return
    label = {"feed": "", "sitemap": " as a news sitemap", "page": " as a web page"}[found.kind]
    click.echo(f"added {feed.url}{label} ({feed.name or 'untitled'}, {found.size} now)")


@dataclass(frozen=True)
class _Found:
    url: str
    kind: str
    parsed: Any  # a ParsedFeed

    @property
    def size(self) -> str:
        count = len(self.parsed.entries)
        if self.kind == "feed":
            return _count(count, "entry", "entries")
        return _count(count, "article") if self.kind == "sitemap" else _count(count, "article link")


def _read_as(kind: str, url: str, result: Any) -> _Found:
    from watcher.coverage.pages import parse_page
    from watcher.coverage.sitemap import parse_sitemap
    from watcher.errors import FeedError
    from watcher.parse.feed import parse_feed

    reader = {"feed": parse_feed, "page": parse_page, "sitemap": parse_sitemap}[kind]
    parsed = reader(result.body, content_type=result.content_type, url=result.url)
    if kind == "page" and not parsed.entries:
        raise FeedError("no article links found on the page")
    return _Found(url, kind, parsed)


def _read_as_any(url: str, result: Any) -> _Found:
    """A feed, else a news sitemap; FeedError ("not a feed: ...") otherwise."""
    from watcher.coverage.sitemap import is_news_sitemap
    from watcher.errors import FeedError

    try:
        return _read_as("feed", url, result)
    except FeedError:
        if is_news_sitemap(result.body):
            return _read_as("sitemap", url, result)
        raise


async def _probe(config: Any, urls: list[str]) -> list[Any]:
    """Fetch each URL with the guarded client and the poller's limits; an exception in place of a failure."""
    from watcher.fetch.client import make_client
    from watcher.fetch.request import fetch
    from watcher.poll.poller import fetch_limits

    limits = fetch_limits(config)
    async with make_client(limits, config.poll.user_agent, 4, config.poll.per_host) as client:
        return await asyncio.gather(*(fetch(client, url, limits=limits) for url in urls), return_exceptions=True)


def _offers(config: Any, page: Any) -> list[tuple[str, _Found]]:
    """What a web page's site offers, each with its line: named feeds, feeds and sitemaps at common addresses,
    the page itself. A feed the page names but that cannot be read is said so, not offered."""
    from watcher.coverage.discover import candidates
    from watcher.errors import WatcherError

    found = candidates(page.body, page.url)
    results = asyncio.run(_probe(config, [candidate.url for candidate in found]))
    offers: list[tuple[str, _Found]] = []
    for candidate, result in zip(found, results, strict=True):
        named = f"the page names a feed: {candidate.url}" + (f" ({candidate.title})" if candidate.title else "")
        try:
            if isinstance(result, Exception):
                raise result
            source = _read_as_any(candidate.url, result)
        except WatcherError as exc:
            if candidate.named:
                click.echo(f"  {named}, but it cannot be read: {exc}", err=True)
            continue
        title = f" ({source.parsed.title})" if source.parsed.title and not candidate.title else ""
        if candidate.named:
            line = f"{named}: {source.size}"
        elif source.kind == "sitemap":
            line = f"a news sitemap at {candidate.url}{title}: {source.size}"
        else:
            line = f"a feed at {candidate.url}{title}: {source.size}"
        if result.url not in {offer.url for _line, offer in offers}:
            offers.append((line, _Found(result.url, source.kind, source.parsed)))
    try:
        itself = _read_as("page", page.url, page)
        offers.append((f"the page itself, its article links followed: {itself.size} now", itself))
    except WatcherError:
        pass
    return offers


def _choose(url: str, reason: str, offers: list[tuple[str, _Found]], pick: int | None) -> _Found:
    if not offers:
        click.echo(
            f"watcher: not added: {url} is not a feed ({reason}); no feed, news sitemap or article link found there",
            err=True,
        )
        sys.exit(1)
    click.echo(f"watcher: {url} is not a feed ({reason}); its site offers:", err=True)
    for number, (line, _found) in enumerate(offers, 1):
        click.echo(f"  [{number}] {line}", err=True)
    if pick is None and sys.stdin.isatty():
        pick = click.prompt("add which", type=click.IntRange(1, len(offers)), default=1, err=True)
    if pick is None or not 1 <= pick <= len(offers):
        click.echo(f"watcher: not added: choose one with --pick N (1 to {len(offers)})", err=True)
        sys.exit(1)
    return offers[pick - 1][1]


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
