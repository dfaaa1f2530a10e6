"""The sentence model of the events analysis, and the cues found in it.

Event, Cue, Party and Sentence (a sentence of an item with the tracked organisations, countries and cues found
in it); EVENT_TYPES, the taxonomy; CueFinder, one automaton for every cue phrase of every language
(watcher/analyze/cues.py), and cue_language_of, the cue table a language tag reads; and what the rules reading a
sentence know about languages' word order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from watcher.analyze import tables as shipped_tables
from watcher.analyze.cues import SUFFIX_CUES, blockers, cue_table, event_cues, is_split, split_cue_pattern, table_key
from watcher.analyze.markets import MarketHit
from watcher.match import Matcher, MatcherTable

EVENT_TYPES = (
    "market_entry", "partnership", "product_launch", "patent", "legal", "funding", "acquisition", "layoffs",
    "earnings", "leadership",
)  # fmt: skip
CJK_LANGUAGES = ("zh", "ja", "ko")
POSTPOSITIONAL = (*CJK_LANGUAGES, "hi")  # "after Toyota" follows the name: "トヨタに続き", "टोयोटा के बाद"
# Languages that put the verb before its subject: a subject after the cue is as likely as one before.
VERB_FIRST = ("ar", "ga", "cy")
# Languages that put the verb last: the country entered comes just before it ("태국 진출", "タイに上陸").
VERB_LAST = (
    "ko", "ja", "tr", "hi", "bn", "fa", "ur", "az", "ka", "hy", "kk", "uz", "ky", "tk", "ta", "te", "kn", "ml", "mr",
    "ne", "si", "pa", "gu", "am",
)  # fmt: skip
# Cues that say what a sentence is about, not what its subject does.
NOT_ACTS = frozenset(
    {
        "org_noun",
        "not_party",
        "negation",
        "role",
        "asset",
        "stake",
        "jobs",
        "market_word",
        "after",
        "per_share",
        "office",
        "outlet",  # "obchodní řetězec": a shop word describing the company
        "abroad",
        "outside",
        "first_time",
        "distributor",
        "operator",  # "Africa's largest mobile operator": the company, described
        "service",
        "disclosed",
    }
)
# Languages close enough that each reads the other's cues too, as a detector often takes one for the other (a
# Malay headline for Indonesian, Danish for Norwegian).
_SISTERS = {"id": ("ms",), "ms": ("id",), "no": ("da",), "da": ("no",), "cs": ("sk",), "sk": ("cs",)}
# Languages that share one cue table.
_SAME_CUES = {"nb": "no", "nn": "no", "zh-tw": "zh", "zh-hant": "zh", "sr": "hr", "bs": "hr", "sh": "hr"}


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
    """Every cue phrase of every language in one automaton (watcher.match's folding and word edges), made from
    `compiled` (cue_table()'s, shipped: watcher/analyze/tables.py), else built now."""

    def __init__(self, compiled: MatcherTable | None = None) -> None:
        split: dict[tuple[str, str], list[str]] = {}
        for table in (event_cues(), blockers()):
            for kind, by_language in table.items():
                for language, phrases in by_language.items():
                    for phrase in filter(is_split, phrases):
                        split.setdefault((kind, language), []).append(split_cue_pattern(phrase))
        self.matcher = Matcher.from_table(compiled if compiled is not None else cue_table())
        self.languages = {
            language for table in (event_cues(), blockers()) for rows in table.values() for language in rows
        }
        self.suffixes = {
            (kind, language): re.compile(pattern, re.IGNORECASE)
            for kind, by_language in SUFFIX_CUES.items()
            for language, pattern in by_language.items()
        }
        self.split = {
            key: [re.compile(pattern, re.IGNORECASE) for pattern in patterns] for key, patterns in split.items()
        }

    def find(self, text: str, language: str | None) -> list[Cue]:
        base = cue_language_of(language)
        known = base in self.languages
        cues = []
        for entity_match in self.matcher.match({"text": text}):
            kind, cue_language = entity_match.entity.split("|")
            if cue_language == "*" or cue_language == base or cue_language in _SISTERS.get(base, ()) or not known:
                cues.extend(Cue(kind, hit.start, hit.end) for hit in entity_match.hits)
        for (kind, cue_language), pattern in self.suffixes.items():
            if cue_language == base:
                cues.extend(Cue(kind, *found.span()) for found in pattern.finditer(text))
        for (kind, cue_language), patterns in self.split.items():
            if cue_language == base:  # the verb alone stands for the cue: what lies between stays readable
                cues.extend(Cue(kind, *found.span("verb")) for pattern in patterns for found in pattern.finditer(text))
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


def cue_language_of(language: str | None) -> str:
    """The cue table of a language tag: "de-AT" → "de", "nb" → "no"."""
    tag = (language or "").lower().replace("_", "-")
    return _SAME_CUES.get(tag) or _SAME_CUES.get(tag.split("-")[0]) or tag.split("-")[0]


@cache
def cue_finder() -> CueFinder:
    shipped = shipped_tables.shipped(shipped_tables.CUES, table_key())
    return CueFinder(shipped["matcher"] if shipped is not None else None)
