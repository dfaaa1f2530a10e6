"""Folding a text (the hot path) into the form aliases are compared in, with a map from folded offsets back to the
original text."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

from watcher.match.chars import (
    _CASED,
    _CASELESS,
    _UNCHANGED_BLOCKS,
    _composes,
    _fold_char,
    _FoldTable,
    _is_mark,
    scan_folds,
    unchanged_blocks,
)
from watcher.match.words import _char_class

_SPACE_RUN = re.compile(" {2,}")


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


def fold(text: str, *, casefold: bool = True) -> str:
    """The normalised form both aliases and texts are compared in."""
    if casefold:
        return _fold_text(text).folded
    folded = text.translate(_CASED)
    if not unicodedata.is_normalized("NFC", folded) or _has_hamza_mark(text):
        folded = _fold_mapped(text, _CASED)[0]
    return _SPACE_RUN.sub(" ", folded) if "  " in folded else folded


def _has_hamza_mark(text: str) -> bool:
    """A hamza written as a mark after its letter. Folding drops one that composes with no letter (Persian "هٔ", as
    "ۀ" folds to "ه"); one character at a time, it would drop the one that does too (ي + hamza is ئ): the text is
    folded by clusters instead (_fold_mapped)."""
    return "\u0654" in text or "\u0655" in text


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
        if not unicodedata.is_normalized("NFC", folded) or _has_hamza_mark(text):
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
