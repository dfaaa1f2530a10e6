"""An analyst's verdict on a match, or watcher's hold on it."""

from datetime import datetime

from sqlalchemy.orm import Mapped

from watcher import tables
from watcher.models.base import Base


class MatchFeedback(Base):
    """An analyst's verdict on a match, or watcher's hold on one like those rejected; one row per match.

    verdict: not_relevant (said by `by`: left out of every later digest, counted against the entity's
    aliases), held (watcher found it close to rejected ones: left out until someone says it is relevant),
    relevant (said by `by`: mailed as usual, and never held again).
    """

    __table__ = tables.match_feedback

    id: Mapped[int]
    match_id: Mapped[int]
    entity_id: Mapped[int]
    verdict: Mapped[str]
    by: Mapped[str]
    at: Mapped[datetime]
    note: Mapped[str | None]
