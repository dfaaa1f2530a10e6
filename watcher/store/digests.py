"""What digests read and claim: undelivered matches, send leases, pending digests, volumes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import Session

from watcher.models import Delivery, Digest, Entity, Feed, Item, Match, MatchFeedback
from watcher.store.engine import insert_or_ignore
from watcher.store.feedback import LEFT_OUT
from watcher.store.leases import instance_id, lease_free


@dataclass(frozen=True)
class MatchRow:
    """A match with everything the digest shows of it, as plain values."""

    match_id: int
    entity: str
    item_id: int
    title: str
    link: str | None
    source: str
    published_at: datetime | None
    first_seen_at: datetime
    language: str | None
    field: str
    alias: str
    surface: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    backfilled: bool
    hit_count: int = 1
    alias_count: int = 1
    hits: tuple[tuple[str, int, int, str], ...] = ()  # every hit: field, start, end, the text found
    body: str = ""  # the item's summary, else its content: where the digest finds a sentence to quote


def _match_rows(session: Session, *conditions: Any, limit: int | None = None, join: Any = None) -> list[MatchRow]:
    query = (
        select(Match, Item, Entity.name, Feed.name, Feed.title, Feed.url)
        .join(Item, Match.item_id == Item.id)
        .join(Entity, Match.entity_id == Entity.id)
        .join(Feed, Item.feed_id == Feed.id)
        .where(*conditions)
        .order_by(Match.matched_at.desc(), Match.id.desc())
    )
    if join is not None:
        query = query.join(*join)
    if limit:
        query = query.limit(limit)
    rows = []
    for match, item, entity_name, feed_name, feed_title, feed_url in session.execute(query):
        hits = match.hits or []
        rows.append(
            MatchRow(
                match_id=match.id,
                entity=entity_name,
                item_id=item.id,
                title=item.title,
                link=item.link,
                # A search result's outlet is the publisher it names, not the search feed that found it.
                source=item.publisher or feed_name or feed_title or feed_url,
                published_at=item.published_at,
                first_seen_at=item.first_seen_at,
                language=item.language,
                field=match.field,
                alias=match.alias,
                surface=match.surface,
                snippet=match.snippet,
                highlights=tuple(tuple(span) for span in match.highlights),
                backfilled=match.backfilled,
                hit_count=max(1, len(hits)),
                alias_count=max(1, len({hit.get("alias") for hit in hits})),
                hits=tuple(
                    (
                        str(hit.get("field", "")),
                        int(hit.get("start", 0)),
                        int(hit.get("end", 0)),
                        str(hit.get("text", "")),
                    )
                    for hit in hits
                ),
                body=item.summary or item.content or "",
            )
        )
    return rows


def undelivered_matches(session: Session, route: str, entity_names: Iterable[str]) -> list[MatchRow]:
    """Matches of these entities that this route has not claimed yet (suppressed ones never)."""
    claimed = select(Delivery.id).where(Delivery.match_id == Match.id, Delivery.route == route).exists()
    # Marked not relevant by an analyst, or held back as like such matches (watcher/feedback.py): never mailed.
    judged = (
        select(MatchFeedback.id).where(MatchFeedback.match_id == Match.id, MatchFeedback.verdict.in_(LEFT_OUT)).exists()
    )
    return _match_rows(session, ~Match.suppressed, ~claimed, ~judged, Entity.name.in_(list(entity_names)))


def digest_matches(session: Session, digest_id: int) -> list[MatchRow]:
    return _match_rows(session, Delivery.digest_id == digest_id, join=(Delivery, Delivery.match_id == Match.id))


def recent_matches(session: Session, limit: int, entity: str | None = None) -> list[MatchRow]:
    return _match_rows(session, *([Entity.name == entity] if entity else []), limit=limit)


def claim_matches(session: Session, digest_id: int, route: str, match_ids: Sequence[int]) -> int:
    """Record these matches as this route's digest's; a match the route already claimed is skipped."""
    claimed = 0
    for match_id in match_ids:
        statement = (
            insert_or_ignore(session, Delivery)
            .values(match_id=match_id, route=route, digest_id=digest_id)
            .on_conflict_do_nothing(index_elements=["match_id", "route"])
            .returning(Delivery.id)
        )
        claimed += session.scalar(statement) is not None
    return claimed


def release_matches(session: Session, digest_id: int) -> None:
    """A digest that will never go out gives its matches back to its route's next digest."""
    session.execute(delete(Delivery).where(Delivery.digest_id == digest_id))


def delivered_count(session: Session, digest_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Delivery).where(Delivery.digest_id == digest_id)) or 0


def take_send_lease(session: Session, digest_id: int, now: datetime, until: datetime) -> bool:
    """Become the one instance handing this pending digest to the mail server (until `until`)."""
    result = session.execute(
        update(Digest)
        .where(
            Digest.id == digest_id,
            Digest.status == "pending",
            lease_free(Digest.send_lease_owner, Digest.send_lease_until, session, now),
        )
        .values(send_lease_owner=instance_id(), send_lease_until=until)
    )
    return result.rowcount == 1


def pending_digests(session: Session, now: datetime, *, ignore_retry_time: bool = False) -> list[Digest]:
    due = Digest.next_attempt_at.is_(None) | (Digest.next_attempt_at <= now)
    query = select(Digest).where(Digest.status == "pending").order_by(Digest.id)
    return list(session.scalars(query if ignore_retry_time else query.where(due)))


def digest_by_key(session: Session, key: str) -> Digest | None:
    return session.scalar(select(Digest).where(Digest.key == key))


def feeds_not_polled_since(session: Session, moment: datetime) -> int:
    """Active, enabled feeds that were due at `moment` and nobody has polled since (a failed attempt counts).

    What the day's digest waits for after a start: whichever instance polls a feed stores its matches in
    the transaction that sets last_polled_at, so none left means every match found since is stored.
    """
    query = (
        select(func.count())
        .select_from(Feed)
        .where(
            Feed.active,
            Feed.disabled_reason.is_(None),
            Feed.next_poll_at <= moment,
            Feed.last_polled_at.is_(None) | (Feed.last_polled_at < moment),
        )
    )
    return session.scalar(query) or 0


def earliest_item_at(session: Session) -> datetime | None:
    return session.scalar(select(func.min(Item.first_seen_at)))


def daily_volumes(session: Session, entity_names: Iterable[str], now: datetime, days: int) -> dict[str, list[int]]:
    """Reports naming each entity in each of the `days` 24-hour windows ending at `now`, oldest first.

    Counted by when watcher first saw each report; backfilled matches (old news) and a new feed's
    silenced back-catalogue are left out. One pass over the period: a sum per window, grouped by entity.
    """
    edges = [now - timedelta(days=days - index) for index in range(days + 1)]
    seen = Item.first_seen_at
    windows = [func.sum(case(((seen >= start) & (seen < end), 1), else_=0)) for start, end in pairwise(edges)]
    query = (
        select(Entity.name, *windows)
        .join(Match, Match.entity_id == Entity.id)
        .join(Item, Match.item_id == Item.id)
        .where(Entity.name.in_(list(entity_names)), seen >= edges[0], seen < now, ~Match.backfilled, ~Match.suppressed)
        .group_by(Entity.name)
    )
    return {name: [int(count or 0) for count in counts] for name, *counts in session.execute(query)}
