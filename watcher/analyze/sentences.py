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
from watcher.match.matcher import Matcher
from watcher.match.table import MatcherTable, select_table

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
    "ne", "si", "pa", "gu", "am", "my",
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
        "begin",  # "deliveries begin in January": when, not what
        "preview",  # "to publish results next week": results to come
        "supply",  # "to supply food makers": a deal only between two tracked companies (conflicts.resolve)
    }
)
# Languages close enough that each reads the other's cues too, as a detector often takes one for the other (a
# Malay headline for Indonesian, Danish for Norwegian). Hindi and Urdu in Latin letters write their business words in
# English ("Zepto aur Amorepacific ki deal", "IPO filing"): they read English cues too.
_SISTERS = {"id": ("ms",), "ms": ("id",), "no": ("da",), "da": ("no",), "cs": ("sk",), "sk": ("cs",), "xh": ("zu",),
            "zu": ("xh",), "hi": ("en",), "ur": ("en",)}  # fmt: skip
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
    """Every cue phrase of every language, from `compiled` (cue_table()'s, shipped: watcher/analyze/tables.py), else
    built now. A sentence is read with the cues of its item's language, its sister languages' and every language's
    ("*"), or with all of them when its language has none: each language's automaton and regular expressions are
    made when an item in it is first read (a polling pass of English items makes 750 of ~15,000 phrases into an
    automaton, ~2 ms, not all of them, ~0.05 CPU-s)."""

    def __init__(self, compiled: MatcherTable | None = None) -> None:
        self.table = compiled if compiled is not None else cue_table()
        self.languages = {
            language for table in (event_cues(), blockers()) for rows in table.values() for language in rows
        }
        self.readers: dict[str, _CueReader] = {}  # by cue table (cue_language_of), once made

    def reader(self, base: str) -> _CueReader:
        """What reads a sentence in the language whose cue table is `base`."""
        reader = self.readers.get(base)
        if reader is None:
            reader = self.readers[base] = _CueReader(self.table, base, base in self.languages)
        return reader

    def find(self, text: str, language: str | None) -> list[Cue]:
        reader = self.reader(cue_language_of(language))
        cues = []
        for entity_match in reader.matcher.match({"text": text}):
            kind = entity_match.entity.split("|")[0]
            cues.extend(Cue(kind, hit.start, hit.end) for hit in entity_match.hits)
        for kind, pattern in reader.suffixes:
            cues.extend(Cue(kind, *found.span()) for found in pattern.finditer(text))
        for kind, patterns in reader.split.items():
            # The verb alone stands for the cue: what lies between stays readable.
            cues.extend(Cue(kind, *found.span("verb")) for pattern in patterns for found in pattern.finditer(text))
        return sorted(_longest(cues), key=lambda cue: cue.start)


class _CueReader:
    """The cues of one language's sentences: the automaton of its phrases, its sisters' and every language's (of all
    phrases when `known` is false: a language with no cues of its own), its suffixes and its separable verbs."""

    def __init__(self, table: MatcherTable, base: str, known: bool) -> None:
        read = ("*", base, *_SISTERS.get(base, ()))
        entities = [index for index, name in enumerate(table["entities"]) if not known or name.split("|")[1] in read]
        self.matcher = Matcher.from_table(select_table(table, entities))
        self.suffixes = [
            (kind, re.compile(by_language[base], re.IGNORECASE))
            for kind, by_language in SUFFIX_CUES.items()
            if base in by_language
        ]
        self.split: dict[str, list[re.Pattern[str]]] = {}  # kind → its separable verbs, in the tables' order
        for table_of_cues in (event_cues(), blockers()):
            for kind, by_language in table_of_cues.items():
                for phrase in filter(is_split, by_language.get(base, ())):
                    self.split.setdefault(kind, []).append(re.compile(split_cue_pattern(phrase), re.IGNORECASE))


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


def apart(text: str, one: Cue, other: Cue | None) -> bool:
    """Two cues in clauses a semicolon parts: "Inditex sales rise 8%; H&M reports next week"."""
    if other is None:
        return False
    first, second = sorted((one, other), key=lambda cue: cue.start)
    return ";" in text[first.end : second.start]


def cue_language_of(language: str | None) -> str:
    """The cue table of a language tag: "de-AT" → "de", "nb" → "no"."""
    tag = (language or "").lower().replace("_", "-")
    return _SAME_CUES.get(tag) or _SAME_CUES.get(tag.split("-")[0]) or tag.split("-")[0]


@cache
def cue_finder() -> CueFinder:
    shipped = shipped_tables.shipped(shipped_tables.CUES, table_key())
    return CueFinder(shipped["matcher"] if shipped is not None else None)
