"""The Matcher: one Aho-Corasick automaton (or two parts) over every phrase of a MatcherTable, and its scan of an
item's fields into EntityMatches."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any

from ahocorasick_rs import AhoCorasick, MatchKind

from watcher.match.endings import UNDETERMINED, Endings, endings_for
from watcher.match.fold import _fold_text, _FoldedText, fold
from watcher.match.packed import columns as packed_columns
from watcher.match.packed import is_packed, numbers
from watcher.match.prefixes import Prefixes, prefixes_for, reads_as_word
from watcher.match.results import EntityMatch, Hit, _drop_contained
from watcher.match.table import _EXCLUDE, _REQUIRE, COLUMNS, MatcherTable, _Pattern, _pattern, compile_table, values_at
from watcher.match.words import _continue_word, _is_spaced_word_char

if TYPE_CHECKING:  # the parse workers match too: they import no pydantic
    from watcher.config import EntityConfig


FIELD_ORDER = ("title", "summary", "content")
__all__ = ["FIELD_ORDER", "UNDETERMINED", "Matcher"]


# The texts Matchers scanned last, folded: an analysed item's headline and sentences are each scanned by more than
# one (its entities, then each sentence's parties and countries), one after the other. A few, forgotten together: the
# item's own, not texts met again later.
_RECENT_FOLDS = 16
_recent: dict[str, _FoldedText] = {}


def _folded(text: str) -> _FoldedText:
    """_fold_text's, remembered for the last few texts (a text folds to the same each time)."""
    found = _recent.get(text)
    if found is None:
        found = _fold_text(text)
        if len(_recent) >= _RECENT_FOLDS:
            _recent.clear()
        _recent[text] = found
    return found


class _Parts:
    """An automaton in two parts: the keys that start with ASCII (letters, digits, signs), and the others, made when
    a text first holds a letter that starts one of them. An English text needs the first: 6,500 of the country names'
    18,400 keys (~8 ms and ~3.5 MB to make, against ~27 and ~10 for all), though it holds “quotes” or an em dash. A
    Matcher finds the same in parts: the hits of an entity are ordered by their place in the text, and two that start
    at one place start with one letter, in one part, in the order of one automaton. A text that needs both is scanned
    twice, so only for a table made once per process (bench/match's 10,000 aliases over texts of many scripts, in
    parts by script with a step of Python's for each hit: ~28,600 -> ~17,000 items/s)."""

    def __init__(self, keys: Sequence[str], packed: MatcherTable | None = None) -> None:
        # The indexes of the keys of each part (a packed table's, worked out when it was packed).
        self.members: tuple[Sequence[int], Sequence[int]]
        if packed is not None:
            self.members = (numbers(packed["parts"][0]), numbers(packed["parts"][1]))
            firsts = list(packed["second_firsts"])
        else:
            self.members = ([], [])
            for index, key in enumerate(keys):
                self.members[not key[0].isascii()].append(index)  # type: ignore[attr-defined]
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
            automaton = self.automata[part] = AhoCorasick(values_at(self.keys, members), matchkind=MatchKind.Standard)
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
    columns: dict[str, Sequence[Any]]  # the table's COLUMNS and key_starts, read as keys are found
    automaton: AhoCorasick | None
    has_require: frozenset[int] = field(default_factory=frozenset)
    made: list[tuple[_Pattern, ...] | None] = field(default_factory=list, repr=False)  # each key's patterns, once found
    parts: _Parts | None = field(default=None, repr=False)  # in place of `automaton`, for a large table
    inflects: bool = False  # whether an alias takes case endings
    joins: bool = False  # whether an alias takes prefixes

    @classmethod
    def build(cls, entities: Sequence[EntityConfig]) -> Matcher:
        return cls.from_table(compile_table(entities))

    @classmethod
    def from_table(cls, table: MatcherTable, in_parts: bool = False) -> Matcher:
        """The Matcher compile_table's table describes: Matcher.build's, whether the table was made now or shipped.
        With `in_parts`, its automaton made in parts as texts need them (_Parts)."""
        packed = is_packed(table)
        columns = packed_columns(table) if packed else {name: table[name] for name in (*COLUMNS, "keys", "key_starts")}
        keys = columns.pop("keys")
        parts = _Parts(keys, table if packed else None) if in_parts and len(keys) else None
        # Standard match kind: every occurrence of every key, overlapping ones included.
        automaton = AhoCorasick(list(keys), matchkind=MatchKind.Standard) if len(keys) and parts is None else None
        return cls(
            entities=tuple(table["entities"]),
            columns=columns,
            automaton=automaton,
            has_require=frozenset(table["has_require"]),
            made=[None] * len(keys),
            parts=parts,
            inflects=table["inflects"] if packed else any(inflect is not None for inflect in table["inflect"]),
            joins=table["joins"] if packed else any(head is not None for head in table["head"]),
        )

    def patterns(self, key: int) -> tuple[_Pattern, ...]:
        """The phrases the automaton's key `key` starts, in the table's order."""
        made = self.made[key]
        if made is None:
            starts = self.columns["key_starts"]
            made = tuple(_pattern(self.columns, row) for row in range(starts[key], starts[key + 1]))
            self.made[key] = made
        return made

    def match(
        self, fields: Mapping[str, str], require: bool = True, *, language: str | None = None
    ) -> list[EntityMatch]:
        """The entities recognised in an item's fields (title, summary, content, ...), by entity order. With
        `require` false, an entity's require_any words need not be in `fields`: the caller found them elsewhere
        (in the item, for one sentence of it). With `language` (the item's, or UNDETERMINED), an alias that takes
        case endings matches with that language's too ("Renaulta", "Nokian": endings.py), and one that takes prefixes
        with that language's before it ("لشاومي", "בשיאומי": prefixes.py); without, as written."""
        alias_hits: dict[int, list[Hit]] = {}
        excluded: set[int] = set()
        required: set[int] = set()
        endings = endings_for(language) if language is not None and self.inflects else None
        prefixes = prefixes_for(language) if language is not None and self.joins else None
        for field_name, text in _ordered(fields):
            for pattern, start, end in self._scan(text, endings, prefixes):
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
            if entity in excluded or (require and entity in self.has_require and entity not in required):
                continue
            results.append(EntityMatch(self.entities[entity], _drop_contained(alias_hits[entity])))
        return results

    def _scan(
        self, text: str, endings: Endings | None = None, prefixes: Prefixes | None = None
    ) -> Iterable[tuple[_Pattern, int, int]]:
        if (self.automaton is None and self.parts is None) or not text:
            return
        source = _folded(text)
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
                begin = start
                if pattern.start_edge and start > 0 and _is_spaced_word_char(folded[start - 1]):
                    if pattern.head is None or prefixes is None:
                        continue
                    begin = prefixes.prefix(folded, start, pattern.head)
                    if begin < 0:
                        continue
                elif pattern.head:  # a name without its first letter ("لراجحي"), and no prefix before it
                    continue
                stem_end = end
                if pattern.end_edge and end < length and _is_spaced_word_char(folded[end]):
                    if pattern.inflect is None or endings is None:
                        continue
                    end = _continue_word(folded, end)
                    if not endings.allows(pattern.inflect, folded[stem_end:end], folded[start:stem_end]):
                        continue
                elif pattern.inflect:  # a name without its tail ("Tesl"), and no ending after it
                    continue
                # "لبنان" is Lebanon, not ل + بنان (the lists split whole words: not a key that left out an alef)
                if begin != start and not pattern.head and reads_as_word(folded[begin:start], folded[start:end]):
                    continue
                original_start, original_end = source.span(begin, end)
                if stem_end != end or begin != start:
                    if not _written_as_name(text, source.span(start, stem_end), pattern):
                        continue
                elif pattern.cased is not None and not pattern.cased.fullmatch(
                    fold(text[original_start:original_end], casefold=False)
                ):
                    continue
                yield pattern, original_start, original_end


def _written_as_name(text: str, span: tuple[int, int], pattern: _Pattern) -> bool:
    """Whether the name before an ending is written as the alias: with its case, for a case-sensitive one; else with
    a capital where the alias has its first ("Magnita", not "magnita": an ordinary word takes endings too)."""
    written = fold(text[span[0] : span[1]], casefold=False)
    if pattern.cased is not None:
        return pattern.cased.fullmatch(written) is not None
    return pattern.capital < 0 or pattern.capital >= len(written) or not written[pattern.capital].islower()


def _match_rest(folded: str, end: int, rest: tuple[str, ...]) -> int:
    """Where a wildcard phrase whose text before the first '*' ends at `end` ends, or -1."""
    for segment in rest:
        end = _continue_word(folded, end)
        if segment:
            if not folded.startswith(segment, end):
                return -1
            end += len(segment)
    return end


def _ordered(fields: Mapping[str, str]) -> list[tuple[str, str]]:
    known = [(name, fields[name]) for name in FIELD_ORDER if fields.get(name)]
    return known + [(name, text) for name, text in fields.items() if name not in FIELD_ORDER and text]
