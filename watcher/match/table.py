"""Entities' phrases compiled into a MatcherTable: plain data (JSON as it is) for Matcher.from_table, made now or
shipped precomputed (watcher/analyze/tables.py); raises ConfigError for a bad phrase."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from itertools import accumulate
from typing import TYPE_CHECKING, Any, NamedTuple

from watcher.errors import ConfigError
from watcher.match.endings import MIN_LETTERS, MIN_STEM, tails
from watcher.match.fold import fold
from watcher.match.prefixes import ARABIC_ALEF, written_with_prefixes
from watcher.match.words import _is_spaced_word_char, written_unspaced

if TYPE_CHECKING:  # the parse workers match too: they import no pydantic
    from watcher.config import EntityConfig


_ALIAS, _EXCLUDE, _REQUIRE = 0, 1, 2


class _Pattern(NamedTuple):  # a tuple, not a dataclass: a Matcher makes one for each phrase it finds
    entity: int
    kind: int
    phrase: str  # as configured
    prefix_length: int  # length of the folded text before the first '*'
    rest: tuple[str, ...] | None  # with a '*': the folded text after each '*', each after a word's rest
    cased: re.Pattern[str] | None  # for a case-sensitive alias: the surface must fullmatch this
    start_edge: bool  # the phrase starts with a spaced-script word character
    end_edge: bool  # ... and ends with one (and no '*')
    # An alias that takes case endings (endings.py): None for none, else the tail of the alias the key leaves out
    # ("" for the whole alias: Renault → Renaulta; "a" for a key without it: Tesl → Tesle).
    inflect: str | None = None
    capital: int = -1  # a case-insensitive alias's first capital: with an ending, the text must have it too
    # An alias that takes prefixes (prefixes.py): None for none, else the letter of the alias the key leaves out
    # ("" for the whole alias: و + سامسونج; "ا" for the article's alef, which ل drops: للراجحي).
    head: str | None = None


# A Matcher as plain data (lists, strings, numbers: JSON as it is): what Matcher.build works out from the entities,
# for a caller that ships it precomputed (watcher/analyze/tables.py). A column per _Pattern field (COLUMNS) with a value
# per phrase, "rest" its segments joined by '*' and "cased" the case-sensitive pattern's source; "keys" the automaton's
# keys, the phrases each starts next to each other: key k's are rows key_starts[k] to key_starts[k + 1]. In columns,
# the ~24,000 phrases of the country names are a few lists of strings and numbers, not a list or a tuple each, made
# and then walked by the garbage collector before the first is needed (~0.05 CPU-s of a process: bench/analyze-start).
MatcherTable = dict[str, Any]
COLUMNS = _Pattern._fields


def compile_table(entities: Sequence[EntityConfig]) -> MatcherTable:
    """Every entity's phrases compiled, as plain data for Matcher.from_table; raises ConfigError for a bad phrase."""
    keys: dict[str, list[list[Any]]] = {}  # each key's rows, in the order of the entities and their phrases
    for index, entity in enumerate(entities):
        default = getattr(entity, "inflect", None)
        phrases = [
            (_ALIAS, alias.text, alias.case_sensitive, _setting(getattr(alias, "inflect", None), default))
            for alias in entity.aliases
        ]
        phrases += [(_EXCLUDE, text, False, False) for text in entity.exclude]
        phrases += [(_REQUIRE, text, False, False) for text in entity.require_any]
        for kind, text, case_sensitive, inflect in phrases:
            row, key = _compile(index, kind, text, case_sensitive, entity.name)
            keys.setdefault(key, []).append(row)
            if takes_endings(text, case_sensitive, inflect):
                row[COLUMNS.index("inflect")] = ""
                row[COLUMNS.index("capital")] = -1 if case_sensitive else _first_capital(text)
                for stem_row, stem_key in _stems(index, text, case_sensitive, entity.name):
                    keys.setdefault(stem_key, []).append(stem_row)
            if kind == _ALIAS and not case_sensitive and found_as_written(text):
                row[COLUMNS.index("cased")] = re.escape(" ".join(fold(text, casefold=False).split()))
            if takes_prefixes(text, inflect):
                row[COLUMNS.index("head")] = ""
                for head_row, head_key in _headless(index, text, case_sensitive, entity.name):
                    keys.setdefault(head_key, []).append(head_row)
    rows = [row for key_rows in keys.values() for row in key_rows]
    return {
        "entities": [entity.name for entity in entities],
        **{name: [row[column] for row in rows] for column, name in enumerate(COLUMNS)},
        "keys": list(keys),
        "key_starts": list(accumulate(map(len, keys.values()), initial=0)),
        "has_require": [index for index, entity in enumerate(entities) if entity.require_any],
    }


def values_at(column: Sequence[Any], rows: Iterable[int]) -> list[Any]:
    """column[row] for each of `rows`: a packed column of strings (packed.Texts) makes them in one loop."""
    take = getattr(column, "take", None)
    return take(rows) if take is not None else [column[row] for row in rows]


def select_table(table: MatcherTable, entities: Iterable[int]) -> MatcherTable:
    """`table` with the phrases of `entities` (indexes into its entities) only. Its Matcher finds what the whole
    table's finds of them, in the same order and by the same indexes (the other entities are kept, unused): every
    occurrence of every key is found, whichever other keys an automaton holds."""
    from watcher.match.packed import columns, is_packed  # it reads this module's COLUMNS

    table = {**table, **columns(table)} if is_packed(table) else table  # a packed table's values, read in place
    wanted = frozenset(entities)
    rows = [row for row, owner in enumerate(table["entity"]) if owner in wanted]
    key_of = [bisect_right(table["key_starts"], row) - 1 for row in rows]  # rows ascend: their keys too
    firsts = [position for position, key in enumerate(key_of) if position == 0 or key != key_of[position - 1]]
    return {
        "entities": table["entities"],
        **{name: values_at(table[name], rows) for name in COLUMNS},
        "keys": values_at(table["keys"], [key_of[position] for position in firsts]),
        "key_starts": [*firsts, len(rows)],
        "has_require": [entity for entity in table["has_require"] if entity in wanted],
    }


def _setting(alias: bool | None, entity: bool | None) -> bool | None:
    """An alias's `inflect`, else its entity's: True, False, or None to decide by the alias (takes_endings)."""
    return alias if alias is not None else entity


def takes_endings(phrase: str, case_sensitive: bool, inflect: bool | None) -> bool:
    """Whether case endings may follow the alias: never with `inflect` false, nor after a '*', a digit or a
    character of a script without spaces; by default (None) after a last word of MIN_LETTERS letters or more that
    is no ordinary word unless case-sensitive ("Orange", "Bolt" and "Action" take none, "Samsung" does); with
    `inflect` true after MIN_STEM letters or more."""
    if inflect is False:
        return False
    words = fold(phrase).split()
    last = words[-1] if words else ""
    if not last or last.endswith("*") or not last[-1].isalpha() or written_unspaced(last):
        return False
    letters = sum(char.isalpha() for char in last)
    if inflect:
        return letters >= MIN_STEM
    if letters < MIN_LETTERS:
        return False
    return case_sensitive or len(words) > 1 or not ordinary_word(last)


def takes_prefixes(phrase: str, inflect: bool | None) -> bool:
    """Whether prefixes may be joined to the alias's front (prefixes.py): only in the scripts that join them (Arabic,
    Hebrew), never with `inflect` false nor to fewer than MIN_STEM letters; by default not to a single word that is
    an ordinary word (טבע, كريم: frequent, and with the article too)."""
    if inflect is False or not written_with_prefixes(phrase):
        return False
    words = fold(phrase).split()
    if sum(char.isalpha() for word in words for char in word) < MIN_STEM:
        return False
    return bool(inflect) or len(words) > 1 or not ordinary_word(words[0].rstrip("*"))


def found_as_written(phrase: str) -> bool:
    """Whether the alias is found only where its letters are written as in it: a single word in the Arabic script
    that is an ordinary word ("كريم", generous; Careem's alias), which Persian writes with its own letters ("قرآن کریم",
    the word or the name Karim). A name's letters are read alike in every spelling (chars.ARABIC_LETTERS)."""
    words = fold(phrase).split()
    return len(words) == 1 and "\u0600" <= words[0][0] <= "\u06ff" and ordinary_word(words[0])


def _headless(entity: int, phrase: str, case_sensitive: bool, entity_name: str) -> Iterable[tuple[list[Any], str]]:
    """A row and key for an Arabic alias that starts with the article without its alef (الراجحي: "لراجحي"), which
    ل writes in its place (للراجحي)."""
    written = " ".join(phrase.split())
    folded = fold(written)
    if folded.startswith(ARABIC_ALEF + "\u0644") and written[0] == ARABIC_ALEF and _letters(folded.split(" ")[0]) > 3:
        row, key = _compile(entity, _ALIAS, phrase, case_sensitive, entity_name, written[1:])
        row[COLUMNS.index("head")] = ARABIC_ALEF
        yield row, key


def _letters(word: str) -> int:
    return sum(char.isalpha() for char in word)


def _first_capital(phrase: str) -> int:
    """Where the alias has its first capital letter, folded with its case: 0 when it has none ("nokia"), -1 for a
    Georgian one (Georgian writes no capitals: its Mkhedruli letters are lowercase to Unicode)."""
    cased = " ".join(fold(phrase, casefold=False).split())
    if "\u10d0" <= cased[0] <= "\u10ff":
        return -1
    return next((index for index, char in enumerate(cased) if char.isupper()), 0)


def _stems(entity: int, phrase: str, case_sensitive: bool, entity_name: str) -> Iterable[tuple[list[Any], str]]:
    """A row and key for the alias without each tail an ending may take the place of (Tesla: "Tesl")."""
    written = " ".join(phrase.split())
    folded = " ".join(fold(written).split())
    for tail in tails().get(folded[-1], ()):
        stem = folded[: -len(tail)]
        if not folded.endswith(tail) or sum(char.isalpha() for char in stem.split(" ")[-1]) < MIN_STEM:
            continue
        if fold(written[-len(tail) :]) != tail:  # the tail written otherwise (a ligature): not cut off
            continue
        row, key = _compile(entity, _ALIAS, phrase, case_sensitive, entity_name, written[: -len(tail)])
        row[COLUMNS.index("inflect")] = tail
        row[COLUMNS.index("capital")] = -1 if case_sensitive else _first_capital(phrase)
        yield row, key


_ORDINARY: bytes | None = None  # data/ordinary-words.txt as it is: its words one a line, sorted, after a comment


def ordinary_word(word: str) -> bool:
    """Whether a folded word is an ordinary word of English, French, Spanish, Portuguese or Catalan: frequent, and its
    plural too (the alias linter's common-word test: data/ordinary-words.txt, scripts/build_ordinary_words.py).

    Looked up in the file's bytes (its lines are sorted, as UTF-8 bytes sort as the words do): a set of its ~30,000
    words cost ~15 ms of CPU to make, in every command's start (Matcher.build, for a config's few single words)."""
    global _ORDINARY
    if _ORDINARY is None:
        _ORDINARY = resources.files("watcher.match").joinpath("data", "ordinary-words.txt").read_bytes()
    return sorted_line(_ORDINARY, word.encode("utf-8"))


def sorted_line(lines: bytes, key: bytes) -> bool:
    """Whether `key` is a line of `lines`: lines ending in "\\n", in byte order after any that start with "#"."""
    low, high = 0, len(lines)
    while lines.startswith(b"#", low):
        low = lines.index(b"\n", low) + 1
    while low < high:  # low and high are the starts of lines, the key's (if any) between them
        middle = (low + high) // 2
        start = lines.rfind(b"\n", low, middle) + 1 or low
        end = lines.index(b"\n", start)
        line = lines[start:end]
        if line == key:
            return True
        if line < key:
            low = end + 1
        else:
            high = start
    return False


def _pattern(columns: Mapping[str, list[Any]], row: int) -> _Pattern:
    rest, cased = columns["rest"][row], columns["cased"][row]
    return _Pattern(
        columns["entity"][row],
        columns["kind"][row],
        columns["phrase"][row],
        columns["prefix_length"][row],
        tuple(rest.split("*")) if rest is not None else None,
        re.compile(cased) if cased is not None else None,
        columns["start_edge"][row],
        columns["end_edge"][row],
        columns["inflect"][row],
        columns["capital"][row],
        columns["head"][row],
    )


def _compile(
    entity: int, kind: int, phrase: str, case_sensitive: bool, entity_name: str, stem: str | None = None
) -> tuple[list[Any], str]:
    """A table row for the phrase (_Pattern's fields, its rest and case-sensitive pattern as text), and its key;
    with `stem`, for that beginning of an alias (the row is the alias's, its key the stem's)."""
    written, phrase = phrase, stem if stem is not None else phrase
    folded = " ".join(fold(phrase).split())
    words = folded.split(" ")
    if any("*" in word.rstrip("*") or word.startswith("*") for word in words):
        raise ConfigError(f"entity {entity_name!r}: {phrase!r}: '*' may only end a word, after at least one letter")
    segments = folded.split("*")
    key = segments[0]
    if not key.strip():
        raise ConfigError(f"entity {entity_name!r}: {phrase!r} has no letters to match")
    rest = "*".join(segments[1:]) if len(segments) > 1 else None  # what follows the first '*'
    cased = None
    if case_sensitive:
        # A word's rest never holds a space and what follows a '*' starts with one (or ends the phrase).
        cased_segments = " ".join(fold(phrase, casefold=False).split()).split("*")
        cased = "[^ ]*".join(re.escape(segment) for segment in cased_segments)
    literal = folded.replace("*", "")
    start_edge = _is_spaced_word_char(literal[0])
    end_edge = not folded.endswith("*") and _is_spaced_word_char(literal[-1])
    return [entity, kind, written, len(key), rest, cased, start_edge, end_edge, None, -1, None], key


def entity_fingerprint(entity: EntityConfig) -> str:
    """Changes exactly when what the entity matches may change: the trigger for a backfill (EntityConfig's)."""
    return entity.fingerprint
