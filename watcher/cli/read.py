"""`watcher status` and `watcher matches`: what the database holds, read for a person."""

from __future__ import annotations

from datetime import datetime, timedelta

import click

from watcher.cli import _count, _fail_cleanly, _State, _stored_database, _when, main, pass_state
from watcher.clock import utcnow
from watcher.config import Config
from watcher.errors import ConfigError


@main.command()
@pass_state
@_fail_cleanly
def status(state: _State) -> None:
    """Feeds ok/failing/backing off, items and matches today, last and next digest, next polls."""
    from watcher.store import status_counts

    config = state.config
    now = utcnow()
    zone = config.digest.zone
    start_of_day = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
    with _stored_database(config) as database, database.session() as session:
        counts = status_counts(session, now, start_of_day)
    timezone = config.digest.timezone  # every time is shown in the digest's zone, named: one clock to read
    feeds_line = ", ".join(f"{count} {label}" for label, count in counts.feeds.items() if count)
    click.echo(f"feeds:    {feeds_line or 'none'}")
    items, matched = _count(counts.items_today, "new item"), _count(counts.matches_today, "match")
    click.echo(f"today:    {items}, {matched} ({timezone})")
    click.echo(f"waiting:  {_count(counts.undelivered, 'match')} not yet in a digest")
    last = _when(counts.last_digest_at, timezone)
    if counts.last_digest_at:
        last += f" ({counts.last_digest_status})"
    click.echo(f"digest:   last {last}; next {_next_digest(config, now)}")
    due = _count(counts.due_within_hour, "feed")
    click.echo(f"polls:    next {_when(counts.next_poll_at, timezone)}; {due} due within the hour")


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
    from sqlalchemy import select

    from watcher.match.table import entity_fingerprint
    from watcher.models import Entity
    from watcher.store import recent_matches

    config = state.config
    wanted = None
    if entity is not None:
        by_name = {configured.name.casefold(): configured for configured in config.entities}
        wanted = by_name.get(entity.casefold())
        if wanted is None:
            known = ", ".join(configured.name for configured in config.entities) or "none"
            raise ConfigError(f"no such entity in {state.config_path}: {entity} (entities: {known})")
    with _stored_database(config) as database, database.session() as session:
        rows = recent_matches(session, limit, wanted.name if wanted else None)
        stored = (
            session.scalar(select(Entity.fingerprint).where(Entity.name == wanted.name, Entity.active))
            if wanted
            else None
        )
    if not rows:
        click.echo(f"no matches of {wanted.name} yet" if wanted else "no matches yet")
    timezone = config.digest.timezone
    for row in rows:
        flag = " [backfilled]" if row.backfilled else ""
        # When the story was published, as the digest shows it; a feed that gives no date: when first seen.
        when = (
            _when(row.published_at, timezone)
            if row.published_at
            else f"{_when(row.first_seen_at, timezone)} (first seen, undated)"
        )
        click.echo(f"{when}  {row.entity}: {row.title}{flag}")
        click.echo(f"    {row.source} · {row.field}: “{row.surface}” (alias {row.alias})")
    if wanted is not None and stored != entity_fingerprint(wanted):
        change = "is not in the database yet" if stored is None else "changed in config.yaml since it was matched"
        click.echo(
            f"note: {wanted.name} {change}: the running daemon matches stored items once it reloads the config; "
            f"`watcher backfill -e '{wanted.name}'` does it now"
        )
