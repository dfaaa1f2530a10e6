"""Round-ups: a headline that lists what several tracked companies did ("Morning briefing: A signs deal; B names
CFO"). Pure.

A round-up tells several stories at once and is none of them: weighed as one of its stories' reports, it named a
company of each and joined them all into one (a briefing's "B wins 5G contract" bridged B's deal of the day before
and another company's deal the day after). story_fit.py keeps it a story of its own.
"""

from __future__ import annotations

import re
from itertools import pairwise

from watcher.analyze.sentences import Sentence

# Clauses of a list: a semicolon or a bar parts two items of news wherever it stands; a comma also parts the
# companies of one act ("Renault, Nissan sign a deal"), so commas count only where three clauses each name a company
# and say something of it.
_STRONG_BREAK = re.compile(r"\s*[;；|]\s*")
CLAUSE_BREAK = re.compile(r"\s*[;；|,，、]\s*(?!\d)|\s[-–—]\s")  # any break between a headline's clauses
ROUNDUP = "roundup"  # an item's blocker: it tells several stories in passing (story_fit keeps it one of its own)
_WORD = re.compile(r"[^\W\d_]{2,}|[^\W\d_]")


def is_roundup(title: Sentence) -> bool:
    """Two clauses parted by a semicolon, or three by commas, each naming tracked companies the others do not and
    (with commas) a word besides it."""
    if len({party.entity for party in title.parties}) < 2:
        return False
    return _distinct(title, _STRONG_BREAK, 2, own_words=False) or _distinct(title, CLAUSE_BREAK, 3, own_words=True)


def _distinct(title: Sentence, breaks: re.Pattern[str], least: int, *, own_words: bool) -> bool:
    bounds = [0, *(found.start() for found in breaks.finditer(title.text)), len(title.text)]
    seen: set[str] = set()
    clauses = 0
    for start, end in pairwise(bounds):
        named = {party.entity for party in title.parties if start <= party.start < end}
        if not named or named & seen:
            continue
        if own_words:
            rest = [title.text[start:end]]
            for party in title.parties:
                if start <= party.start < end:
                    rest = [text.replace(title.text[party.start : party.end], " ") for text in rest]
            if not _WORD.search(rest[0]):
                continue
        seen |= named
        clauses += 1
    return clauses >= least
