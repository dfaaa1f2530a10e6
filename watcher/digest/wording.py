"""What the digest says about a story, in English, from structured facts only. Pure: values in, text out.

gist     — "Xiaomi · market entry · South Korea · partnership · patent", from the stored events
quote    — the sentence that carries the news, with the matched words marked (never the headline again)
coverage — "3 outlets, 3 languages, first: TecnoNotizie (it), 9 h before the first English report"
age      — "5 h ago", with the date when it is not this year
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from watcher.digest.names import base_language, country_name
from watcher.match.results import Snippet
from watcher.parse.quotes import without_quotes

# The analyser's taxonomy (watcher.analyze.sentences.EVENT_TYPES; tests/test_digest_wording.py keeps them
# the same), in its order, with the words the gist uses.
EVENT_LABELS = {
    "market_entry": "market entry",
    "partnership": "partnership",
    "product_launch": "product launch",
    "patent": "patent",
    "legal": "legal action",
    "funding": "funding",
    "acquisition": "acquisition",
    "layoffs": "layoffs",
    "earnings": "earnings",
    "leadership": "leadership change",
}
# What an analyst acts on first: a company entering a market, buying, being sued, cutting jobs, changing
# its head or raising money changes the competitive picture; a deal, a launch or results matter less;
# a patent filing is a weak signal.
EVENT_WEIGHTS = {
    "market_entry": 3, "acquisition": 3, "legal": 3, "layoffs": 3, "leadership": 3, "funding": 3,
    "partnership": 2, "product_launch": 2, "earnings": 2,
    "patent": 1,
}  # fmt: skip
SHARED_EVENTS = ("partnership", "legal")  # events with a counterpart: "partnership with Volkswagen"
QUOTE_CHARS = 240  # the analyser's evidence is at most this long too
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^a-z\d])|(?<=[。！？])|\n+|(?<=…)\s*")  # as the analyser splits


@dataclass(frozen=True)
class Fact:
    """One stored event, as the gist needs it."""

    entity: str
    type: str
    market: str | None = None


def gist(facts: Iterable[Fact], rank: Callable[[str], int]) -> str | None:
    """The events of a story in one English line; None without events.

    Each subject (in `rank` order, then the one with the weightiest events first), then its events in the
    taxonomy's order; a market entry names the country, a deal or a dispute between two tracked entities
    names the other party once ("Volkswagen · partnership with Xiaomi").
    """
    by_entity: dict[str, dict[str, list[str]]] = {}
    for fact in facts:
        if fact.type in EVENT_LABELS:
            markets = by_entity.setdefault(fact.entity, {}).setdefault(fact.type, [])
            if fact.market and fact.market not in markets:
                markets.append(fact.market)
    subjects = sorted(
        by_entity,
        key=lambda name: (
            rank(name),
            -max(EVENT_WEIGHTS[kind] for kind in by_entity[name]),
            -len(by_entity[name]),
            name,
        ),
    )
    said: set[tuple[str, str]] = set()
    clauses = []
    for entity in subjects:
        parts = []
        for event_type in EVENT_LABELS:
            if event_type not in by_entity[entity] or (entity, event_type) in said:
                continue
            label = EVENT_LABELS[event_type]
            if event_type == "market_entry" and by_entity[entity][event_type]:
                parts += [label, ", ".join(country_name(code) for code in by_entity[entity][event_type])]
            elif event_type in SHARED_EVENTS:
                partners = [other for other in subjects if other != entity and event_type in by_entity[other]]
                said.update((partner, event_type) for partner in partners)
                parts.append(f"{label} with {' and '.join(partners)}" if partners else label)
            else:
                parts.append(label)
        if parts:
            clauses.append(" · ".join([entity, *parts]))
    return "; ".join(clauses) or None


# --- the quoted sentence -------------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(text.replace("…", " ").casefold().split()).strip(" .:;,!?")


def repeats_headline(sentence: str, headline: str) -> bool:
    """Whether a sentence says no more than the headline (the analyser quotes the title as a sentence too)."""
    sentence_key, headline_key = _key(sentence), _key(headline)
    if not sentence_key:
        return False
    return sentence_key in headline_key or bool(headline_key and headline_key in sentence_key)


def split_sentences(text: str) -> list[str]:
    return [" ".join(part.split()) for part in _SENTENCE_END.split(text) if part and part.strip()]


def _spaced(text: str) -> bool:
    # Scripts that put spaces between words; CJK, Hangul, Thai ... (from U+2E80 on, and Thai) do not.
    return all(ord(ch) < 0x0E00 or 0x0E80 <= ord(ch) < 0x2E80 for ch in text)


def find_surfaces(text: str, surfaces: Iterable[str]) -> list[tuple[int, int]]:
    """Where the texts that matched occur in `text`: whole words in spaced scripts; merged, in order."""
    spans = []
    for surface in {" ".join(surface.split()) for surface in surfaces if surface.strip()}:
        edges = _spaced(surface)
        start = text.find(surface)
        while start >= 0:
            end = start + len(surface)
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if not edges or not (before.isalnum() or after.isalnum()):
                spans.append((start, end))
            start = text.find(surface, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def quote(text: str, surfaces: Iterable[str]) -> Snippet:
    """A sentence with the matched words marked, clipped to QUOTE_CHARS around the first of them."""
    text = " ".join(text.split())
    surfaces = list(surfaces)
    if len(text) > QUOTE_CHARS:
        spans = find_surfaces(text, surfaces)
        centre = spans[0][0] if spans else 0
        start = max(0, min(centre - QUOTE_CHARS // 3, len(text) - QUOTE_CHARS))
        text = ("…" if start else "") + text[start : start + QUOTE_CHARS].strip() + "…"
    return Snippet(text, tuple(find_surfaces(text, surfaces)))


def best_sentence(body: str, headline: str, surfaces_by_entity: dict[str, Sequence[str]]) -> str | None:
    """The body's sentence naming the most tracked entities, the earliest among equals; never the headline. One that
    states what happened comes before one that is only a quote and its attribution ("“We are thrilled to bring Mi Pay
    to Korea,” said Xiaomi's country head.", which names as much): watcher/parse/quotes.py says which, as it does for
    the analysis.

    Without one that names any, the first sentence that states something and is not the headline (what the report goes
    on to say); else the first quote.
    """
    stated = without_quotes(body)
    texts = (stated, body) if stated != body else (body,)
    for text in texts:
        chosen = _most_named(text, headline, surfaces_by_entity)
        if chosen is not None:
            return chosen
    for text in texts:
        first = next((s for s in split_sentences(text)[:40] if not repeats_headline(s, headline)), None)
        if first is not None:
            return first
    return None


def _most_named(text: str, headline: str, surfaces_by_entity: dict[str, Sequence[str]]) -> str | None:
    """The text's sentence (of its first 40) naming the most tracked entities, the earliest among equals; not the
    headline; None where none names any."""
    best: tuple[int, int] | None = None
    chosen = None
    for index, sentence in enumerate(split_sentences(text)[:40]):
        if repeats_headline(sentence, headline):
            continue
        named = sum(1 for surfaces in surfaces_by_entity.values() if find_surfaces(sentence, surfaces))
        if named and (best is None or (named, -index) > best):
            best, chosen = (named, -index), sentence
    return chosen


# --- coverage and age ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sighting:
    """A report of a story as coverage counts it: who ran it, in which language, when."""

    source: str
    language: str | None
    published: datetime


def source_label(source: str, language: str | None) -> str:
    """ "Asia Business Wire (en)"; a feed named "TecnoNotizie (IT)" already says it."""
    if not language or source.casefold().endswith(f"({(base_language(language) or '').casefold()})"):
        return source
    return f"{source} ({language})"


def span(delta: timedelta) -> str:
    """ "35 min", "9 h", "3 d": rounded down, short."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} d"


def coverage(sightings: Sequence[Sighting]) -> str:
    """Who ran the story: "Wire (en)" alone; else outlets, languages, and who was first and by how much."""
    ordered = sorted(sightings, key=lambda sighting: sighting.published)
    if not ordered:
        return ""
    first = ordered[0]
    label = source_label(first.source, first.language)
    if len(ordered) == 1:
        return label
    outlets = len({sighting.source for sighting in ordered})
    languages = list(dict.fromkeys(base_language(s.language) for s in ordered if s.language))
    parts = [f"{outlets} outlet{'s' if outlets != 1 else ''}"]
    if languages:
        parts.append(f"{len(languages)} language{'s' if len(languages) != 1 else ''}")
    english = [s for s in ordered if base_language(s.language) == "en"]
    if english and english[0] is not first:
        lead = f", {span(english[0].published - first.published)} before the first English report"
    else:
        lead_by = ordered[1].published - first.published
        lead = f", {span(lead_by)} before the next report" if lead_by >= timedelta(minutes=1) else ""
    parts.append(f"first: {label}{lead}")
    return ", ".join(parts)


def age(when: datetime, now: datetime) -> str:
    """ "just now", "35 min ago", "5 h ago", "3 d ago" — and the date when it was not this year (in now's zone)."""
    delta = now - when
    relative = "just now" if delta < timedelta(minutes=1) else f"{span(delta)} ago"
    local = when.astimezone(now.tzinfo)
    if local.year != now.year:
        return f"{relative} ({local.day} {local.strftime('%b %Y')})"
    return relative
