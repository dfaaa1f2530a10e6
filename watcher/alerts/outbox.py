"""Deciding alerts (rows, in one transaction per pass) and sending the due ones (outside transactions)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from watcher.alerts.rules import HOUR, due_at, fits, message
from watcher.alerts.send import deliver
from watcher.config import Config
from watcher.store import Database
from watcher.store.alerts import add_alert, alerted, finish_alert, last_due_times, recent_stories, take_due_alerts

log = logging.getLogger(__name__)

LOOK_BACK = timedelta(days=1)  # stories updated this recently are looked at (a rule added later alerts no older)
SEND_LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8  # then the alert is failed (about a day of retries)


def decide_alerts(db: Database, config: Config, now: datetime) -> int:
    """Create the alert of each rule for each story that now fits it and has none. → alerts created."""
    rules = config.alerts.rules
    if not rules:
        return 0
    zone = config.digest.zone
    created = 0
    with db.session() as session:
        stories = recent_stories(session, now - LOOK_BACK)
        done = alerted(session, [story.id for story in stories])
        for rule in rules:
            recent = last_due_times(session, rule.name, now - 2 * HOUR)
            for story in stories:
                if (rule.name, story.id) in done or not fits(rule, story):
                    continue
                page = f"{config.web.base_url}stories/{story.id}" if config.web.base_url else None
                title, body = message(rule, story, page, zone)
                due = due_at(rule, now, zone, recent)
                if add_alert(session, rule.name, story, title, body, now, due):
                    created += 1
                    recent.append(due)
                    log.info("alert.decided", extra={"fields": {"rule": rule.name, "story": story.id, "due": due}})
    return created


def send_due_alerts(db: Database, config: Config, now: datetime) -> int:
    """Send the alerts due now (this instance holding each one's lease). → alerts sent."""
    rules = {rule.name: rule for rule in config.alerts.rules}
    with db.session() as session:
        taken = take_due_alerts(session, now, now + SEND_LEASE)
    sent = 0
    for alert in taken:
        rule = rules.get(alert.rule)
        if rule is None:  # the rule was removed from config.yaml meanwhile
            with db.session() as session:
                finish_alert(session, alert.id, "failed", now, "its rule is no longer configured")
            continue
        error = deliver(list(rule.notify), alert.title, alert.body, alert.key)
        with db.session() as session:
            if error is None:
                finish_alert(session, alert.id, "sent", now)
                sent += 1
                log.info("alert.sent", extra={"fields": {"rule": alert.rule, "key": alert.key}})
            elif alert.attempts >= MAX_ATTEMPTS:
                finish_alert(session, alert.id, "failed", now, error)
                log.error("alert.failed", extra={"fields": {"key": alert.key, "error": error}})
            else:
                retry = now + timedelta(minutes=2**alert.attempts)
                finish_alert(session, alert.id, "pending", now, error, retry_at=retry)
                log.warning("alert.retry", extra={"fields": {"key": alert.key, "error": error, "at": retry}})
    return sent
