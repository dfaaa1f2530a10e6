"""The tiers of USE's sentencepiece model (pieces.py) as files in the encoder's cache directory: each tier's model and
its piece ids in the whole model, and the normalizer alone, made from one reading of the whole model and named after
its bytes and how the tiers are made."""

from __future__ import annotations

import mmap
import os
import re
import sys
import zlib
from array import array
from bisect import bisect_left
from pathlib import Path
from typing import Any

from watcher.analyze.sentencepiece_proto import NORMAL, model_pieces

# Each tier: its name and the characters (a regular expression's class) of the pieces it holds. "▁" is
# sentencepiece's space.
TIERS = (
    ("ascii", "\x00-\x7f\u2000-\u206f\u2581"),
    ("latin", "\x00-\u024f\u2000-\u206f\u20a0-\u20cf\u2581"),
)
FORMAT = 1  # of how a tier is made: a change makes every tier file in a cache directory another's


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
