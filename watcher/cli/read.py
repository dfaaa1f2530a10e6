"""`watcher status` and `watcher matches`: what the database holds, read for a person."""

from __future__ import annotations

from datetime import datetime, timedelta

import click

from watcher.cli import _fail_cleanly, _State, _when, main, pass_state
from watcher.clock import utcnow
from watcher.config import Config


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
