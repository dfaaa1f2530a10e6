"""Countries named in text, as ISO 3166-1 alpha-2 codes. Pure: text in, hits out.

The names (market_names.py: CLDR's in 43 languages and more, their adjectives, everyday forms) are compiled into one
automaton with watcher.match's folding and word edges, so "Corea del Sud", "COREA DEL SUD" and "Südkoreas" are found
the way entity aliases are; compiled once, by scripts/build_finder_tables.py, into data/markets-table.pickle
(watcher/analyze/tables.py). Capitals and big cities stand for their country where no country is named (cities.py);
a region stands for its countries ("the Baltic states", "Baltijā": EE, LV, LT).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from watcher.analyze import tables as shipped_tables
from watcher.analyze.cities import CityFinder
from watcher.analyze.companies import in_a_company_name
from watcher.analyze.hits import MarketHit, lower_written
from watcher.analyze.inflections import letters
from watcher.analyze.market_table import market_table, table_key
from watcher.match.fold import fold
from watcher.match.matcher import Matcher
from watcher.match.packed import SortedMap

__all__ = ["MarketFinder", "MarketHit", "lower_written", "market_finder", "market_table", "table_key"]

RUN_ON = 5  # letters past a name that make it an adjective: "-lainen", not a case ending ("-ssa", "-nak")
# What makes a name its adjective in the abugidas: "-ी", "-ীয়" ("चीनी", "भारतीय", "জাপানি"), Amharic "-ዊ" ("ኢትዮጵያዊ");
# not a case ending ("भारतात", "ভারতেও", "नेपालमा").
_ABUGIDA_ADJECTIVE = re.compile("[\u093f\u0940\u09bf\u09c0\u0abf\u0ac0\u0a3f\u0a40\u12ca]")
_OF_PLACE = re.compile(r"\s+(?:de|di|del|of|du|da|do)\s+")
# Words a country's stem runs into that name no place: "franchise" and "Francis" are not "Franc*" (Francia).
# So are "hébergeur" (a host, not "héber*": Hebrew) and the English "lets" (Dutch for Latvian).
_NOT_PLACES = re.compile(r"franchis\w*|francis\w*|francay\w*|heberg\w*|lets", re.IGNORECASE)  # "françayzi" (az)
# Capitals whose names are everyday words or given names, left out of the cities (scripts/build_city_names.py: "lima"
# is five in Indonesian, "Santiago" a saint): a capital still when listed with another place found ("in Bogotá and
# Lima", "Lima, Santiago y Bogotá"), capitalised as written.
_LISTED_CAPITALS = {"Lima": "PE", "Santiago": "CL", "San José": "CR", "Kingston": "JM", "Georgetown": "GY",
                    "Praia": "CV", "Malé": "MV", "San Salvador": "SV"}  # fmt: skip
_CAPITAL_WORDS = re.compile(r"\b(?:" + "|".join(_LISTED_CAPITALS) + r")\b")
_LIST_GAP = re.compile(r"\s*(?:,|&|\band\b|\by\b|\be\b|\bet\b|\bund\b|\bi\b|\bи\b|\bve\b)\s*", re.IGNORECASE)
# ... or after "in" in a language where the name is no word ("in Lima", "en Lima", "em Lima", "à Lima", "nach Lima").
_ONLY_CAPITALS = frozenset({"Lima", "Praia", "Malé"})
_IN_BEFORE = re.compile(r"(?:^|\s)(?:in|en|em|à|nach|naar|to|into)\s+$", re.IGNORECASE)
_CURRENCY = re.compile(r"\s?[$]")  # "US$35 million", "NZ$", "HK$": a currency, not the country


class MarketFinder:
    """Every country name and adjective in one automaton; from the shipped table (watcher/analyze/tables.py), else
    built (~0.3 CPU-s), once per process."""

    def __init__(self, table: dict[str, Any] | None = None) -> None:
        table = table if table is not None else market_table()
        self.matcher = Matcher.from_table(table["matcher"], in_parts=True)  # an English text needs a third of it
        # folded name or adjective as written → ("KR:name", ...), looked up a few times an item: sorted lines in one
        # buffer, not a dict of ~23,000 (~5 MB of small objects; watcher/match/packed.py)
        self.exact = SortedMap(table["exact"])
        self.cities = CityFinder.from_parts(table["cities"])

    def _run_on(self, text: str, code: str) -> bool:
        """Whether `text` goes on for five letters or more past the longest name of `code` it starts with."""
        folded = " ".join(fold(text).split())
        for end in range(len(folded) - 1, 1, -1):
            if f"{code}:name" in self.exact.get(folded[:end], ()):
                rest = folded[end:]
                return letters(rest) >= RUN_ON or _ABUGIDA_ADJECTIVE.match(rest) is not None
        return False

    def is_country_name(self, text: str) -> bool:
        """Whether `text` is exactly a country's name ("Korea", "Corea del Sud"), wildcards aside."""
        # Looked up in `exact`, not a set of the names made of it: 17,000 entries walked at each start (issue 12).
        kinds = self.exact.get(" ".join(fold(text.replace("*", "")).split()), ())
        return any(kind.endswith(":name") for kind in kinds)

    def find(self, text: str, any_case: bool = False) -> list[MarketHit]:
        """Countries named in `text`, in text order (a longer name wins: "North Korea" is not KR). A name written in
        lower case is a word ("island", Croatian "mali": small), unless `any_case` (text folded already)."""
        if not text:
            return []
        hits = []
        written: dict[MarketHit, bool] = {}
        literal: dict[MarketHit, int] = {}  # letters of the alias before its '*': the more, the more specific
        # Whether the alias is cased as the text: "Läti" is Estonian's Latvia, "läti" its adjective (and language).
        cased: dict[MarketHit, bool] = {}
        for entity_match in self.matcher.match({"text": text}):
            code, kind = entity_match.entity.split(":")
            written_hits = [
                hit
                for hit in entity_match.hits
                if not _NOT_PLACES.fullmatch(fold(hit.text)) and not _CURRENCY.match(text, hit.end)
            ]
            if kind == "city":
                for hit in written_hits:
                    found = MarketHit(code, hit.start, hit.end, True, True)
                    hits.append(found)
                    written[found] = True
                continue
            for hit in written_hits:
                exact = entity_match.entity in self.exact.get(" ".join(fold(hit.text).split()), ())
                if kind == "name" and exact and not any_case and lower_written(hit.text) and " " not in hit.text:
                    continue  # a word, where names are capitalised: "island" is not Island (Iceland), "mali" not Mali
                # A name's stem run on in lower case is its adjective: "japanische", "coreana", "węgierski"; so is
                # one run on further than a case ending: "Tanskalainen" (Danish), not "Tanskassa" (in Denmark).
                name = kind == "name" and (exact or (not lower_written(hit.text) and not self._run_on(hit.text, code)))
                found = MarketHit(code, hit.start, hit.end, name)
                hits.append(found)
                written[found] = exact
                specific = len(hit.text) if exact else len(hit.alias.replace("*", ""))  # a name as written: all of it
                literal[found] = max(literal.get(found, 0), specific)
                # (a stem's case says nothing: "британск*" is the adjective of "Британский")
                same_case = lower_written(hit.alias) == lower_written(hit.text)
                cased[found] = cased.get(found, False) or not exact or same_case
        # Longest first; of one span, a name as written before a stem's continuation: "Nigeria" is NG, not "Niger*";
        # of two stems, the longer: "Австралии" is "Австрал*" (AU), not "Австр*" (AT).
        hits.sort(key=lambda hit: (hit.start, -(hit.end - hit.start), not written[hit], -literal.get(hit, 0)))
        # Cities and provinces where no country is named: "Tallinnas", not "Mexico City"'s Mexico twice; one that holds
        # another country's name is itself ("内蒙古" is no "蒙古", "New Mexico" no Mexico), the longer span wins below.
        hits.extend(city for city in self.cities.find(text) if not any(
            hit.start < city.end and city.start < hit.end and not _holds_other(city, hit) for hit in hits))  # fmt: skip
        for hit in hits:
            written.setdefault(hit, True)
        hits.sort(key=lambda hit: (hit.start, -(hit.end - hit.start), not written[hit], not cased.get(hit, True),
                                   -literal.get(hit, 0)))  # fmt: skip
        kept: list[MarketHit] = []
        for hit in hits:
            if kept and hit.start < kept[-1].end:
                continue
            kept.append(hit)
        # A country's name that names a place of a city in another country is that place: "Zona Franca de Barcelona".
        kept = [
            hit
            for hit, after in zip(kept, [*kept[1:], None], strict=False)
            if not (
                after is not None
                and after.is_city
                and not hit.is_city
                and after.code != hit.code
                and _OF_PLACE.fullmatch(text[hit.end : after.start])
            )
        ]
        kept = [hit for hit in kept if not in_a_company_name(text, hit.start, hit.end)]
        kept = _with_listed_capitals(text, kept)
        # A region is each of its countries, at its place: "the Baltic states" are EE, LV and LT.
        return [
            MarketHit(code, hit.start, hit.end, hit.is_name, hit.is_city) for hit in kept for code in hit.code.split()
        ]

    def codes(self, text: str) -> set[str]:
        return {hit.code for hit in self.find(text)}


def _holds_other(place: MarketHit, hit: MarketHit) -> bool:
    """Whether a city's or province's name holds a name of another country ("内蒙古" holds "蒙古")."""
    inside = place.start <= hit.start and hit.end <= place.end and (place.end - place.start) > (hit.end - hit.start)
    return inside and hit.code != place.code


def _with_listed_capitals(text: str, kept: list[MarketHit]) -> list[MarketHit]:
    """The hits and the capitals of _LISTED_CAPITALS after "in" or listed next to one of them ("Bogotá and Lima"), or
    next to one so listed ("Santiago, Lima y Bogotá")."""
    waiting = [match.span() for match in _CAPITAL_WORDS.finditer(text)]
    waiting = [(start, end) for start, end in waiting if not any(h.start < end and start < h.end for h in kept)]
    found = list(kept)
    while waiting:  # each round takes one capital or ends
        placed = (span for span in waiting if _after_in(text, span) or any(_listed(text, span, h) for h in found))
        listed = next(placed, None)
        if listed is None:
            break
        waiting.remove(listed)
        found.append(MarketHit(_LISTED_CAPITALS[text[listed[0] : listed[1]]], *listed, True, True))
    return sorted(found, key=lambda hit: hit.start) if len(found) > len(kept) else kept


def _after_in(text: str, span: tuple[int, int]) -> bool:
    """A capital no other big place is named after, after "in": "in Lima" (not "en Santiago de Compostela")."""
    return text[span[0] : span[1]] in _ONLY_CAPITALS and _IN_BEFORE.search(text, 0, span[0]) is not None


def _listed(text: str, span: tuple[int, int], hit: MarketHit) -> bool:
    start, end = span
    return (hit.end <= start and _LIST_GAP.fullmatch(text[hit.end : start]) is not None) or (
        end <= hit.start and _LIST_GAP.fullmatch(text[end : hit.start]) is not None
    )


@cache
def market_finder() -> MarketFinder:
    return MarketFinder(shipped_tables.shipped(shipped_tables.MARKETS, table_key()))
