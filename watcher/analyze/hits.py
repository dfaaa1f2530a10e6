"""A country found in text, and how names are cased: what the market, name and city modules share."""

from __future__ import annotations

from dataclasses import dataclass


def lower_written(text: str) -> bool:
    """Whether a word starts in lower case, in a script whose writers capitalise names. Georgian's Mkhedruli letters
    are lower case to Unicode, but Georgian writes every name with them ("საქართველო", Georgia)."""
    first = text[:1]
    return first.islower() and not "\u10d0" <= first <= "\u10ff"


@dataclass(frozen=True)
class MarketHit:
    code: str  # ISO 3166-1 alpha-2
    start: int
    end: int
    is_name: bool  # a country's name, not an adjective ("in Corea", not "il mercato coreano")
    is_city: bool = False  # named by a city in it ("in Tallinn", "Tallinnas", "tại Hà Nội"), or a region of several
