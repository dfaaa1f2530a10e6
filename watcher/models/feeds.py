"""A feed from config.yaml and its fetch state."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Mapped, relationship

from watcher import tables
from watcher.models.base import Base

if TYPE_CHECKING:  # the relationships' targets, resolved by name when the mappers are configured
    from watcher.models.items import Item


class Feed(Base):
    """A feed from config.yaml and its fetch state. Rows outlive config entries (active=False)."""

    __table__ = tables.feeds

    id: Mapped[int]
    url: Mapped[str]
    name: Mapped[str | None]
    title: Mapped[str | None]
    active: Mapped[bool]
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]
    body_hash: Mapped[str | None]
    next_poll_at: Mapped[datetime]
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error_at: Mapped[datetime | None]
    last_error: Mapped[str | None]
    consecutive_failures: Mapped[int]
    created_at: Mapped[datetime]
    config_fingerprint: Mapped[str | None]
    disabled_reason: Mapped[str | None]
    redirect_candidate: Mapped[str | None]
    redirect_streak: Mapped[int]
    redirect_url: Mapped[str | None]
    lease_owner: Mapped[str | None]
    lease_until: Mapped[datetime | None]
    interval_seconds: Mapped[int | None]
    origin: Mapped[str | None]

    items: Mapped[list["Item"]] = relationship(back_populates="feed", passive_deletes=True)

    @property
    def display_name(self) -> str:
        return self.name or self.title or self.url
