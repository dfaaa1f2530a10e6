"""Prefixes: the prepositions, conjunctions and article Arabic and Hebrew write joined to the front of a name
("لشاومي", "وسامسونج", "بأبل", "للراجحي", "בשיאומי", "ולטסלה", "מסמסונג"), as bounded tables a Matcher reads
before an alias whose word starts earlier, by the item's language (endings.py's counterpart at a name's front).

A table maps a head to prefixes: the head "" holds the prefixes written before the whole name (و + سامسونج), another
head those written in its place: Arabic's lam before the article drops the article's alef (ل + الراجحي → للراجحي),
so a name that starts with "ال" is also looked for without its alef, after ل, ول or فل only. Persian and Urdu write
their prepositions apart (به سامسونگ): no table. An item whose language is undetermined reads every table: a
table's prefixes are letters of one script, and they go before a name written in it.

A word that merely starts like a prefix and a name ("لبنان" Lebanon is ل + بنان, "كابل" cable ك + ابل, "מבזק" news
flash מ + בזק) is told apart by wordfreq's lists (data/prefixed-words.txt, scripts/build_ordinary_words.py): a
word at least as frequent as what is left without its prefix is read as that word.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from itertools import product

from watcher.match.endings import UNDETERMINED
from watcher.match.fold import fold
from watcher.match.words import _is_spaced_word_char

ARABIC_ALEF = "\u0627"  # the article's alef, which ل drops before it (للراجحي)


def _arabic() -> dict[str, frozenset[str]]:
    """Conjunction (و, ف), preposition (ب, ل, ك) and article (ال) in that order, each at most once."""
    joined = {"".join(parts) for parts in product(("", "و", "ف"), ("", "ب", "ل", "ك"), ("", "ال"))} - {""}
    whole = frozenset(prefix.replace("لال", "لل") for prefix in joined)
    return {"": whole, ARABIC_ALEF: frozenset(("ل", "ول", "فل"))}


def _hebrew() -> dict[str, frozenset[str]]:
    """Conjunction (ו), relative (ש, כש) and preposition or article (ה ב ל מ כ, מה) in that order, each at most
    once (ב, ל and כ swallow the article: "בבית", not "בהבית")."""
    parts = product(("", "ו"), ("", "ש", "כש"), ("", "ה", "ב", "ל", "מ", "כ", "מה"))
    return {"": frozenset("".join(part) for part in parts) - {""}}


_TABLES = {"ar": _arabic(), "he": _hebrew()}
# Arabic's varieties read Arabic's table; "iw" is Hebrew's former code.
_SAME = {"arz": "ar", "ary": "ar", "arq": "ar", "apc": "ar", "ajp": "ar", "acm": "ar", "afb": "ar", "iw": "he"}
SCRIPT_LETTERS = ("\u0590", "\u06ff")  # Hebrew and Arabic blocks: the names that may take a prefix start there


class Prefixes:
    """One language's prefixes (or every table's, for an undetermined item), by head, and the words that merely look
    prefixed."""

    def __init__(self, tables: dict[str, frozenset[str]]) -> None:
        self.by_head = tables
        self.longest = max((len(prefix) for prefixes in tables.values() for prefix in prefixes), default=0)

    def prefix(self, folded: str, start: int, head: str) -> int:
        """Where the word a name starting at `start` is written in starts, when what comes before the name in it is a
        prefix the name may take (`head`: the letter its key leaves out); else -1."""
        allowed = self.by_head.get(head)
        if allowed is None:
            return -1
        begin = start
        while begin > 0 and start - begin <= self.longest and _is_spaced_word_char(folded[begin - 1]):
            begin -= 1
        return begin if folded[begin:start] in allowed else -1


def reads_as_word(prefix: str, rest: str) -> bool:
    """Whether prefix + rest (folded) is a word of its own, at least as frequent as `rest` ("ل" + "بنان": Lebanon)."""
    return f"{prefix} {rest}" in _prefixed_words()


@cache
def _prefixed_words() -> frozenset[str]:
    text = resources.files("watcher.match").joinpath("data", "prefixed-words.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@cache
def _language(name: str) -> Prefixes | None:
    table = _TABLES.get(name)
    return Prefixes(table) if table is not None else None


@cache
def _undetermined() -> Prefixes:
    merged: dict[str, frozenset[str]] = {}
    for table in _TABLES.values():
        for head, prefixes in table.items():
            merged[head] = merged.get(head, frozenset()) | prefixes
    return Prefixes(merged)


def prefixes_for(language: str) -> Prefixes | None:
    """The prefixes an item in `language` (a BCP 47 tag: "ar", "ar-EG", "he_IL") may write before a name, every
    table's when it is UNDETERMINED or empty; None for a language that writes none."""
    base = language.strip().replace("_", "-").split("-")[0].lower()
    if not base or base == UNDETERMINED:
        return _undetermined()
    return _language(_SAME.get(base, base))


def tables() -> dict[str, dict[str, frozenset[str]]]:
    """Every language's prefixes by head (scripts/build_ordinary_words.py lists the words that merely look
    prefixed with them)."""
    return _TABLES


def written_with_prefixes(phrase: str) -> bool:
    """Whether a phrase starts with a letter of a script that joins prefixes to a name (Hebrew, Arabic)."""
    first = fold(phrase).lstrip()[:1]
    return bool(first) and SCRIPT_LETTERS[0] <= first <= SCRIPT_LETTERS[1] and first.isalpha()
