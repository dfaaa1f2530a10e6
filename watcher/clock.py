"""The one clock watcher reads for dates: UTC now, optionally shifted for tests.

WATCHER_CLOCK_OFFSET (seconds, may be negative) moves watcher's notion of "now" by that much, so tests
that start watcher as a subprocess can run it a year ahead or behind (in-process tests move the clock
with time-machine instead). Monotonic time for timeouts and intervals is never shifted.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

OFFSET_ENV = "WATCHER_CLOCK_OFFSET"


def _offset_from_environment() -> timedelta:
    raw = os.environ.get(OFFSET_ENV, "").strip()
    if not raw:
        return timedelta(0)
    try:
        return timedelta(seconds=float(raw))
    except ValueError:
        raise SystemExit(f"watcher: {OFFSET_ENV}={raw!r} is not a number of seconds") from None


OFFSET = _offset_from_environment()


def utcnow() -> datetime:
    """Aware UTC now (shifted by WATCHER_CLOCK_OFFSET when set)."""
    now = datetime.now(UTC)
    return now + OFFSET if OFFSET else now
