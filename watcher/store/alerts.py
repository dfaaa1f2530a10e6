"""Instant alerts' outbox: the stories rules look at, one alert row per rule and story, and sending state.

An alert row is inserted in the transaction that decides it (a unique key per rule and story: two instances
deciding at once make one row), then sent outside any transaction by whoever holds its send lease, then
marked sent. A crash between sending and marking leaves it pending: it is sent again with the same key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from watcher.models import Alert, Entity, Feed, Item, ItemEvent, Match, MatchFeedback, Story, StoryItem
from watcher.store.engine import insert_or_ignore
from watcher.store.feedback import LEFT_OUT
from watcher.store.leases import instance_id, lease_free


@dataclass(frozen=True)
class StoryFacts:
    """What alert rules look at in a story (only its reports' matches nobody rejected or held)."""

    id: int
    key: str
    title: str
    link: str | None
    entities: frozenset[str]
    events: frozenset[str]
    outlets: tuple[str, ...]
    languages: tuple[str, ...]
    first_published: datetime


def recent_stories(session: Session, since: datetime) -> list[StoryFacts]:
    stories = list(session.scalars(select(Story).where(Story.updated_at >= since).order_by(Story.id)))
    if not stories:
        return []
    ids = [story.id for story in stories]
    entities: dict[int, set[str]] = {}
    for story_id, name in session.execute(
        select(StoryItem.story_id, Entity.name)
        .join(Match, Match.item_id == StoryItem.item_id)
        .join(Entity, Entity.id == Match.entity_id)
        .outerjoin(MatchFeedback, MatchFeedback.match_id == Match.id)
        .where(
            StoryItem.story_id.in_(ids),
            Match.suppressed.is_(False),
            MatchFeedback.id.is_(None) | MatchFeedback.verdict.not_in(LEFT_OUT),
        )
    ):
        entities.setdefault(story_id, set()).add(name)
    events: dict[int, set[str]] = {}
    for story_id, event_type in session.execute(
        select(ItemEvent.story_id, ItemEvent.type).where(ItemEvent.story_id.in_(ids))
    ):
        events.setdefault(story_id, set()).add(event_type)
    first_items = {story.first_item_id for story in stories if story.first_item_id}
    titles = {
        item_id: (title, link, feed)
        for item_id, title, link, feed in session.execute(
            select(Item.id, Item.title, Item.link, func.coalesce(Item.publisher, Feed.name, Feed.title, Feed.url))
            .join(Feed, Feed.id == Item.feed_id)
            .where(Item.id.in_(first_items))
        )
    }
    facts = []
    for story in stories:
        title, link, _feed = titles.get(story.first_item_id or 0, ("", None, ""))
        facts.append(
            StoryFacts(
                id=story.id,
                key=story.key,
                title=title,
                link=link,
                entities=frozenset(entities.get(story.id, ())),
                events=frozenset(events.get(story.id, ())),
                outlets=tuple(story.outlets),
                languages=tuple(story.languages),
                first_published=story.first_published_at,
            )
        )
    return facts


def alerted(session: Session, story_ids: Sequence[int]) -> set[tuple[str, int]]:
    """(rule, story id) pairs that already have an alert."""
    if not story_ids:
        return set()
    return set(session.execute(select(Alert.rule, Alert.story_id).where(Alert.story_id.in_(list(story_ids)))).all())


def last_due_times(session: Session, rule: str, since: datetime) -> list[datetime]:
    """When the rule's alerts since `since` were (or are) due, for its hourly limit."""
    return list(session.scalars(select(Alert.due_at).where(Alert.rule == rule, Alert.due_at >= since)))


def add_alert(
    session: Session, rule: str, story: StoryFacts, title: str, body: str, now: datetime, due: datetime
) -> bool:
    """The alert of `rule` for `story`, once: → False if it exists already (another instance decided it)."""
    result = session.execute(
        insert_or_ignore(session, Alert.__table__)
        .values(
            key=f"{rule}:{story.key}",
            rule=rule,
            story_id=story.id,
            status="pending",
            title=title,
            body=body,
            created_at=now,
            due_at=due,
            attempts=0,
        )
        .on_conflict_do_nothing()
    )
    return bool(result.rowcount)


@dataclass(frozen=True)
class AlertToSend:
    id: int
    key: str
    rule: str
    title: str
    body: str
    attempts: int


def take_due_alerts(session: Session, now: datetime, until: datetime) -> list[AlertToSend]:
    """Pending alerts due now whose send lease is free; this instance holds them until `until`."""
    due = list(
        session.scalars(
            select(Alert)
            .where(
                Alert.status == "pending",
                Alert.due_at <= now,
                lease_free(Alert.send_lease_owner, Alert.send_lease_until, session, now),
            )
            .order_by(Alert.due_at, Alert.id)
        )
    )
    taken = []
    for alert in due:
        result = session.execute(
            update(Alert)
            .where(Alert.id == alert.id, Alert.status == "pending")
            .values(send_lease_owner=instance_id(), send_lease_until=until, attempts=Alert.attempts + 1)
        )
        if result.rowcount == 1:
            taken.append(AlertToSend(alert.id, alert.key, alert.rule, alert.title, alert.body, alert.attempts + 1))
    return taken


def finish_alert(session: Session, alert_id: int, status: str, now: datetime, error: str | None = None,
                 retry_at: datetime | None = None) -> None:  # fmt: skip
    """Sent, failed for good, or (status "pending" with retry_at) tried again later."""
    values: dict[str, object] = {"status": status, "last_error": error}
    values.update(send_lease_owner=None, send_lease_until=None)
    if status == "sent":
        values["sent_at"] = now
    if retry_at is not None:
        values["due_at"] = retry_at
    session.execute(update(Alert).where(Alert.id == alert_id).values(**values))


def alerts_of_story(session: Session, story_id: int) -> list[Alert]:
    return list(session.scalars(select(Alert).where(Alert.story_id == story_id).order_by(Alert.id)))
