"""Instant alerts: one per rule and story, sent through the outbox."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from watcher.models.base import Base


class Alert(Base):
    """An instant alert: one row per rule and story (created with the decision, in one transaction), then sent.

    status: pending (due at due_at, sent at least once more if a crash hit between sending and marking),
    sent, failed (every notification service refused it for good). `key` goes with each send so a receiver
    can tell a repeat from a new alert.
    """

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("rule", "story_id", name="uq_alerts_rule_story"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    rule: Mapped[str] = mapped_column(String(100))
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    send_lease_owner: Mapped[str | None] = mapped_column(String(200))
    send_lease_until: Mapped[datetime | None]
