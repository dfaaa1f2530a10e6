"""What follows each polling pass, after the stories (storykeeper): the search index takes the new items,
matches like ones an analyst rejected are held back from the digest, and instant alerts are decided and sent.

Run by the daemon after each tick and by `watcher run --once`, in a worker thread. Each step is an extra:
one that fails is logged and the others still run (the matches are stored and will be mailed regardless).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from watcher.alerts import decide_alerts, send_due_alerts
from watcher.analyze.signals import char_trigrams
from watcher.config import Config
from watcher.feedback import closest_rejected
from watcher.search import index_pending
from watcher.store import Database
from watcher.store.feedback import REJECTION_MEMORY, accepted_texts, hold, new_unjudged_matches, rejected_since

log = logging.getLogger(__name__)

HOLD_LOOK_BACK = timedelta(hours=6)  # new matches this recent are compared with rejected ones


@dataclass
class FollowUp:
    indexed: int = 0
    held: int = 0
    alerts_decided: int = 0
    alerts_sent: int = 0


def hold_similar(db: Database, now: datetime) -> int:
    """Hold back new, unjudged matches close to rejected matches of the same entity. → matches held."""
    held = 0
    with db.session() as session:
        fresh = new_unjudged_matches(session, now - HOLD_LOOK_BACK)
        rejected: dict[int, list[tuple[int, frozenset[str]]]] = {}
        accepted: dict[int, list[frozenset[str]]] = {}
        for match_id, entity_id, text in fresh:
            if entity_id not in rejected:
                rejected[entity_id] = [
                    (other, char_trigrams(other_text))
                    for other, other_text in rejected_since(session, entity_id, now - REJECTION_MEMORY)
                ]
                texts = accepted_texts(session, entity_id) if rejected[entity_id] else []
                accepted[entity_id] = [char_trigrams(other) for other in texts]
            closest = closest_rejected(text, rejected[entity_id], accepted[entity_id])
            if closest is not None:
                note = f"like match {closest[0]} marked not relevant ({closest[1]:.2f} alike)"
                held += hold(session, match_id, entity_id, now, note)
    return held


def follow_up(db: Database, config: Config, now: datetime) -> FollowUp:
    done = FollowUp()
    steps = (
        ("indexed", lambda: _index_all(db, now)),
        ("held", lambda: hold_similar(db, now)),
        ("alerts_decided", lambda: decide_alerts(db, config, now)),
        ("alerts_sent", lambda: send_due_alerts(db, config, now)),
    )
    for name, step in steps:
        try:
            setattr(done, name, step())
        except Exception as exc:
            log.exception("followup.failed", extra={"fields": {"step": name, "error": str(exc)}})
    if done.held or done.alerts_decided or done.alerts_sent:
        log.info("followup.done", extra={"fields": vars(done)})
    return done


def _index_all(db: Database, now: datetime) -> int:
    with db.session() as session:
        return index_pending(session, now)
