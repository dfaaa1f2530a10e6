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
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.utils import make_msgid, parseaddr

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from watcher.config import Config
from watcher.digest import DigestModel, RenderedDigest, build_digest, compose_message, render_digest
from watcher.errors import PermanentDeliveryError, TemporaryDeliveryError
from watcher.mailer import Mailer
from watcher.models import Digest
from watcher.store import (
    Database,
    MatchRow,
    claim_matches,
    digest_by_key,
    failing_feeds,
    pending_digests,
    release_matches,
    undelivered_matches,
)

log = logging.getLogger(__name__)

# Stored as it goes on the wire (CRLF line ends): smtplib fixes line ends only of str messages.
SMTP_POLICY = policy.SMTP
RETRY_BASE = timedelta(minutes=2)
RETRY_MAX = timedelta(hours=2)
FAILING_FEED_AGE = timedelta(hours=24)


@dataclass(frozen=True)
class DigestOutcome:
    status: str  # sent | nothing | pending | failed | done-today
    digest_id: int | None = None
    match_count: int = 0
    where: str | None = None
    error: str | None = None


def daily_key(config: Config, now: datetime) -> str:
    return f"daily:{now.astimezone(config.digest.zone).date().isoformat()}"


def digest_due(config: Config, now: datetime) -> bool:
    """True once today's configured local time has passed (the caller checks it was not sent yet)."""
    local = now.astimezone(config.digest.zone)
    return local.time().replace(second=0, microsecond=0) >= config.digest.time


def run_digest(db: Database, config: Config, mailer: Mailer, now: datetime, *, key: str | None = None) -> DigestOutcome:
    """Retry digests still pending, then build and send a new one from what is undelivered.

    With a key (the daily run), at most one digest per key is ever created, even an empty one.
    """
    retried = retry_pending(db, mailer, now)
    created = create_digest(db, config, now, key=key)
    if created is None:
        if key is not None and _key_taken(db, key) and not retried:
            return DigestOutcome("done-today")
        return retried[-1] if retried else DigestOutcome("nothing")
    return send_stored(db, mailer, created, now)


def retry_pending(db: Database, mailer: Mailer, now: datetime) -> list[DigestOutcome]:
    """Re-send digests left pending by a temporary failure or a crash, once their retry time has come."""
    with db.session() as session:
        pending = [digest.id for digest in pending_digests(session, now)]
    return [send_stored(db, mailer, digest_id, now) for digest_id in pending]


def _key_taken(db: Database, key: str) -> bool:
    with db.session() as session:
        return digest_by_key(session, key) is not None


def preview_digest(db: Database, config: Config, now: datetime) -> RenderedDigest | None:
    """The digest that would be sent now, rendered; nothing is claimed or marked."""
    with db.session() as session:
        rows = undelivered_matches(session, [entity.name for entity in config.entities])
        if not rows:
            return None
        return render_digest(_model(session, config, rows, now), config.digest.subject)


def _model(session: Session, config: Config, rows: list[MatchRow], now: datetime) -> DigestModel:
    return build_digest(
        rows,
        timezone=config.digest.timezone,
        now=now,
        max_per_entity=config.digest.max_items_per_entity,
        entity_order=[entity.name for entity in config.entities],
        failing_feeds=failing_feeds(session, now, FAILING_FEED_AGE),
    )


def create_digest(db: Database, config: Config, now: datetime, *, key: str | None = None) -> int | None:
    """Step 1: claim the undelivered matches and store the rendered message. → digest id, or None."""
    try:
        with db.session() as session:
            if key is not None and digest_by_key(session, key) is not None:
                return None
            rows = undelivered_matches(session, [entity.name for entity in config.entities])
            if not rows:
                if key is not None:  # the day is done, with nothing to say
                    session.add(Digest(key=key, status="empty", created_at=now, recipients=[], subject=""))
                    log.info("digest.empty", extra={"fields": {"key": key}})
                return None
            rendered = render_digest(_model(session, config, rows, now), config.digest.subject)
            message_id = make_msgid("digest", domain=_domain(config.digest.sender))
            message = compose_message(
                rendered,
                sender=config.digest.sender,
                recipients=config.digest.recipients,
                message_id=message_id,
                date=now,
            )
            digest = Digest(
                key=key,
                status="pending",
                created_at=now,
                recipients=list(config.digest.recipients),
                subject=rendered.subject,
                message_id=message_id,
                message=message.as_bytes(policy=SMTP_POLICY),
            )
            session.add(digest)
            session.flush()
            claimed = claim_matches(session, digest.id, [row.match_id for row in rows])
            if claimed != len(rows):
                raise _ClaimRace
            log.info("digest.created", extra={"fields": {"digest": digest.id, "matches": claimed, "key": key}})
            return digest.id
    except (_ClaimRace, IntegrityError):
        # Another instance claimed these matches or took this day's key first: it sends them.
        log.info("digest.skipped", extra={"fields": {"reason": "claimed by another run", "key": key}})
        return None


class _ClaimRace(Exception):
    pass


def send_stored(db: Database, mailer: Mailer, digest_id: int, now: datetime) -> DigestOutcome:
    """Steps 2 and 3: send the stored bytes, then record what happened."""
    with db.session() as session:
        digest = session.get(Digest, digest_id)
        if digest is None or digest.status != "pending" or digest.message is None:
            return DigestOutcome("nothing", digest_id)
        message, match_count = digest.message, len(digest.matches)
    fields = {"digest": digest_id, "matches": match_count, "transport": mailer.description}
    try:
        where = mailer.send(message)
    except TemporaryDeliveryError as exc:
        with db.session() as session:
            digest = session.get_one(Digest, digest_id)
            digest.attempts += 1
            digest.last_error = str(exc)
            digest.next_attempt_at = now + min(RETRY_BASE * 2 ** (digest.attempts - 1), RETRY_MAX)
            retry_at = digest.next_attempt_at
        log.warning("digest.retry_later", extra={"fields": {**fields, "error": str(exc), "retry_at": retry_at}})
        return DigestOutcome("pending", digest_id, match_count, error=str(exc))
    except PermanentDeliveryError as exc:
        with db.session() as session:
            digest = session.get_one(Digest, digest_id)
            digest.attempts += 1
            digest.status = "failed"
            digest.last_error = str(exc)
            release_matches(session, digest_id)
        log.error("digest.failed", extra={"fields": {**fields, "error": str(exc), "matches_kept": match_count}})
        return DigestOutcome("failed", digest_id, match_count, error=str(exc))
    with db.session() as session:
        digest = session.get_one(Digest, digest_id)
        digest.attempts += 1
        digest.status = "sent"
        digest.sent_at = now
        digest.transport = where[:300]
        digest.last_error = None
    log.info("digest.sent", extra={"fields": {**fields, "where": where}})
    return DigestOutcome("sent", digest_id, match_count, where=where)


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "watcher.local"
