"""An analyst's verdict on a match, or watcher's hold on it."""

from datetime import datetime

from sqlalchemy.orm import Mapped

from watcher import tables
from watcher.models.base import Base


class MatchFeedback(Base):
    """An analyst's verdict on a match, or watcher's hold on it; one row per match (watcher/tables.py)."""

    __table__ = tables.match_feedback

    id: Mapped[int]
    match_id: Mapped[int]
    entity_id: Mapped[int]
    verdict: Mapped[str]
    by: Mapped[str]
    at: Mapped[datetime]
    note: Mapped[str | None]
