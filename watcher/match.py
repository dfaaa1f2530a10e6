"""Recognising tracked entities in text. Pure: entity definitions and text in, hits out.

One Aho-Corasick automaton holds every alias, exclude and require_any phrase of every entity, so the
cost of matching grows with the length of the text, not with the number of aliases. Around it:

- folding: both sides are NFKC-normalised, case-folded and stripped of Latin/Greek/Cyrillic diacritics
  and of Hebrew and Arabic vowel points ("Nestlé" == "NESTLE" == "ＮＥＳＴＬＥ"), zero-width characters
  dropped and runs of spaces made one; a case-sensitive alias is then checked against the surface text;
- word edges: in scripts that separate words with spaces an alias matches whole words only, while in
  Han, Kana, Hangul and the Southeast Asian scripts written without spaces it matches as a substring;
- ``*`` ending a word of an alias lets that word continue ("sudcorean*", "Южн* Коре*").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain
from typing import TYPE_CHECKING, Any, NamedTuple

from ahocorasick_rs import AhoCorasick, MatchKind

from watcher.errors import ConfigError

if TYPE_CHECKING:  # the parse workers match too: they import no pydantic
    from watcher.config import EntityConfig

FIELD_ORDER = ("title", "summary", "content")
SNIPPET_CHARS = 200

_ALIAS, _EXCLUDE, _REQUIRE = 0, 1, 2

# Letters with no Unicode decomposition that readers still treat as accented forms of a base letter.
_EXTRA_FOLDS = {
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ħ": "h",
    "ŧ": "t",
    "ı": "i",
    "æ": "ae",
    "œ": "oe",
    "Ł": "L",
    "Ø": "O",
    "Đ": "D",
    "Ð": "D",
    "Ħ": "H",
    "Ŧ": "T",
    "Æ": "AE",
    "Œ": "OE",
}
_APOSTROPHES = "\u2019\u2018\u02bc\u02b9\u2032\uff07"
_HYPHENS = "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d"
_ARABIC_TATWEEL = "\u0640"  # kashida: stretches a word, is not a letter of it

# Scripts written without spaces between words: aliases in them match as substrings.
_NO_SPACE_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x31FF),  # Bopomofo, Hangul compatibility jamo, Katakana extensions
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFFDC),  # halfwidth Katakana and Hangul
    (0x20000, 0x3FFFF),  # CJK Extensions B onwards
)


def _char_class(ranges: Iterable[tuple[int, int]]) -> str:
    """The inside of a regex character class for inclusive code point ranges (merged: sre then tests fast).

    Characters are written as themselves, ASCII punctuation and controls escaped with a backslash: the parser
    reads a class of \\U escapes more slowly (_unusual_chars: 8 -> 5 ms to compile its 380 ranges)."""
    merged: list[list[int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return "".join(
        _class_char(low) if low == high else f"{_class_char(low)}-{_class_char(high)}" for low, high in merged
    )


def _class_char(code: int) -> str:
    char = chr(code)
    return "\\" + char if code < 0x80 and not char.isalnum() else char


# The rest of a word, as far as a '*' may continue it: letters and digits of spaced scripts (combining
# marks, which Python's \w leaves out, are stepped over in _continue_word).
_WORD_RUN = re.compile(f"[^\\W_{_char_class(_NO_SPACE_RANGES)}]*")
_SPACE_RUN = re.compile(" {2,}")
_UNSPACED_CHAR = re.compile(f"[{_char_class(_NO_SPACE_RANGES)}]")


def written_unspaced(text: str) -> bool:
    """Whether text has a character of a script written without spaces between words (Thai, CJK ...)."""
    return _UNSPACED_CHAR.search(text) is not None


def is_no_space(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _NO_SPACE_RANGES)


def _is_generic_mark(code: int) -> bool:
    # Combining diacritics used with Latin, Greek and Cyrillic: dropped even when they stand alone
    # (text that arrives decomposed, "e" + U+0301).
    return (
        0x0300 <= code <= 0x036F
        or 0x1AB0 <= code <= 0x1AFF
        or 0x1DC0 <= code <= 0x1DFF
        or 0x20D0 <= code <= 0x20FF
        or 0xFE20 <= code <= 0xFE2F
    )


def _is_optional_point(code: int, category: str) -> bool:
    # Hebrew niqqud and cantillation, Arabic harakat: vowel signs most text leaves out ("שָׁלוֹם" == "שלום").
    return category == "Mn" and (
        0x0591 <= code <= 0x05C7  # Hebrew
        or 0x0610 <= code <= 0x061A
        or 0x064B <= code <= 0x0652  # not 0653-0655: madda and hamza, parts of letters (أ, آ, ؤ)
        or 0x0656 <= code <= 0x065F
        or code == 0x0670
        or 0x06D6 <= code <= 0x06ED
        or 0x08D3 <= code <= 0x08FF  # Arabic, Arabic Extended-A
    )


def _fold_char(ch: str, casefold: bool) -> str:
    """The fold of one character, or of a cluster of characters that compose (NFKC) into fewer."""
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        code = ord(c)
        category = unicodedata.category(c)
        if _is_generic_mark(code) or category == "Cf" or c == _ARABIC_TATWEEL or _is_optional_point(code, category):
            continue  # diacritics; zero-width joiners, soft hyphens; kashida; vowel points
        if c.isspace() or category in ("Zs", "Zl", "Zp", "Cc"):
            out.append(" ")
        elif c in _APOSTROPHES:
            out.append("'")
        elif c in _HYPHENS:
            out.append("-")
        else:
            if code < 0x0530 or 0x1E00 <= code <= 0x1FFF:  # Latin, Greek, Cyrillic (+ extended): accents off
                # before case folding, which would turn a Greek iota subscript into a letter ("ᾳ" -> "αι").
                c = "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))
            if casefold:
                c = c.casefold()
            out.append("".join(_EXTRA_FOLDS.get(d, d) for d in c))
    return "".join(out)


class _FoldTable(dict[int, str]):
    """A str.translate table that folds each character on first sight and remembers it.

    str.translate runs in C and calls __missing__ only for characters not seen before, so folding a
    text costs about as much as copying it.
    """

    def __init__(self, casefold: bool) -> None:
        super().__init__()
        self.casefold = casefold
        self.irregular: set[str] = set()  # characters whose fold is not exactly one character

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code), self.casefold)
        if len(folded) != 1:
            self.irregular.add(chr(code))
        self[code] = folded
        return folded


_CASELESS = _FoldTable(casefold=True)
_CASED = _FoldTable(casefold=False)
_WORD_CHARS: dict[str, bool] = {}
_UNCHANGED_BLOCKS = (  # big blocks checked whole: letters that neither case, NFKC nor accents touch
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),
    (0x20000, 0x2A6DF),
)
_UNUSUAL: re.Pattern[str] | None = None  # in lowercased text, every character folding might change


def _unusual_chars() -> re.Pattern[str]:
    """_UNUSUAL, built on first use from what _fold_char does to the scripts news is written in.

    Anything outside them counts as unusual, which only costs a table lookup. The scan (~35 ms: every process
    that folds a non-ASCII alias or text, the parse workers too) is read from watcher/fold_scan.py when it was
    made with this Python's Unicode data; tests/test_match_properties.py holds the two equal.
    """
    global _UNUSUAL
    if _UNUSUAL is None:
        from watcher import fold_scan

        shipped = unicodedata.unidata_version == fold_scan.UNIDATA_VERSION
        if shipped:
            unchanged = fold_scan.ranges(fold_scan.UNCHANGED)
            irregular = [code for code, _ in fold_scan.ranges(fold_scan.IRREGULAR)]
        else:
            unchanged, irregular = scan_folds()
        # As the scan would have left it: the characters whose fold is not one character, seen (_OffsetMap
        # finds them in an original text whose lowered form was folded).
        _CASELESS.irregular.update(map(chr, irregular))
        # The blocks, checked with the shipped scan's Unicode data by tests/test_match_properties.py (checking
        # them here took ~13 ms of every start that folds a non-ASCII alias).
        unchanged += _UNCHANGED_BLOCKS if shipped else unchanged_blocks()
        _UNUSUAL = re.compile(f"([^{_char_class(unchanged)}])")
    return _UNUSUAL


def unchanged_blocks() -> list[tuple[int, int]]:
    """The _UNCHANGED_BLOCKS that hold, with this Python's Unicode data, what they are said to."""
    found = []
    for low, high in _UNCHANGED_BLOCKS:
        block = "".join(map(chr, range(low, high + 1)))
        if block.isalpha() and block.casefold() == block and unicodedata.is_normalized("NFKC", block):
            found.append((low, high))
    return found


def scan_folds() -> tuple[list[tuple[int, int]], list[int]]:
    """(ranges of the code points up to CJK and of emoji that fold to themselves, code points there whose fold is
    not one character): what watcher/fold_scan.py holds (`python -m watcher.fold_scan` writes it)."""
    codes = (*range(0x3400), *range(0x1F000, 0x1FB00))  # up to CJK; emoji
    folds = _FoldTable(casefold=True)
    unchanged: list[tuple[int, int]] = []
    for code in codes:
        if folds[code] == chr(code):
            if unchanged and unchanged[-1][1] == code - 1:
                unchanged[-1] = (unchanged[-1][0], code)
            else:
                unchanged.append((code, code))
    return unchanged, sorted(map(ord, folds.irregular))


def fold(text: str, *, casefold: bool = True) -> str:
    """The normalised form both aliases and texts are compared in."""
    if casefold:
        return _fold_text(text).folded
    folded = text.translate(_CASED)
    if not unicodedata.is_normalized("NFC", folded):
        folded = _fold_mapped(text, _CASED)[0]
    return _SPACE_RUN.sub(" ", folded) if "  " in folded else folded


def _is_spaced_word_char(ch: str) -> bool:
    """A letter, digit or mark of a script that separates words with spaces: a word goes on."""
    known = _WORD_CHARS.get(ch)
    if known is None:
        known = (ch.isalnum() or unicodedata.category(ch)[0] == "M") and not is_no_space(ch)
        _WORD_CHARS[ch] = known
    return known


def _continue_word(folded: str, position: int) -> int:
    """Where the word going on at `position` ends (`position` itself if none does)."""
    end = _WORD_RUN.match(folded, position).end()  # type: ignore[union-attr]  # '*' always matches
    while end < len(folded) and _is_spaced_word_char(folded[end]):  # a combining mark
        end = _WORD_RUN.match(folded, end + 1).end()  # type: ignore[union-attr]
    return end


class _FoldedText:
    """A folded text with a map back to the original.

    When `exact`, folded[i] came from original[i]. Otherwise `span` maps folded offsets back: through
    `starts`/`ends` when folding had to compose characters, else through an _OffsetMap built when first
    needed (most texts have no hit).
    """

    __slots__ = ("_ends", "_map", "_starts", "_uncollapsed", "exact", "folded", "original")

    def __init__(
        self,
        original: str,
        folded: str,
        exact: bool,
        *,
        uncollapsed: str | None = None,
        starts: list[int] | None = None,
        ends: list[int] | None = None,
    ) -> None:
        self.original = original
        self.folded = folded
        self.exact = exact
        self._uncollapsed = uncollapsed  # the folded text before runs of spaces became one space
        self._starts = starts
        self._ends = ends
        self._map: _OffsetMap | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of folded[start:end]; `end` takes in combining marks folding dropped."""
        if self.exact:
            return start, end
        if self._starts is not None and self._ends is not None:
            return self._starts[start], self._ends[end - 1]
        if self._map is None:
            self._map = _OffsetMap(self.original, self._uncollapsed)
        return self._map.span(start, end)


class _OffsetMap:
    """Folded offsets to original ones for a text folded character by character.

    Only the characters whose fold is not one character (and runs of spaces made one) move offsets, and
    a text has few of them: the map keeps just those.
    """

    def __init__(self, original: str, uncollapsed: str | None) -> None:
        self.original = original
        self.at: list[int] = []  # original index of each irregular character, in order
        self.folded_at: list[int] = []  # ... where its fold starts in the (uncollapsed) folded text
        self.lengths: dict[int, int] = {}  # ... and how long its fold is
        shift = 0
        for found in _irregular_chars().finditer(original):
            index = found.start()
            length = len(_CASELESS[ord(found.group())])
            self.at.append(index)
            self.folded_at.append(index + shift)
            self.lengths[index] = length
            shift += length - 1
        self.runs_at: list[int] = []  # where each collapsed run of spaces is in the folded text
        self.runs: list[tuple[int, int]] = []  # ... and where it was before it was collapsed
        if uncollapsed is not None:
            removed = 0
            for run in _SPACE_RUN.finditer(uncollapsed):
                self.runs_at.append(run.start() - removed)
                self.runs.append(run.span())
                removed += run.end() - run.start() - 1

    def _uncollapse(self, position: int) -> int:
        index = bisect_right(self.runs_at, position) - 1
        if index < 0:
            return position
        run_start, run_end = self.runs[index]
        at = self.runs_at[index]
        return run_start if position == at else run_end + position - at - 1

    def _original(self, position: int) -> int:
        """The original index of the character folded[position] (uncollapsed) came from."""
        index = bisect_right(self.folded_at, position) - 1
        if index < 0:
            return position
        at = self.at[index]
        into = position - self.folded_at[index]
        length = self.lengths[at]
        return at if into < length else at + 1 + into - length

    def span(self, start: int, end: int) -> tuple[int, int]:
        first = self._original(self._uncollapse(start))
        stop = self._original(self._uncollapse(end - 1)) + 1
        while self.lengths.get(stop) == 0 and _is_mark(self.original[stop]):
            stop += 1
        return first, stop


_irregular: tuple[int, re.Pattern[str]] = (-1, re.compile("(?!)"))


def _irregular_chars() -> re.Pattern[str]:
    """A pattern for the characters seen so far whose fold is not exactly one character."""
    global _irregular
    seen = _CASELESS.irregular
    if _irregular[0] != len(seen):
        chars = sorted(map(ord, list(seen)))
        _irregular = (len(chars), re.compile(f"[{_char_class((code, code) for code in chars)}]"))
    return _irregular[1]


def _fold_text(text: str) -> _FoldedText:
    """Fold a text for the automaton; the hot path, kept to C-level string operations where it can be."""
    if text.isascii():
        folded = text.translate(_CASELESS)  # CPython translates ASCII to ASCII without a lookup per character
        exact = True
    else:
        folded = text.lower()  # fold(c) == fold(c.lower()) for every character
        if len(folded) != len(text):  # "İ" lowers to two characters
            folded = text.translate(_CASELESS)
            exact = False
        else:
            parts = (_UNUSUAL or _unusual_chars()).split(folded)  # [usual, unusual, usual, ..., usual]
            exact = True
            if len(parts) > 1:
                unusual = parts[1::2]
                parts[1::2] = map(_CASELESS.__getitem__, map(ord, unusual))
                folded = "".join(parts)
                exact = len(folded) == len(text) and _CASELESS.irregular.isdisjoint(unusual)
        if not unicodedata.is_normalized("NFC", folded):
            # Decomposed Hangul, halfwidth Katakana with voicing marks, ...: compose as NFKC would.
            folded, starts, ends = _fold_mapped(text, _CASELESS)
            return _FoldedText(text, folded, False, starts=starts, ends=ends)
    if "  " in folded:  # a run of spaces is one space, as in an alias
        return _FoldedText(text, _SPACE_RUN.sub(" ", folded), False, uncollapsed=folded)
    return _FoldedText(text, folded, exact)


def _fold_mapped(text: str, table: _FoldTable) -> tuple[str, list[int], list[int]]:
    """The fold of a text NFKC would compose, with the original span of every folded character.

    Characters that compose into fewer (Hangul jamo, halfwidth Katakana and their voicing marks, a base
    and its combining marks) are folded together, as a whole-text NFKC would; a dropped combining mark
    joins the span of the character before it, so a hit never ends between a letter and its accent.
    """
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    index = 0
    length = len(text)
    while index < length:
        stop = index + 1
        while stop < length and (unicodedata.combining(text[stop]) or _composes(text[index:stop], text[stop])):
            stop += 1
        if stop == index + 1:
            piece = table[ord(text[index])]
        else:
            cluster = text[index:stop]
            piece = "".join(table[ord(c)] for c in cluster)
            if not unicodedata.is_normalized("NFC", "".join(unicodedata.normalize("NFKC", c) for c in cluster)):
                piece = _fold_char(cluster, table.casefold)
        if piece:
            for ch in piece:
                if ch == " " and chars and chars[-1] == " ":
                    ends[-1] = stop
                    continue
                chars.append(ch)
                starts.append(index)
                ends.append(stop)
        elif chars and _is_mark(text[index]):
            ends[-1] = stop
        index = stop
    return "".join(chars), starts, ends


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def _composes(cluster: str, ch: str) -> bool:
    before = unicodedata.normalize("NFKC", cluster)
    after = unicodedata.normalize("NFKC", ch)
    return len(unicodedata.normalize("NFC", before + after)) < len(before) + len(after)


class _Pattern(NamedTuple):  # a tuple, not a dataclass: a Matcher makes one for each phrase it finds
    entity: int
    kind: int
    phrase: str  # as configured
    prefix_length: int  # length of the folded text before the first '*'
    rest: tuple[str, ...] | None  # with a '*': the folded text after each '*', each after a word's rest
    cased: re.Pattern[str] | None  # for a case-sensitive alias: the surface must fullmatch this
    start_edge: bool  # the phrase starts with a spaced-script word character
    end_edge: bool  # ... and ends with one (and no '*')


# A Matcher as plain data (lists, strings, numbers: JSON as it is): what Matcher.build works out from the entities,
# for a caller that ships it precomputed (watcher/analyze/tables.py). A column per _Pattern field (COLUMNS) with a value
# per phrase, "rest" its segments joined by '*' and "cased" the case-sensitive pattern's source; "keys" the automaton's
# keys, the phrases each starts next to each other: key k's are rows key_starts[k] to key_starts[k + 1]. In columns,
# the ~24,000 phrases of the country names are a few lists of strings and numbers, not a list or a tuple each, made
# and then walked by the garbage collector before the first is needed (~0.05 CPU-s of a process: bench/analyze-start).
MatcherTable = dict[str, Any]
COLUMNS = _Pattern._fields


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


class _Parts:
    """An automaton in two parts: the keys that start with ASCII (letters, digits, signs), and the others, made when
    a text first holds a letter that starts one of them. An English text needs the first: 6,500 of the country names'
    18,400 keys (~8 ms and ~3.5 MB to make, against ~27 and ~10 for all), though it holds “quotes” or an em dash. A
    Matcher finds the same in parts: the hits of an entity are ordered by their place in the text, and two that start
    at one place start with one letter, in one part, in the order of one automaton. A text that needs both is scanned
    twice, so only for a table made once per process (bench/match's 10,000 aliases over texts of many scripts, in
    parts by script with a step of Python's for each hit: ~28,600 -> ~17,000 items/s)."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.members: tuple[list[int], list[int]] = ([], [])  # the indexes of the keys of each part
        for index, key in enumerate(keys):
            self.members[not key[0].isascii()].append(index)
        firsts = sorted({keys[index][0] for index in self.members[1]})
        # A letter that starts a key of the second part (a class of a regular expression: searched in C).
        self.second = re.compile(f"[{''.join(map(re.escape, firsts))}]") if firsts else None
        self.automata: list[AhoCorasick | None] = [None, None]
        self.keys = keys

    def find(self, folded: str) -> Iterable[tuple[int, int, int]]:
        """(key index, start, end) of every occurrence of every key in `folded`, part after part."""
        if folded.isascii() or self.second is None or not self.second.search(folded):
            return self._find(0, folded)
        return chain(self._find(0, folded), self._find(1, folded))

    def _find(self, part: int, folded: str) -> Iterable[tuple[int, int, int]]:
        members, automaton = self.members[part], self.automata[part]
        if automaton is None:
            if not members:
                return ()
            automaton = self.automata[part] = AhoCorasick([self.keys[i] for i in members], matchkind=MatchKind.Standard)
        found = automaton.find_matches_as_indexes(folded, overlapping=True)
        if not found:
            return ()
        keys, starts, ends = zip(*found, strict=True)
        return zip(map(members.__getitem__, keys), starts, ends, strict=True)  # the table's indexes, in C: no step


@dataclass
class Matcher:
    """Every entity's phrases in one automaton (or in parts: _Parts). Build once per config; safe to share (a key's
    patterns and a part's automaton are made when first needed: two threads may both make them, alike, and either's
    are kept)."""

    entities: tuple[str, ...]
    columns: dict[str, list[Any]]  # the table's COLUMNS and key_starts, read as keys are found
    automaton: AhoCorasick | None
    has_require: frozenset[int] = field(default_factory=frozenset)
    made: list[tuple[_Pattern, ...] | None] = field(default_factory=list, repr=False)  # each key's patterns, once found
    parts: _Parts | None = field(default=None, repr=False)  # in place of `automaton`, for a large table

    @classmethod
    def build(cls, entities: Sequence[EntityConfig]) -> Matcher:
        return cls.from_table(compile_table(entities))

    @classmethod
    def from_table(cls, table: MatcherTable, in_parts: bool = False) -> Matcher:
        """The Matcher compile_table's table describes: Matcher.build's, whether the table was made now or shipped.
        With `in_parts`, its automaton made in parts as texts need them (_Parts)."""
        keys = table["keys"]
        parts = _Parts(keys) if in_parts and keys else None
        # Standard match kind: every occurrence of every key, overlapping ones included.
        automaton = AhoCorasick(keys, matchkind=MatchKind.Standard) if keys and parts is None else None
        return cls(
            entities=tuple(table["entities"]),
            columns={name: table[name] for name in (*COLUMNS, "key_starts")},
            automaton=automaton,
            has_require=frozenset(table["has_require"]),
            made=[None] * len(keys),
            parts=parts,
        )

    def patterns(self, key: int) -> tuple[_Pattern, ...]:
        """The phrases the automaton's key `key` starts, in the table's order."""
        made = self.made[key]
        if made is None:
            starts = self.columns["key_starts"]
            made = tuple(_pattern(self.columns, row) for row in range(starts[key], starts[key + 1]))
            self.made[key] = made
        return made

    def match(self, fields: Mapping[str, str]) -> list[EntityMatch]:
        """The entities recognised in an item's fields (title, summary, content, ...), by entity order."""
        alias_hits: dict[int, list[Hit]] = {}
        excluded: set[int] = set()
        required: set[int] = set()
        for field_name, text in _ordered(fields):
            for pattern, start, end in self._scan(text):
                if pattern.kind == _EXCLUDE:
                    excluded.add(pattern.entity)
                elif pattern.kind == _REQUIRE:
                    required.add(pattern.entity)
                else:
                    alias_hits.setdefault(pattern.entity, []).append(
                        Hit(self.entities[pattern.entity], pattern.phrase, field_name, start, end, text[start:end])
                    )
        results = []
        for entity in sorted(alias_hits):
            if entity in excluded or (entity in self.has_require and entity not in required):
                continue
            results.append(EntityMatch(self.entities[entity], _drop_contained(alias_hits[entity])))
        return results

    def _scan(self, text: str) -> Iterable[tuple[_Pattern, int, int]]:
        if (self.automaton is None and self.parts is None) or not text:
            return
        source = _fold_text(text)
        folded = source.folded
        length = len(folded)
        made = self.made
        if self.parts is not None:
            found: Iterable[tuple[int, int, int]] = self.parts.find(folded)
        else:
            found = self.automaton.find_matches_as_indexes(folded, overlapping=True)  # type: ignore[union-attr]
        for key_index, start, key_end in found:
            for pattern in made[key_index] or self.patterns(key_index):
                end = key_end
                if pattern.rest is not None:
                    end = _match_rest(folded, end, pattern.rest)
                    if end < 0:
                        continue
                if pattern.start_edge and start > 0 and _is_spaced_word_char(folded[start - 1]):
                    continue
                if pattern.end_edge and end < length and _is_spaced_word_char(folded[end]):
                    continue
                original_start, original_end = source.span(start, end)
                if pattern.cased is not None and not pattern.cased.fullmatch(
                    fold(text[original_start:original_end], casefold=False)
                ):
                    continue
                yield pattern, original_start, original_end


def _match_rest(folded: str, end: int, rest: tuple[str, ...]) -> int:
    """Where a wildcard phrase whose text before the first '*' ends at `end` ends, or -1."""
    for segment in rest:
        end = _continue_word(folded, end)
        if segment:
            if not folded.startswith(segment, end):
                return -1
            end += len(segment)
    return end


def compile_table(entities: Sequence[EntityConfig]) -> MatcherTable:
    """Every entity's phrases compiled, as plain data for Matcher.from_table; raises ConfigError for a bad phrase."""
    keys: dict[str, list[list[Any]]] = {}  # each key's rows, in the order of the entities and their phrases
    for index, entity in enumerate(entities):
        phrases = [(_ALIAS, alias.text, alias.case_sensitive) for alias in entity.aliases]
        phrases += [(_EXCLUDE, text, False) for text in entity.exclude]
        phrases += [(_REQUIRE, text, False) for text in entity.require_any]
        for kind, text, case_sensitive in phrases:
            row, key = _compile(index, kind, text, case_sensitive, entity.name)
            keys.setdefault(key, []).append(row)
    rows = [row for key_rows in keys.values() for row in key_rows]
    return {
        "entities": [entity.name for entity in entities],
        **{name: [row[column] for row in rows] for column, name in enumerate(COLUMNS)},
        "keys": list(keys),
        "key_starts": list(accumulate(map(len, keys.values()), initial=0)),
        "has_require": [index for index, entity in enumerate(entities) if entity.require_any],
    }


def select_table(table: MatcherTable, entities: Iterable[int]) -> MatcherTable:
    """`table` with the phrases of `entities` (indexes into its entities) only. Its Matcher finds what the whole
    table's finds of them, in the same order and by the same indexes (the other entities are kept, unused): every
    occurrence of every key is found, whichever other keys an automaton holds."""
    wanted = frozenset(entities)
    rows = [row for row, owner in enumerate(table["entity"]) if owner in wanted]
    key_of = [bisect_right(table["key_starts"], row) - 1 for row in rows]  # rows ascend: their keys too
    firsts = [position for position, key in enumerate(key_of) if position == 0 or key != key_of[position - 1]]
    return {
        "entities": table["entities"],
        **{name: [table[name][row] for row in rows] for name in COLUMNS},
        "keys": [table["keys"][key_of[position]] for position in firsts],
        "key_starts": [*firsts, len(rows)],
        "has_require": [entity for entity in table["has_require"] if entity in wanted],
    }


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
    )


def _compile(entity: int, kind: int, phrase: str, case_sensitive: bool, entity_name: str) -> tuple[list[Any], str]:
    """A table row for the phrase (_Pattern's fields, its rest and case-sensitive pattern as text), and its key."""
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
    return [entity, kind, phrase, len(key), rest, cased, start_edge, end_edge], key


def _ordered(fields: Mapping[str, str]) -> list[tuple[str, str]]:
    known = [(name, fields[name]) for name in FIELD_ORDER if fields.get(name)]
    return known + [(name, text) for name, text in fields.items() if name not in FIELD_ORDER and text]


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


def entity_fingerprint(entity: EntityConfig) -> str:
    """Changes exactly when what the entity matches may change: the trigger for a backfill (EntityConfig's)."""
    return entity.fingerprint
