"""Alert rules as values: does a story fit, when is its alert due, what does it say (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from watcher.config.web import AlertRuleConfig
from watcher.store.alerts import StoryFacts

HOUR = timedelta(hours=1)


def fits(rule: AlertRuleConfig, story: StoryFacts) -> bool:
    if rule.entities and not set(rule.entities) & story.entities:
        return False
    if rule.together and not set(rule.together) <= story.entities:
        return False
    if rule.events and not set(rule.events) & story.events:
        return False
    return len(set(story.outlets)) >= rule.min_outlets and len(set(story.languages)) >= rule.min_languages


def after_quiet_hours(rule: AlertRuleConfig, moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment`, or the end of the rule's quiet hours (local time in `zone`) if it falls inside them."""
    if rule.quiet_hours is None:
        return moment
    start, end = rule.quiet_hours
    local = moment.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    inside = start <= clock < end if start <= end else clock >= start or clock < end
    if not inside:
        return moment
    ending = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ending <= local:
        ending += timedelta(days=1)
    # Wall-clock arithmetic across a DST change: rebuild the local time in the zone.
    ending = datetime(ending.year, ending.month, ending.day, end.hour, end.minute, tzinfo=zone)
    return ending.astimezone(moment.tzinfo)


def due_at(rule: AlertRuleConfig, now: datetime, zone: ZoneInfo, recent: Sequence[datetime]) -> datetime:
    """When a new alert of `rule` goes out: now, after quiet hours, and within max_per_hour of the rule's
    alerts (`recent`: when its other alerts were or are due)."""
    due = after_quiet_hours(rule, now, zone)
    times = sorted(recent)
    while True:
        window = [moment for moment in times if due - HOUR < moment <= due + HOUR]
        before = [moment for moment in window if moment <= due]
        if len(before) < rule.max_per_hour:
            return due
        due = after_quiet_hours(rule, before[-rule.max_per_hour] + HOUR, zone)


def message(rule: AlertRuleConfig, story: StoryFacts, page: str | None, zone: ZoneInfo) -> tuple[str, str]:
    """(title, body): short, plain text (services render it as they like; nothing in it is markup)."""
    named = ", ".join(sorted(story.entities)) or "a tracked entity"
    events = ", ".join(sorted(event.replace("_", " ") for event in story.events))
    title = f"{named}: {events}" if events else named
    outlets = list(dict.fromkeys(story.outlets))
    lines = [
        story.title,
        f"{len(outlets)} outlet{'s' if len(outlets) != 1 else ''} ({', '.join(outlets[:5])}), "
        f"languages: {', '.join(story.languages) or '?'}; first report "
        f"{story.first_published.astimezone(zone):%Y-%m-%d %H:%M %Z}",
    ]
    if story.link:
        lines.append(story.link)
    if page:
        lines.append(page)
    lines.append(f"rule {rule.name} · alert {rule.name}:{story.key}")
    return title[:250], "\n".join(lines)
