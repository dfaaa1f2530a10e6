"""Giving the C heap's free pages back to the system after the encoder's batch.

A batch's forward pass allocates arrays of a few MB each (use_forward.py: a batch's per-piece rows, token features,
the convolutions' gathered windows). glibc serves them from its heap once one such array has been freed (its mmap
threshold rises to the largest freed), and the small long-lived blocks allocated between them (an open report's
vector, its sets) keep that space from shrinking back: ~13 MB free in malloc's arenas after `bench/analyze --crowded
3000`, counted in the process's RSS for as long as it runs. malloc_trim(0) returns every whole free page to the
system (madvise, wherever it lies in the heap); the next batch's page faults cost ~1-2 ms, once a batch of items.
Where the C library has no malloc_trim (musl, macOS), nothing is done.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the process's own C library (find_library would run ldconfig)
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release_free_pages() -> bool:
    """Return the heap's free pages to the system; whether the C library could (glibc's malloc_trim)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
