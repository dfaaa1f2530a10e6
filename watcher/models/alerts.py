"""Instant alerts: one per rule and story, sent through the outbox."""

from datetime import datetime

from sqlalchemy.orm import Mapped

from watcher import tables
from watcher.models.base import Base


class Alert(Base):
    """An instant alert: one row per rule and story, then sent (its statuses: watcher/tables.py)."""

    __table__ = tables.alerts

    id: Mapped[int]
    key: Mapped[str]
    rule: Mapped[str]
    story_id: Mapped[int]
    status: Mapped[str]
    title: Mapped[str]
    body: Mapped[str]
    created_at: Mapped[datetime]
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int]
    last_error: Mapped[str | None]
    send_lease_owner: Mapped[str | None]
    send_lease_until: Mapped[datetime | None]
