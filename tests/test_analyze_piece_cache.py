"""The encoder's per-piece rows kept between batches (watcher/analyze/piece_cache.py): vectors made with rows kept
are those made without, to float32 rounding; only pieces met in several batches are kept, never more than the
capacity; a one-shot process keeps nothing."""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_analyze_memory import leads
from watcher.analyze import piece_cache, use_forward, use_model


def test_vectors_from_rows_kept_are_those_computed_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = leads()[:120]
    fresh = use_model.load(None).encode(texts)
    monkeypatch.setattr(piece_cache, "COUNT_FROM", 1)
    monkeypatch.setattr(piece_cache, "FIRST_CHOICE", 2)
    model = use_model.load(None)
    model._piece_cache = piece_cache.PieceCache(model.table.shape[0], use_forward.PIECE_WIDTH, refresh=2)
    model.encode(texts)  # counts the pieces and keeps the rows of those met twice
    cache = model._piece_cache
    kept = int(np.count_nonzero(cache._slot >= 0))
    assert 0 < kept <= cache.capacity
    again = model.encode(texts)
    assert np.abs(again - fresh).max() < 2e-6
    assert np.abs(again @ again.T - fresh @ fresh.T).max() < 5e-6


def test_only_pieces_met_in_several_batches_are_kept_up_to_the_capacity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(piece_cache, "COUNT_FROM", 1)
    monkeypatch.setattr(piece_cache, "FIRST_CHOICE", 4)
    cache = piece_cache.PieceCache(100, 2, capacity=3, refresh=4)
    common, rare = np.array([1, 2, 3, 4]), np.array([50])
    for batch in range(4):
        pieces = np.concatenate([common, rare + batch])
        out = np.empty((len(pieces), 2), dtype=np.float32)
        _order, missing = cache.fetch(pieces, out)
        assert missing == len(pieces)  # nothing kept before the first choice
    pieces = np.array([1, 2, 3, 4, 50, 51])
    out = np.empty((len(pieces), 2), dtype=np.float32)
    order, missing = cache.fetch(pieces, out)
    cache.store(pieces[order[:missing]], np.arange(2 * missing, dtype=np.float32).reshape(missing, 2))
    kept = set(np.flatnonzero(cache._slot >= 0).tolist())
    assert len(kept) == 3 and kept < {1, 2, 3, 4}  # three of the pieces met in every batch, no piece met once
    order, missing = cache.fetch(pieces, out)
    assert missing == 3 and set(pieces[order[missing:]].tolist()) == kept


def test_a_one_shot_process_counts_no_pieces() -> None:
    cache = piece_cache.PieceCache(100, 2)
    out = np.empty((3, 2), dtype=np.float32)
    for _batch in range(piece_cache.COUNT_FROM - 1):
        assert cache.fetch(np.array([1, 2, 3]), out)[1] == 3
    assert len(cache._counts) == 0 and len(cache._rows) == 0
