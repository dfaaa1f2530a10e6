"""An analyst's verdict on a match, or watcher's hold on it."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watcher.models.base import Base


class MatchFeedback(Base):
    """An analyst's verdict on a match, or watcher's hold on one like those rejected; one row per match.

    verdict: not_relevant (said by `by`: left out of every later digest, counted against the entity's
    aliases), held (watcher found it close to rejected ones: left out until someone says it is relevant),
    relevant (said by `by`: mailed as usual, and never held again).
    """

    __tablename__ = "match_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), unique=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(16))
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)  # e.g. what a held match is close to
