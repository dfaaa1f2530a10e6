"""A country a headline names as the one the company entered before ("After Bangladesh, Nepal: Subway opens in
Kathmandu", "बांग्लादेश के बाद नेपाल"): no market of the entry it reports. Pure.

entry_country.in_the_past takes "following launches in ..." after the entry's cue; this takes "after X" wherever it
is, and the postpositions that say "after" behind the country in the languages that put them there. Neither is a
place of the item's story either (analyzer.py). And the other way: "both countries" after two were named ("signs 60
hotels in Egypt and Morocco ... operating in both countries"), the entry's two markets (events.py)."""

from __future__ import annotations

import re

from watcher.analyze.markets import MarketHit
from watcher.analyze.sentences import Sentence

# "after" words that also say "to", "around", "at" before a country: "expandiert nach Polen", "po Polsce".
_ALSO_TOWARDS = frozenset({"nach", "na", "po", "zum", "beim", "at", "at its", "bij de"})
_GAP = 3  # characters between "after" and the country ("after Bangladesh", "tras el Perú" is "tras el" as one cue)
# "after" written behind the country: Hindi, Nepali, Bengali, Marathi, Tamil, Telugu, Japanese, Korean (its particle
# dropped in a headline: "베트남 이어", not "이어폰"), Turkish.
_AFTER_BEHIND = re.compile(
    r"\s*(?:(?:के|की)\s+बाद|(?:को\s+)?पछि|(?:এর\s+)?পর\b|नंतर|(?:க்குப்\s+)?பிறகு|తర్వాత|に続き|に続いて|に次いで|"
    r"(?:에\s*)?이어(?!\w)|'?(?:[dt][ae]n)\s+sonra)"
)


def after_another(sentence: Sentence, hit: MarketHit) -> bool:
    """The country follows an "after" ("after Bangladesh", "tras Perú"; not German "nach", Polish "po", which also
    say "to" and "around" a country), or is followed by a postposition that says "after"."""
    before = any(
        other.kind == "after"
        and 0 <= hit.start - other.end <= _GAP
        and sentence.text[other.start : other.end].lower() not in _ALSO_TOWARDS
        for other in sentence.cues
    )
    return before or _AFTER_BEHIND.match(sentence.text, hit.end) is not None


# "both countries", "the two markets", in the languages whose news names two countries and then refers back to them.
_BOTH = re.compile(
    r"\b(?:both|the two) (?:countries|markets)\b|\bles deux (?:pays|marchés)\b|\b(?:ambos|los dos|os dois|ambos os) "
    r"(?:países|mercados)\b|\bbeiden (?:Ländern?|Märkten?)\b|\b(?:entrambi i|i due) (?:paesi|mercati)\b|"
    r"البلدين|السوقين|दोनों देश",
    re.IGNORECASE,
)


def both_countries(text: str) -> bool:
    """The sentence refers to two countries named elsewhere in the item as "both countries"."""
    return _BOTH.search(text) is not None
