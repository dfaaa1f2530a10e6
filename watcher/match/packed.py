"""A MatcherTable packed into a few buffers, for a large table shipped precomputed (watcher/analyze/tables.py): the
country names' ~35,000 phrases and ~25,000 keys, the cues' ~21,000 and ~18,000.

compile_table's columns are lists, an object for each phrase's string and each number past 256: read from a pickle,
~15 MB of small objects for the country names and the cues (issue 12: the tables' unpickling ~84 ms of a `poll
--once` that analyses 20 items). Spread over the allocator's arenas between objects that stay, they were not given
back when a one-pass process let the tables go (6 of 38 MB), before its encoder loaded: the 10%-changed cycle with
500 items analysed peaked at 163-166 MB. Packed, a column of numbers is one bytes object read through a memoryview, a
column of strings one string and the bounds of each; a row's values are made when a key is found
(Matcher.patterns). The same values, row for row: a Matcher reads a packed table as it reads a plain one.

SortedMap is the same for a dict of strings looked up a few times an item: sorted lines in one bytes object.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import accumulate, islice
from typing import Any

from watcher.match.table import COLUMNS, MatcherTable

# The columns of numbers and their type codes (array's: "i" 4 bytes, "b" 1 byte), and of booleans; the rest are
# strings or None.
_NUMBERS = {"entity": "i", "kind": "b", "prefix_length": "i", "capital": "i", "key_starts": "i"}
_BOOLEANS = ("start_edge", "end_edge")
_TEXTS = tuple(name for name in (*COLUMNS, "keys") if name not in _NUMBERS and name not in _BOOLEANS)
PACKED = "packed"  # a packed table's mark: its columns are bytes and Texts' parts


def is_packed(table: Mapping[str, Any]) -> bool:
    return bool(table.get(PACKED))


def pack(table: MatcherTable) -> MatcherTable:
    """`table` packed: plain data still (bytes, strings, lists of them), for a pickle of few objects."""
    keys: list[str] = table["keys"]
    packed: MatcherTable = {PACKED: True, "entities": table["entities"], "has_require": table["has_require"]}
    for name, code in _NUMBERS.items():
        packed[name] = array(code, table[name]).tobytes() if sys.byteorder == "little" else _swapped(code, table[name])
    for name in _BOOLEANS:
        packed[name] = bytes(map(bool, table[name]))
    for name in _TEXTS:
        packed[name] = _pack_texts(table[name])
    # What Matcher.from_table works out of the whole table, worked out once: _Parts' two parts (the keys that start
    # with ASCII, the others) and the first letters of the second's, whether an alias takes endings or prefixes.
    ascii_first = [index for index, key in enumerate(keys) if key[0].isascii()]
    other = [index for index, key in enumerate(keys) if not key[0].isascii()]
    packed["parts"] = [array("i", ascii_first).tobytes(), array("i", other).tobytes()]
    if sys.byteorder != "little":
        packed["parts"] = [_swapped("i", ascii_first), _swapped("i", other)]
    packed["second_firsts"] = "".join(sorted({keys[index][0] for index in other}))
    packed["inflects"] = any(inflect is not None for inflect in table["inflect"])
    packed["joins"] = any(head is not None for head in table["head"])
    return packed


def columns(table: MatcherTable) -> dict[str, Sequence[Any]]:
    """A packed table's columns, keys and key_starts as sequences of their values (views: nothing copied)."""
    found: dict[str, Sequence[Any]] = {name: numbers(table[name], code) for name, code in _NUMBERS.items()}
    for name in _BOOLEANS:
        found[name] = memoryview(table[name]).cast("?")
    for name in _TEXTS:
        found[name] = Texts(*table[name])
    return found


def numbers(data: bytes, code: str = "i") -> Sequence[int]:
    """The numbers pack() wrote (little-endian), read in place where the machine is little-endian."""
    if sys.byteorder == "little":
        return memoryview(data).cast(code)
    values = array(code)
    values.frombytes(data)
    values.byteswap()
    return values


def _swapped(code: str, values: Sequence[int]) -> bytes:
    packed = array(code, values)
    packed.byteswap()
    return packed.tobytes()


def _pack_texts(values: Sequence[str | None]) -> list[Any]:
    """[the strings joined, the bounds of each (its start, then the end), the rows that are None (b"" for none)]."""
    bounds = [0]
    for value in values:
        bounds.append(bounds[-1] + len(value or ""))
    absent = bytes(value is None for value in values)
    return ["".join(value or "" for value in values), array("i", bounds).tobytes() if sys.byteorder == "little"
            else _swapped("i", bounds), absent if any(absent) else b""]  # fmt: skip


class Texts(Sequence[Any]):
    """A column of strings (or None) kept as one string: row i is text[bounds[i]:bounds[i + 1]], or None where
    absent[i] is set."""

    __slots__ = ("absent", "bounds", "text")

    def __init__(self, text: str, bounds: bytes, absent: bytes) -> None:
        self.text = text
        self.bounds = numbers(bounds)
        self.absent = absent

    def __len__(self) -> int:
        return len(self.bounds) - 1

    def __getitem__(self, row: Any) -> Any:
        if isinstance(row, slice):
            return [self[index] for index in range(*row.indices(len(self)))]
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        if self.absent and self.absent[row]:
            return None
        return self.text[self.bounds[row] : self.bounds[row + 1]]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.take(range(len(self))))

    def take(self, rows: Iterable[int]) -> list[str | None]:
        """The values of `rows` (each in range), in one loop over the buffers rather than a __getitem__ call each:
        the automaton of a part of the country names is made of ~6,500 keys at a process's first text, and a cue
        table's language selected from ~20,000 rows (table.values_at)."""
        text, bounds, absent = self.text, self.bounds, self.absent
        if absent:
            return [None if absent[row] else text[bounds[row] : bounds[row + 1]] for row in rows]
        return [text[bounds[row] : bounds[row + 1]] for row in rows]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Texts):
            return (self.text, self.bounds, self.absent) == (other.text, other.bounds, other.absent)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class SortedMap:
    """A dict of strings to tuples of strings, held as sorted lines ("key\tvalue\tvalue\n", UTF-8, whose bytes sort
    as the strings do) in one bytes object: ~23,000 country names and their kinds in ~0.7 MB, not ~5 MB of small
    objects. Looked up in C: the block of BLOCK lines that may hold the key by bisect over each block's first key,
    then the line in it by bytes.find (a bisection in Python took ~6 µs a look-up, and a word not a city's name is
    looked up with each ending it may take off). Keys and values hold no tab and no line break."""

    __slots__ = ("firsts", "lines", "starts")
    BLOCK = 32

    def __init__(self, lines: bytes) -> None:
        self.lines = lines
        rows = lines.split(b"\n")[:-1]
        self.firsts = [row.split(b"\t", 1)[0] for row in rows[:: self.BLOCK]]  # each block's first key
        # Where each block starts (after BLOCK lines, each its length and a line break), and the end: the lengths
        # summed in C (a generator's step a line was ~40% of making the country names' and cities' maps).
        lengths = accumulate(map(len, rows))
        block_ends = islice(lengths, self.BLOCK - 1, None, self.BLOCK)  # the lengths of the lines up to a block's last
        starts = [length + self.BLOCK * block for block, length in enumerate(block_ends, start=1)]
        self.starts = [0, *starts[: len(self.firsts) - 1], len(lines)]

    @classmethod
    def pack(cls, values: Mapping[str, Sequence[str]]) -> bytes:
        rows = sorted((key.encode(), "\t".join(value).encode()) for key, value in values.items())
        for key, value in rows:
            if b"\t" in key or b"\n" in key + value:
                raise ValueError(f"SortedMap: no tab or line break in a key or value: {key!r}")
        return b"".join(key + b"\t" + value + b"\n" for key, value in rows)

    def get(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        wanted = key.encode()
        block = bisect_right(self.firsts, wanted) - 1
        if block < 0:
            return default
        lines, start = self.lines, self.starts[block]
        if start == 0 and lines.startswith(wanted + b"\t"):
            found = 0
        else:  # a line of the block, after the line break before it
            found = lines.find(b"\n" + wanted + b"\t", max(start - 1, 0), self.starts[block + 1] + len(wanted) + 1) + 1
            if not found:
                return default
        value = lines[found + len(wanted) + 1 : lines.index(b"\n", found)].decode()
        return tuple(value.split("\t")) if value else ()

    def __eq__(self, other: object) -> bool:
        return self.lines == other.lines if isinstance(other, SortedMap) else NotImplemented

    __hash__ = None  # type: ignore[assignment]
