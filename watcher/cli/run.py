"""`watcher run`, `watcher poll` and `watcher digest`: the commands that poll feeds and send digests."""

from __future__ import annotations

import asyncio
import functools
import sys
from pathlib import Path
from typing import Any

import click

from watcher.cli import _count, _fail_cleanly, _ProgressReporter, _State, _stored_database, main, pass_state, settled
from watcher.clock import utcnow
from watcher.errors import ConfigError


@main.command()
@click.option("--once", is_flag=True, help="Poll every feed once, send the digest now, and exit.")
@pass_state
@_fail_cleanly
def run(state: _State, once: bool) -> None:
    """Run the daemon: poll feeds when due, send the digest daily, reload config.yaml on change."""
    from watcher.daemon.run import run_daemon, run_once

    config = state.config
    settled()  # the modules and the config (and again once the database is open: run_once)
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
    settled()  # the modules and the config: collecting resumes before Watcher.open (its backfill may be long)

    reporter = _ProgressReporter("polling feeds")

    async def one_pass() -> Any:
        watcher = await asyncio.to_thread(functools.partial(Watcher.open, config, one_pass=True))
        settled()  # and the database's engine and tables
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
    if dry_run or preview:
        with _stored_database(config) as database:  # a look at the digest writes nothing
            rendered = preview_digest(database, config, utcnow(), routes[route_name] if route_name else None)
        if rendered is None:
            click.echo("nothing new: no undelivered matches")
        elif preview:
            preview.write_text(rendered.html, encoding="utf-8")
            click.echo(f"wrote {preview} ({rendered.subject})")
        else:
            click.echo(f"Subject: {rendered.subject}\n")
            click.echo(rendered.text)
        return
    watcher = Watcher.open(config)
    try:
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
            click.echo(f"{label} sent: {_count(outcome.match_count, 'match')} → {outcome.where}")
        elif outcome.status == "pending":
            click.echo(f"{label} not sent, will retry: {outcome.error}", err=True)
        elif outcome.status == "failed":
            click.echo(f"{label} refused, matches kept for the next one: {outcome.error}", err=True)
        else:
            click.echo(f"{label}: nothing new, none sent")
