"""The digests sent (one per route and day) and which matches each delivered."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Mapped, relationship

from watcher import tables
from watcher.models.base import Base

if TYPE_CHECKING:  # the relationships' targets, resolved by name when the mappers are configured
    from watcher.models.items import Match


class Delivery(Base):
    """A match claimed by one route's digest. Unique per (match, route): no route gets a match twice."""

    __table__ = tables.deliveries

    id: Mapped[int]
    match_id: Mapped[int]
    route: Mapped[str]
    digest_id: Mapped[int]

    match: Mapped["Match"] = relationship(back_populates="deliveries")
    digest: Mapped["Digest"] = relationship(back_populates="deliveries")


class Digest(Base):
    """A digest message: claimed matches, the rendered message, and where delivery stands (watcher/tables.py)."""

    __table__ = tables.digests

    id: Mapped[int]
    key: Mapped[str | None]
    route: Mapped[str]
    status: Mapped[str]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    recipients: Mapped[list[Any]]
    subject: Mapped[str]
    message_id: Mapped[str | None]
    message: Mapped[bytes | None]
    transport: Mapped[str | None]
    attempts: Mapped[int]
    next_attempt_at: Mapped[datetime | None]
    send_lease_owner: Mapped[str | None]
    send_lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None]

    deliveries: Mapped[list["Delivery"]] = relationship(back_populates="digest", passive_deletes=True)
