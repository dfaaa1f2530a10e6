"""Mass production dated to a later year than the item's ("2027年量产Robotaxi", "27年に量産", "차량을 2027년 양산한다",
"mass production from 2028"): a plan for a product still to be built, no product launched. Mass production this
year or undated ("12月量产", "enters mass production in the second quarter") stays a launch."""

from __future__ import annotations

import re

from watcher.analyze.sentences import Cue

_MASS_PRODUCTION = re.compile(
    r"mass production|mass-produc|Serienproduktion|Massenproduktion|Serienfertigung|量产|量産|양산", re.IGNORECASE
)
# A year in full ("2027", "2027年", "2027년"), or its last two digits before 年 ("27年に量産", as Japanese papers
# abbreviate it).
_YEAR = re.compile(r"(?<![\d.,])(20\d\d)(?!\d|[.,]\d)|(?<!\d)(\d\d)\s?年")
_REACH = 16  # characters between the year and the mass production it dates ("2027年量产", "in 2028 in Serie")
_CLAUSE_BREAK = re.compile(r"[,;:()，、；。]")


def planned_production(text: str, cue: Cue, year: int) -> bool:
    """Whether the launch `cue` is mass production that its clause dates to a year after `year` (the item's)."""
    if not _MASS_PRODUCTION.match(text, cue.start):
        return False
    before = _CLAUSE_BREAK.split(text[max(0, cue.start - _REACH) : cue.start])[-1]
    after = _CLAUSE_BREAK.split(text[cue.end : cue.end + _REACH])[0]
    for found in _YEAR.finditer(before + " " + after):
        told = int(found.group(1)) if found.group(1) else 2000 + int(found.group(2))
        if told > year:
            return True
    return False
