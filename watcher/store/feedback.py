"""Verdicts on matches: "not relevant" said by an analyst, matches watcher holds back as close to rejected
ones, and "relevant" (an analyst's release of a held match, or an undo). One row per match, the latest word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from watcher.models import Delivery, Entity, Item, Match, MatchFeedback
from watcher.store.engine import insert_or_ignore

NOT_RELEVANT = "not_relevant"
HELD = "held"
RELEVANT = "relevant"
VERDICTS = (NOT_RELEVANT, HELD, RELEVANT)
LEFT_OUT = (NOT_RELEVANT, HELD)  # verdicts that keep a match out of the digest


@dataclass(frozen=True)
class Verdict:
    match_id: int
    entity: str
    verdict: str
    by: str
    at: datetime
    note: str | None


def set_verdict(session: Session, match_id: int, verdict: str, by: str, now: datetime, note: str | None = None) -> bool:
    """Record `verdict` on a match, replacing an earlier one. → False if there is no such match."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    entity_id = session.scalar(select(Match.entity_id).where(Match.id == match_id))
    if entity_id is None:
        return False
    session.execute(delete(MatchFeedback).where(MatchFeedback.match_id == match_id))
    session.add(MatchFeedback(match_id=match_id, entity_id=entity_id, verdict=verdict, by=by[:200], at=now, note=note))
    return True


def hold(session: Session, match_id: int, entity_id: int, now: datetime, note: str) -> bool:
    """Hold a match back unless someone has already said something about it. → whether it was held."""
    result = session.execute(
        insert_or_ignore(session, MatchFeedback.__table__)
        .values(match_id=match_id, entity_id=entity_id, verdict=HELD, by="watcher", at=now, note=note)
        .on_conflict_do_nothing(index_elements=["match_id"])
    )
    return bool(result.rowcount)


def verdicts_of(session: Session, match_ids: Sequence[int]) -> dict[int, Verdict]:
    found: dict[int, Verdict] = {}
    for start in range(0, len(match_ids), 500):
        rows = session.execute(
            select(MatchFeedback, Entity.name)
            .join(Entity, Entity.id == MatchFeedback.entity_id)
            .where(MatchFeedback.match_id.in_(list(match_ids[start : start + 500])))
        )
        for row, name in rows:
            found[row.match_id] = Verdict(row.match_id, name, row.verdict, row.by, row.at, row.note)
    return found


@dataclass(frozen=True)
class Judged:
    """A match an analyst judged, with its item's text: what proposals and similarity learn from."""

    match_id: int
    item_id: int
    verdict: str
    alias: str
    title: str
    text: str  # title, summary and content


def judged_matches(session: Session, entity: str, limit: int = 500) -> list[Judged]:
    """The latest matches of `entity` with a verdict, and as many without one (taken as accepted)."""
    entity_id = session.scalar(select(Entity.id).where(Entity.name == entity))
    if entity_id is None:
        return []
    rows = session.execute(
        select(Match.id, Item.id, MatchFeedback.verdict, Match.alias, Item.title, Item.summary, Item.content)
        .join(Item, Item.id == Match.item_id)
        .outerjoin(MatchFeedback, MatchFeedback.match_id == Match.id)
        .where(Match.entity_id == entity_id)
        .order_by(Match.id.desc())
        .limit(limit * 2)
    )
    return [
        Judged(match_id, item_id, verdict or RELEVANT, alias, title, " ".join((title, summary, content)))
        for match_id, item_id, verdict, alias, title, summary, content in rows
    ]


@dataclass(frozen=True)
class AliasPrecision:
    alias: str
    matches: int
    not_relevant: int
    held: int

    @property
    def precision(self) -> float | None:
        """Share of judged-or-unjudged matches not rejected; None before any match."""
        return (self.matches - self.not_relevant) / self.matches if self.matches else None


def alias_precision(session: Session, entity: str) -> list[AliasPrecision]:
    """Per alias (the one that matched first in each item): matches, rejected and held. Most used first."""
    rows = session.execute(
        select(
            Match.alias,
            func.count(),
            func.sum(case((MatchFeedback.verdict == NOT_RELEVANT, 1), else_=0)),
            func.sum(case((MatchFeedback.verdict == HELD, 1), else_=0)),
        )
        .join(Entity, Entity.id == Match.entity_id)
        .outerjoin(MatchFeedback, MatchFeedback.match_id == Match.id)
        .where(Entity.name == entity)
        .group_by(Match.alias)
        .order_by(func.count().desc(), Match.alias)
    )
    return [AliasPrecision(alias, int(n), int(rejected or 0), int(held or 0)) for alias, n, rejected, held in rows]


def rejected_since(session: Session, entity_id: int, since: datetime) -> list[tuple[int, str]]:
    """(match id, item text) of the entity's matches rejected by an analyst since `since`."""
    rows = session.execute(
        select(Match.id, Item.title, Item.summary)
        .join(MatchFeedback, MatchFeedback.match_id == Match.id)
        .join(Item, Item.id == Match.item_id)
        .where(MatchFeedback.entity_id == entity_id, MatchFeedback.verdict == NOT_RELEVANT, MatchFeedback.at >= since)
    )
    return [(match_id, f"{title} {summary}") for match_id, title, summary in rows]


def accepted_texts(session: Session, entity_id: int, limit: int = 200) -> list[str]:
    """Item texts of the entity's latest matches that were mailed without complaint or said to be relevant."""
    delivered = select(Delivery.id).where(Delivery.match_id == Match.id).exists()
    rows = session.execute(
        select(Item.title, Item.summary)
        .join(Match, Match.item_id == Item.id)
        .outerjoin(MatchFeedback, MatchFeedback.match_id == Match.id)
        .where(
            Match.entity_id == entity_id,
            (MatchFeedback.verdict == RELEVANT) | (MatchFeedback.id.is_(None) & delivered),
        )
        .order_by(Match.id.desc())
        .limit(limit)
    )
    return [f"{title} {summary}" for title, summary in rows]


def new_unjudged_matches(session: Session, since: datetime) -> list[tuple[int, int, str]]:
    """(match id, entity id, item text) of matches made since `since` that nobody has judged."""
    rows = session.execute(
        select(Match.id, Match.entity_id, Item.title, Item.summary)
        .join(Item, Item.id == Match.item_id)
        .outerjoin(MatchFeedback, MatchFeedback.match_id == Match.id)
        .where(Match.matched_at >= since, MatchFeedback.id.is_(None), Match.suppressed.is_(False))
    )
    return [(match_id, entity_id, f"{title} {summary}") for match_id, entity_id, title, summary in rows]


REJECTION_MEMORY = timedelta(days=180)  # rejected matches older than this no longer hold new ones back
