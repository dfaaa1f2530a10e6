"""The digests sent (one per route and day) and which matches each delivered."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watcher.models.base import Base

if TYPE_CHECKING:  # the relationships' targets, resolved by name when the mappers are configured
    from watcher.models.items import Match


class Delivery(Base):
    """A match claimed by one route's digest. Unique per (match, route): no route gets a match twice."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("match_id", "route", name="uq_deliveries_match_route"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"))
    route: Mapped[str] = mapped_column(String(100))
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"), index=True)

    match: Mapped["Match"] = relationship(back_populates="deliveries")
    digest: Mapped["Digest"] = relationship(back_populates="deliveries")


class Digest(Base):
    """A digest message: claimed matches, the rendered message, and where delivery stands.

    status: pending (rendered, not yet accepted by the mail server), sent, failed (refused for good;
    its matches were released to the next digest), empty (a scheduled day with nothing new).
    """

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)  # one scheduled digest per route and day
    route: Mapped[str] = mapped_column(String(100), default="default")
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str | None] = mapped_column(String(300), unique=True)
    message: Mapped[bytes | None]  # the exact bytes sent, so a retry sends the identical message
    transport: Mapped[str | None] = mapped_column(String(300))  # smtp host or outbox path
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    # The instance handing it to the mail server, until then (several instances share one database).
    send_lease_owner: Mapped[str | None] = mapped_column(String(200))
    send_lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    deliveries: Mapped[list["Delivery"]] = relationship(back_populates="digest", passive_deletes=True)
