"""config.yaml → database: the feeds and entities tables follow the config."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watcher.config import EntityConfig, FeedConfig
from watcher.match import entity_fingerprint
from watcher.models import Entity, Feed


def feed_fingerprint(feed: FeedConfig) -> str:
    return hashlib.sha256(feed.model_dump_json().encode()).hexdigest()


def sync_feeds(session: Session, feeds: Sequence[FeedConfig], now: datetime) -> None:
    """Make the feeds table follow the config: new feeds are due now, removed ones go inactive.

    A feed whose config entry changed starts afresh: a 410 no longer disables it and a remembered
    redirect is forgotten.
    """
    wanted = {feed.url: feed for feed in feeds}
    existing = {feed.url: feed for feed in session.scalars(select(Feed))}
    for url, config in wanted.items():
        row = existing.get(url)
        fingerprint = feed_fingerprint(config)
        if row is None:
            session.add(
                Feed(
                    url=url,
                    name=config.name,
                    active=True,
                    next_poll_at=now,
                    created_at=now,
                    config_fingerprint=fingerprint,
                )
            )
            continue
        if not row.active:
            row.next_poll_at = now
        if row.config_fingerprint != fingerprint:
            if row.disabled_reason or row.redirect_url:
                row.next_poll_at = now
            row.config_fingerprint = fingerprint
            row.disabled_reason = row.redirect_url = row.redirect_candidate = None
            row.redirect_streak = 0
        row.active = True
        row.name = config.name
    for url, row in existing.items():
        if url not in wanted:
            row.active = False


def sync_entities(session: Session, entities: Sequence[EntityConfig], now: datetime) -> list[str]:
    """Make the entities table follow the config; return the names that are new or whose aliases changed."""
    existing = {entity.name: entity for entity in session.scalars(select(Entity))}
    changed = []
    for config in entities:
        fingerprint = entity_fingerprint(config)
        row = existing.get(config.name)
        if row is None:
            session.add(Entity(name=config.name, fingerprint=fingerprint, active=True, created_at=now, updated_at=now))
            changed.append(config.name)
        elif row.fingerprint != fingerprint or not row.active:
            row.fingerprint, row.active, row.updated_at = fingerprint, True, now
            changed.append(config.name)
    names = {config.name for config in entities}
    for name, row in existing.items():
        if name not in names:
            row.active = False
    session.flush()
    return changed


def entity_ids(session: Session) -> dict[str, int]:
    return {name: entity_id for name, entity_id in session.execute(select(Entity.name, Entity.id).where(Entity.active))}
