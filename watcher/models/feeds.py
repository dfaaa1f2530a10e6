"""A feed from config.yaml and its fetch state."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watcher.models.base import Base

if TYPE_CHECKING:  # the relationships' targets, resolved by name when the mappers are configured
    from watcher.models.items import Item


class Feed(Base):
    """A feed from config.yaml and its fetch state. Rows outlive config entries (active=False)."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)  # as written in config.yaml
    name: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(1000))  # as the feed names itself
    active: Mapped[bool] = mapped_column(default=True)
    etag: Mapped[str | None] = mapped_column(String(1024))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    body_hash: Mapped[str | None] = mapped_column(String(64))
    next_poll_at: Mapped[datetime] = mapped_column(index=True)
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    # The config entry as last synced: a change re-enables a feed disabled by 410 and forgets redirects.
    config_fingerprint: Mapped[str | None] = mapped_column(String(64))
    disabled_reason: Mapped[str | None] = mapped_column(Text)  # set by 410 Gone; the feed is not polled
    # A permanent redirect (301/308) seen `redirect_streak` times in a row to the same target; once
    # remembered, the feed is fetched from redirect_url (config.yaml is never rewritten).
    redirect_candidate: Mapped[str | None] = mapped_column(String(2048))
    redirect_streak: Mapped[int] = mapped_column(default=0)
    redirect_url: Mapped[str | None] = mapped_column(String(2048))
    # Several instances share the polling: one claims a due feed by a lease; an expired lease (its
    # instance died) lets another take the feed.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]
    # The feed's own pace: shortened while it publishes, lengthened while it is quiet (poll.min/max_interval).
    interval_seconds: Mapped[int | None]
    # Where the feed comes from: None for config.yaml's feeds, "search" for a news search generated from an
    # entity's aliases and a market (watcher/coverage/search.py).
    origin: Mapped[str | None] = mapped_column(String(16))

    items: Mapped[list["Item"]] = relationship(back_populates="feed", passive_deletes=True)

    @property
    def display_name(self) -> str:
        return self.name or self.title or self.url
