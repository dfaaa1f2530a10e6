"""The digest job: claim undelivered matches, render, hand to the mailer, record the outcome.

Outbox pattern, so a crash at any point neither loses a match nor mails it twice unannounced:
  1. one transaction creates a digest row, claims the undelivered matches for it and stores the
     rendered message with a fixed Message-ID;
  2. the mailer sends those stored bytes (no transaction is open meanwhile);
  3. a second transaction marks the digest sent.
A crash between 2 and 3 leaves the digest pending: the next run re-sends the identical message (same
Message-ID, so a mail client shows it once). A temporary SMTP failure keeps it pending for a retry
with backoff; a permanent one marks it failed and releases its matches to the next digest.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.utils import make_msgid, parseaddr

from sqlalchemy.exc import IntegrityError

from watcher import metrics
from watcher.config import Config, Route
from watcher.digest import (
    DigestModel,
    RenderedDigest,
    assemble_digest,
    compose_message,
    render_digest,
    render_nothing_new,
)
from watcher.errors import PermanentDeliveryError, TemporaryDeliveryError
from watcher.mailer import Mailer
from watcher.models import Digest
from watcher.store import (
    Database,
    MatchRow,
    claim_matches,
    delivered_count,
    digest_by_key,
    pending_digests,
    release_matches,
    take_send_lease,
    undelivered_matches,
)

log = logging.getLogger(__name__)

# Stored as it goes on the wire (CRLF line ends): smtplib fixes line ends only of str messages.
SMTP_POLICY = policy.SMTP
RETRY_BASE = timedelta(minutes=2)
RETRY_MAX = timedelta(hours=2)
SEND_LEASE = timedelta(minutes=10)  # longer than any SMTP exchange; a dead sender's lease lapses


@dataclass(frozen=True)
class DigestOutcome:
    status: str  # sent | nothing | pending | failed | done-today
    route: str = "default"
    digest_id: int | None = None
    match_count: int = 0
    where: str | None = None
    error: str | None = None


def daily_key(route: Route, config: Config, now: datetime) -> str:
    return f"daily:{route.name}:{now.astimezone(config.digest.zone).date().isoformat()}"


def digest_due(config: Config, now: datetime) -> bool:
    """True once today's configured local time has passed (the caller checks it was not sent yet)."""
    local = now.astimezone(config.digest.zone)
    return local.time().replace(second=0, microsecond=0) >= config.digest.time


def run_digests(
    db: Database, config: Config, mailer: Mailer, now: datetime, *, scheduled: bool = False
) -> list[DigestOutcome]:
    """Retry digests still pending, then build and send one digest per route from what it has not had.

    scheduled: the daily run; at most one digest per route and day is ever created, even an empty one.
    Otherwise (an operator's `watcher digest`) pending digests are retried now, whatever their retry time.
    """
    outcomes = retry_pending(db, mailer, now, force=not scheduled)
    for route in config.routes():
        key = daily_key(route, config, now) if scheduled else None
        done_before = key is not None and _key_taken(db, key)
        created = create_digest(db, config, route, now, key=key)
        if created is None:
            status = "done-today" if done_before else "nothing"
            outcomes.append(DigestOutcome(status, route.name))
        else:
            outcomes.append(send_stored(db, mailer, created, now))
    return outcomes


def retry_pending(db: Database, mailer: Mailer, now: datetime, *, force: bool = False) -> list[DigestOutcome]:
    """Re-send digests left pending by a temporary failure or a crash once their retry time has come
    (at once, with force)."""
    with db.session() as session:
        pending = [digest.id for digest in pending_digests(session, now, ignore_retry_time=force)]
    return [send_stored(db, mailer, digest_id, now) for digest_id in pending]


def _key_taken(db: Database, key: str) -> bool:
    with db.session() as session:
        return digest_by_key(session, key) is not None


def preview_digest(db: Database, config: Config, now: datetime, route: Route | None = None) -> RenderedDigest | None:
    """The digest that would be sent now for a route (the first by default); nothing is claimed or marked."""
    route = route or config.routes()[0]
    with db.session() as session:
        rows = undelivered_matches(session, route.name, route.entities)
        if not rows:
            return None
        model = assemble_digest(session, config, route, rows, now)
        return render_digest(model, route.subject, not_relevant_links(config, model, rows))


def create_digest(db: Database, config: Config, route: Route, now: datetime, *, key: str | None = None) -> int | None:
    """Step 1: claim the route's undelivered matches and store the rendered message. → digest id, or None."""
    try:
        with db.session() as session:
            if key is not None and digest_by_key(session, key) is not None:
                return None
            rows = undelivered_matches(session, route.name, route.entities)
            if rows:
                model = assemble_digest(session, config, route, rows, now)
                rendered = render_digest(model, route.subject, not_relevant_links(config, model, rows))
            elif key is not None and config.digest.empty == "send":
                rendered = render_nothing_new(route.subject, now, config.digest.timezone)
            else:
                if key is not None:  # the day is done, with nothing to say
                    session.add(Digest(key=key, route=route.name, status="empty", created_at=now, subject=""))
                    log.info("digest.empty", extra={"fields": {"route": route.name, "key": key}})
                return None
            message_id = make_msgid("digest", domain=_domain(config.digest.sender))
            message = compose_message(
                rendered, sender=config.digest.sender, recipients=route.recipients, message_id=message_id, date=now
            )
            digest = Digest(
                key=key,
                route=route.name,
                status="pending",
                created_at=now,
                recipients=list(route.recipients),
                subject=rendered.subject,
                message_id=message_id,
                message=message.as_bytes(policy=SMTP_POLICY),
            )
            session.add(digest)
            session.flush()
            claimed = claim_matches(session, digest.id, route.name, [row.match_id for row in rows])
            if claimed != len(rows):
                raise _ClaimRace
            fields = {"digest": digest.id, "route": route.name, "matches": claimed, "key": key}
            log.info("digest.created", extra={"fields": fields})
            return digest.id
    except (_ClaimRace, IntegrityError):
        # Another instance claimed these matches or took this day's key first: it sends them.
        log.info("digest.skipped", extra={"fields": {"reason": "claimed by another run", "route": route.name}})
        return None


def not_relevant_links(
    config: Config, model: DigestModel, rows: Sequence[MatchRow]
) -> dict[str, list[tuple[str, str]]]:
    """Per story: a signed one-click "not relevant" link for each entity of its first report (web.base_url set)."""
    if not config.web.base_url:
        return {}
    from watcher.feedback import link_secret, not_relevant_token

    secret = link_secret(config.state_path)
    match_of = {(row.item_id, row.entity): row.match_id for row in rows}
    links: dict[str, list[tuple[str, str]]] = {}
    for story in model.complete_listing or model.listed:
        for name in story.lead.entities:
            match_id = match_of.get((story.lead.item_id, name))
            if match_id is not None:
                url = f"{config.web.base_url}confirm/{not_relevant_token(secret, match_id)}"
                links.setdefault(story.key, []).append((name, url))
    return links


class _ClaimRace(Exception):
    pass


def send_stored(db: Database, mailer: Mailer, digest_id: int, now: datetime) -> DigestOutcome:
    """Steps 2 and 3: send the stored bytes, then record what happened."""
    outcome = _send_stored(db, mailer, digest_id, now)
    metrics.DIGESTS.labels(outcome.status).inc()
    return outcome


def _send_stored(db: Database, mailer: Mailer, digest_id: int, now: datetime) -> DigestOutcome:
    with db.session() as session:
        digest = session.get(Digest, digest_id)
        if digest is None or digest.status != "pending" or digest.message is None:
            return DigestOutcome("nothing", digest.route if digest else "default", digest_id)
        if not take_send_lease(session, digest_id, now, now + SEND_LEASE):
            return DigestOutcome("nothing", digest.route, digest_id)  # another instance is sending it
        message, route, match_count = digest.message, digest.route, delivered_count(session, digest_id)
    fields = {"digest": digest_id, "route": route, "matches": match_count, "transport": mailer.description}
    try:
        where = mailer.send(message)
    except TemporaryDeliveryError as exc:
        with db.session() as session:
            digest = session.get_one(Digest, digest_id)
            digest.send_lease_owner = digest.send_lease_until = None
            digest.attempts += 1
            digest.last_error = str(exc)
            digest.next_attempt_at = now + min(RETRY_BASE * 2 ** (digest.attempts - 1), RETRY_MAX)
            retry_at = digest.next_attempt_at
        log.warning("digest.retry_later", extra={"fields": {**fields, "error": str(exc), "retry_at": retry_at}})
        return DigestOutcome("pending", route, digest_id, match_count, error=str(exc))
    except PermanentDeliveryError as exc:
        with db.session() as session:
            digest = session.get_one(Digest, digest_id)
            digest.send_lease_owner = digest.send_lease_until = None
            digest.attempts += 1
            digest.status = "failed"
            digest.last_error = str(exc)
            release_matches(session, digest_id)
        log.error("digest.failed", extra={"fields": {**fields, "error": str(exc), "matches_kept": match_count}})
        return DigestOutcome("failed", route, digest_id, match_count, error=str(exc))
    with db.session() as session:
        digest = session.get_one(Digest, digest_id)
        digest.send_lease_owner = digest.send_lease_until = None
        digest.attempts += 1
        digest.status = "sent"
        digest.sent_at = now
        digest.transport = where[:300]
        digest.last_error = None
    log.info("digest.sent", extra={"fields": {**fields, "where": where}})
    return DigestOutcome("sent", route, digest_id, match_count, where=where)


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "watcher.local"
