"""Read-only views for `watcher feeds`, `watcher status` and the digest footer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watcher.models import Delivery, Digest, Feed, Item, Match


@dataclass(frozen=True)
class FeedStatus:
    url: str
    name: str | None
    active: bool
    items: int
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    next_poll_at: datetime
    disabled_reason: str | None = None
    redirect_url: str | None = None

    @property
    def label(self) -> str:
        if not self.active:
            return "removed"
        if self.disabled_reason:
            return "DISABLED"
        if self.consecutive_failures:
            return f"FAILING×{self.consecutive_failures}"
        return "new" if self.last_success_at is None else "ok"


def feed_statuses(session: Session) -> list[FeedStatus]:
    counts = {
        feed_id: count for feed_id, count in session.execute(select(Item.feed_id, func.count()).group_by(Item.feed_id))
    }
    return [
        FeedStatus(
            feed.url,
            feed.name or feed.title,
            feed.active,
            counts.get(feed.id, 0),
            feed.last_success_at,
            feed.last_error_at,
            feed.last_error,
            feed.consecutive_failures,
            feed.next_poll_at,
            feed.disabled_reason,
            feed.redirect_url,
        )
        for feed in session.scalars(select(Feed).order_by(Feed.active.desc(), Feed.url))
    ]


def failing_feeds(session: Session, now: datetime, older_than: timedelta) -> list[FeedStatus]:
    """Active feeds with no success for `older_than` (or never, after failing): for the digest footer."""
    return [
        status
        for status in feed_statuses(session)
        if status.active
        and (status.consecutive_failures > 0 or status.disabled_reason)
        and (status.last_success_at is None or now - status.last_success_at >= older_than)
    ]


@dataclass(frozen=True)
class StatusCounts:
    feeds: dict[str, int]  # ok, failing, backing off, disabled, new
    items_today: int
    matches_today: int
    undelivered: int
    last_digest_at: datetime | None
    last_digest_status: str | None
    next_poll_at: datetime | None
    due_within_hour: int


def status_counts(session: Session, now: datetime, start_of_day: datetime) -> StatusCounts:
    labels = {"ok": 0, "failing": 0, "backing off": 0, "disabled": 0, "new": 0}
    for feed in session.scalars(select(Feed).where(Feed.active)):
        if feed.disabled_reason:
            labels["disabled"] += 1
        elif feed.consecutive_failures and feed.next_poll_at > now:
            labels["backing off"] += 1
        elif feed.consecutive_failures:
            labels["failing"] += 1
        elif feed.last_success_at is None:
            labels["new"] += 1
        else:
            labels["ok"] += 1
    delivered = select(Delivery.id).where(Delivery.match_id == Match.id).exists()
    last = session.execute(
        select(Digest.sent_at, Digest.created_at, Digest.status)
        .where(Digest.status != "empty")
        .order_by(Digest.id.desc())
        .limit(1)
    ).first()
    active = Feed.active & Feed.disabled_reason.is_(None)
    return StatusCounts(
        feeds=labels,
        items_today=session.scalar(select(func.count()).select_from(Item).where(Item.first_seen_at >= start_of_day))
        or 0,
        matches_today=session.scalar(
            select(func.count()).select_from(Match).where(Match.matched_at >= start_of_day, ~Match.backfilled)
        )
        or 0,
        undelivered=session.scalar(select(func.count()).select_from(Match).where(~Match.suppressed, ~delivered)) or 0,
        last_digest_at=(last.sent_at or last.created_at) if last else None,
        last_digest_status=last.status if last else None,
        next_poll_at=session.scalar(select(func.min(Feed.next_poll_at)).where(active)),
        due_within_hour=session.scalar(
            select(func.count()).select_from(Feed).where(active, Feed.next_poll_at <= now + timedelta(hours=1))
        )
        or 0,
    )
