"""Business events an item reports about tracked entities. Pure: sentences, entity hits and cues in, events out.

An event needs, in one sentence (the title or one of the first sentences of the summary):
- a cue of its type in the item's language (watcher/analyze/cues.py);
- a tracked organisation as its subject: the first one named before the cue. Partnerships and legal
  actions go to every tracked party named in the sentence ("VW kooperiert mit Xiaomi": both; "Brandenburg
  fines Tesla": Tesla), but never to one just after "following", "like", "rival" ... ("after Toyota");
- for a market entry, a country in the sentence (the first after the cue; a name over an adjective).
A rumour, denial, negation, review, opinion, share move or anniversary in a sentence drops it; in the
title, it drops every event of the item. When in doubt the item carries no event: a wrong event costs an
analyst more than a missing one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from watcher.analyze.cues import ITEM_BLOCKERS, SHARED_EVENTS, SUFFIX_CUES, blockers, event_cues
from watcher.analyze.markets import MarketHit
from watcher.config import EntityConfig
from watcher.match import Matcher

EVENT_TYPES = (
    "market_entry", "partnership", "product_launch", "patent", "legal", "funding", "acquisition", "layoffs",
    "earnings", "leadership",
)  # fmt: skip
EVIDENCE_CHARS = 240
NOT_PARTY_REACH = 14  # characters between "following"/"après" and the entity it demotes (after it in CJK)
# A figure that is not a year: "sales rose 9%", "2分기", not "in 2026".
_FIGURE = re.compile(r"(?<!\d)(?!(?:19|20)\d\d(?!\d))\d")
_CJK_LANGUAGES = ("zh", "ja", "ko")


@dataclass(frozen=True)
class Event:
    type: str
    entity: str
    evidence: str
    market: str | None = None

    def as_dict(self) -> dict[str, str]:
        found = {"type": self.type, "entity": self.entity}
        if self.market:
            found["market"] = self.market
        found["evidence"] = self.evidence
        return found


@dataclass(frozen=True)
class Cue:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Party:
    entity: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """One sentence of an item with what was found in it; `index` 0 is the title."""

    index: int
    text: str
    parties: tuple[Party, ...]  # tracked organisations named in it, in text order
    markets: tuple[MarketHit, ...]
    cues: tuple[Cue, ...]


class CueFinder:
    """Every cue phrase of every language in one automaton (watcher.match's folding and word edges)."""

    def __init__(self) -> None:
        entities = []
        for table in (event_cues(), blockers()):
            for kind, by_language in table.items():
                for language, phrases in by_language.items():
                    entities.append(EntityConfig(name=f"{kind}|{language}", aliases=phrases))
        self.matcher = Matcher.build(entities)
        self.languages = {
            language for table in (event_cues(), blockers()) for rows in table.values() for language in rows
        }
        self.suffixes = {
            (kind, language): re.compile(pattern, re.IGNORECASE)
            for kind, by_language in SUFFIX_CUES.items()
            for language, pattern in by_language.items()
        }

    def find(self, text: str, language: str | None) -> list[Cue]:
        base = (language or "").split("-")[0].split("_")[0].lower()
        known = base in self.languages
        cues = []
        for entity_match in self.matcher.match({"text": text}):
            kind, cue_language = entity_match.entity.split("|")
            if cue_language == "*" or cue_language == base or not known:
                cues.extend(Cue(kind, hit.start, hit.end) for hit in entity_match.hits)
        for (kind, cue_language), pattern in self.suffixes.items():
            if cue_language == base:
                cues.extend(Cue(kind, *found.span()) for found in pattern.finditer(text))
        return sorted(_longest(cues), key=lambda cue: cue.start)


def _longest(cues: list[Cue]) -> list[Cue]:
    """Cues not inside a longer cue of another kind: "übernimmt die Leitung" is leadership, not "übernimmt"."""
    return [
        cue
        for cue in cues
        if not any(
            other.kind != cue.kind and other.start <= cue.start and cue.end <= other.end
            and other.end - other.start > cue.end - cue.start
            for other in cues
        )
    ]  # fmt: skip


@cache
def cue_finder() -> CueFinder:
    return CueFinder()


def _blockers(sentence: Sentence) -> list[str]:
    """The blockers of a sentence, in text order. Shares sold to raise money are funding, not a share move
    ("размещение акций", "share placement")."""
    kinds = [cue.kind for cue in sentence.cues if cue.kind in blockers() and cue.kind != "not_party"]
    if "stock" in kinds and any(cue.kind == "funding" for cue in sentence.cues):
        kinds = [kind for kind in kinds if kind != "stock"]
    return kinds


def item_blocker(title: Sentence) -> str | None:
    """What a title is when it is a review, opinion, denial, rumour, share move or anniversary: no event at all."""
    return next((kind for kind in _blockers(title) if kind in ITEM_BLOCKERS), None)


def extract_events(sentences: Sequence[Sentence], language: str | None) -> list[Event]:
    """The events of an item, title first; at most one per (type, entity)."""
    if not sentences or item_blocker(sentences[0]):
        return []
    title_parties = _parties(sentences[0], language)  # not "following Aramco": no subject to carry on
    title_subject = title_parties[0] if title_parties else None
    # A headline's figures are often in the lead: "Heineken sells less beer in the third quarter" (volumes -4%).
    lead_figure = len(sentences) > 1 and bool(_FIGURE.search(sentences[1].text))
    found: dict[tuple[str, str], Event] = {}
    for sentence in sentences:
        if _blockers(sentence):
            continue
        parties = _parties(sentence, language)
        if not parties and sentence.index >= 1 and title_subject is not None:
            # The lead continues the title: "The German group is paying ..." is about the title's subject.
            parties = [Party(title_subject.entity, -1, -1)]
        if not parties:
            continue
        for event_type, cue in _event_cues(sentence, figure=sentence.index == 0 and lead_figure):
            market = None
            if event_type == "market_entry":
                market = _market(sentence.markets, cue)
                if market is None:
                    continue  # a market entry without a country is too unsure to report
            for entity in _subjects(event_type, cue, parties):
                key = (event_type, entity)
                if key not in found:
                    found[key] = Event(event_type, entity, _evidence(sentence.text, cue), market)
    entered = {entity for event_type, entity in found if event_type == "market_entry"}
    # "Enters Japan with a kei car": the entry is the news, the car its means.
    events = [event for key, event in found.items() if not (key[0] == "product_launch" and key[1] in entered)]
    return sorted(events, key=lambda event: EVENT_TYPES.index(event.type))


def _parties(sentence: Sentence, language: str | None) -> list[Party]:
    """The tracked organisations of a sentence that can be a party (not "after Toyota", "rival Siemens")."""
    markers = [cue for cue in sentence.cues if cue.kind == "not_party"]
    postpositional = (language or "")[:2] in _CJK_LANGUAGES
    parties = []
    for party in sentence.parties:
        demoted = any(
            (0 <= party.start - marker.end <= NOT_PARTY_REACH)
            if not postpositional
            else (0 <= marker.start - party.end <= 3)
            for marker in markers
        )
        if not demoted:
            parties.append(party)
    return parties


def _event_cues(sentence: Sentence, figure: bool = False) -> list[tuple[str, Cue]]:
    """(event type, its cue) for each event the sentence's cues make, in text order, conflicts resolved.
    `figure`: a figure elsewhere (the lead's) counts for the weak cues, as one in the sentence does."""
    kinds: dict[str, Cue] = {}
    for cue in sentence.cues:
        kinds.setdefault(cue.kind, cue)
    events: dict[str, Cue] = {kind: cue for kind, cue in kinds.items() if kind in EVENT_TYPES}
    weak_only = set()
    for weak in ("earnings", "funding"):
        if f"{weak}?" in kinds and weak not in events and (figure or _FIGURE.search(sentence.text)):
            events[weak] = kinds[f"{weak}?"]
            weak_only.add(weak)
    if "facility" in kinds and "build" in kinds and "market_entry" not in events:
        events["market_entry"] = min(kinds["facility"], kinds["build"], key=lambda cue: cue.start)
    if "cut" in kinds and "jobs" in kinds and "layoffs" not in events:
        events["layoffs"] = kinds["cut"]
    if "sell" in kinds and "asset" in kinds and "acquisition" not in events:
        events["acquisition"] = kinds["sell"]
    if "legal" in events:
        events.pop("patent", None)  # a patent lawsuit is legal, not a patent
    if "acquisition" in events or "funding" in events:
        events.pop("partnership", None)  # "the deal values the company at ..."
    if "earnings" in weak_only and "acquisition" in events:
        events.pop("earnings", None)  # "продажу бизнеса", the sale of a business: not its sales figures
    if "leadership" in events:
        events.pop("acquisition", None)  # "übernimmt zum 1. Januar die Leitung": takes over a post, not a company
    if "funding" in events:
        events.pop("product_launch", None)  # "launches a share sale", 上市: a listing, not a product
    if "layoffs" in events:
        events.pop("market_entry", None)  # a plant closing, not opening
        events.pop("earnings", None)  # "cuts 900 jobs after sales fell"
    if "market_entry" in events and "product_launch" in events and "facility" not in kinds:
        events.pop("product_launch", None)  # "launches in Korea": entering is the news
    if "announce" in kinds and not events:
        events["product_launch"] = kinds["announce"]  # 発表 alone: a product; with results, the results
    return sorted(events.items(), key=lambda pair: pair[1].start)


def _subjects(event_type: str, cue: Cue, parties: Sequence[Party]) -> list[str]:
    if event_type in SHARED_EVENTS:
        return list(dict.fromkeys(party.entity for party in parties))
    before = [party for party in parties if party.start < cue.start]
    return [before[0].entity] if before else []


def _market(markets: Sequence[MarketHit], cue: Cue) -> str | None:
    if not markets:
        return None
    names = [hit for hit in markets if hit.is_name] or list(markets)
    after = [hit for hit in names if hit.start >= cue.start]
    if after:
        return after[0].code
    return min(names, key=lambda hit: cue.start - hit.end).code


def _evidence(text: str, cue: Cue) -> str:
    text = " ".join(text.split())
    if len(text) <= EVIDENCE_CHARS:
        return text
    start = max(0, min(cue.start - EVIDENCE_CHARS // 2, len(text) - EVIDENCE_CHARS))
    return ("…" if start else "") + text[start : start + EVIDENCE_CHARS].strip() + "…"
