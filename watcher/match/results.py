"""What matching finds: hits, an entity's match with its hits as evidence, and the snippet around the first hit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SNIPPET_CHARS = 200


@dataclass(frozen=True)
class Hit:
    """One occurrence of an alias in one field of an item."""

    entity: str
    alias: str  # as configured
    field: str
    start: int  # character offsets into the field's text
    end: int
    text: str  # the surface text found


@dataclass(frozen=True)
class Snippet:
    text: str
    highlights: tuple[tuple[int, int], ...]  # spans within text

    def segments(self) -> list[tuple[str, bool]]:
        """(text, highlighted) pieces, for templates that escape each piece."""
        pieces: list[tuple[str, bool]] = []
        position = 0
        for start, end in self.highlights:
            if start > position:
                pieces.append((self.text[position:start], False))
            pieces.append((self.text[start:end], True))
            position = end
        if position < len(self.text):
            pieces.append((self.text[position:], False))
        return pieces


@dataclass(frozen=True)
class EntityMatch:
    """An entity recognised in an item, with every hit as evidence (best first)."""

    entity: str
    hits: tuple[Hit, ...]

    @property
    def primary(self) -> Hit:
        return self.hits[0]


def _drop_contained(hits: list[Hit]) -> tuple[Hit, ...]:
    """Keep the longest of overlapping hits in a field ("Corea del Sud" over "Corea"), in text order.

    `hits` come field by field, in the order the fields were scanned; that order is kept.
    """
    rank: dict[str, int] = {}
    for hit in hits:
        rank.setdefault(hit.field, len(rank))
    ordered = sorted(hits, key=lambda h: (rank[h.field], h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in ordered:
        if kept and kept[-1].field == hit.field and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return tuple(kept)


def make_snippet(text: str, hits: Sequence[Hit], width: int = SNIPPET_CHARS) -> Snippet:
    """About `width` characters of text around the first hit, on word boundaries, hits highlighted."""
    first = hits[0]
    budget = max(width - (first.end - first.start), 0)
    start = max(0, first.start - budget // 3)
    end = min(len(text), first.end + budget - (first.start - start))
    start = max(0, min(start, end - width))
    if start > 0:
        space = text.find(" ", start, first.start)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", first.end, end)
        end = space if space != -1 else end
    body = text[start:end].replace("\n", " ")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    highlights = tuple(
        (hit.start + shift, min(hit.end, end) + shift)
        for hit in hits
        if hit.field == first.field and hit.start >= start and hit.start < end
    )
    return Snippet(prefix + body + suffix, highlights)


def snippet_for(fields: Mapping[str, str], match: EntityMatch) -> Snippet:
    return make_snippet(fields[match.primary.field], match.hits)
