"""Politeness per host, shared by feed polls and article fetches: connections at once, requests per minute,
and a pause of the whole host after it answers 429 Too Many Requests (or 503 with Retry-After).

A news engine carries hundreds of search feeds: a limit on connections alone would still send them as
fast as the engine answers, so engine hosts also get a rate (search.engines[].per_minute). A 429 says the
host, not one feed, is overloaded: every feed and article of that host waits until the pause ends.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from watcher.clock import utcnow

FIRST_PAUSE = 300.0  # seconds a host is left alone after a 429 without Retry-After; doubled each time
PAUSE_STATUSES = frozenset({429, 503})


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "(local)").lower()


class Hosts:
    def __init__(self, per_host: int, rates: Mapping[str, float] | None = None, max_pause: float = 86400.0) -> None:
        self.per_host = per_host
        self.rates = dict(rates or {})  # host → requests per minute
        self.max_pause = max_pause
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._next_request: dict[str, float] = {}  # host → monotonic time its next request may start
        self._paused: dict[str, datetime] = {}
        self._pauses: dict[str, int] = {}  # 429s in a row, for the doubling

    def configure(self, per_host: int, rates: Mapping[str, float], max_pause: float) -> None:
        """A reloaded config: new limits from the next request on (pauses in force stay)."""
        if per_host != self.per_host:
            self._slots.clear()
        self.per_host, self.rates, self.max_pause = per_host, dict(rates), max_pause

    def slot(self, url: str) -> asyncio.Semaphore:
        host = host_of(url)
        if host not in self._slots:
            self._slots[host] = asyncio.Semaphore(self.per_host)
        return self._slots[host]

    async def pace(self, url: str) -> None:
        """Wait for the host's turn when it has a rate: requests start 60/per_minute seconds apart."""
        host = host_of(url)
        rate = self.rates.get(host)
        if not rate:
            return
        now = time.monotonic()
        start = max(now, self._next_request.get(host, now))
        self._next_request[host] = start + 60.0 / rate  # the slot is taken before waiting: waiters queue up
        if start > now:
            await asyncio.sleep(start - now)

    def paused_until(self, url: str) -> datetime | None:
        until = self._paused.get(host_of(url))
        return until if until is not None and until > utcnow() else None

    def pause(self, url: str, retry_after: float | None) -> datetime:
        """The host answered 429 (or 503 with Retry-After): leave it alone until the returned time."""
        host = host_of(url)
        strikes = self._pauses.get(host, 0)
        self._pauses[host] = strikes + 1
        seconds = retry_after if retry_after is not None else FIRST_PAUSE * 2 ** min(strikes, 16)
        until = utcnow() + timedelta(seconds=min(max(seconds, 1.0), self.max_pause))
        self._paused[host] = max(until, self._paused.get(host, until))
        return self._paused[host]

    def answered(self, url: str) -> None:
        """A request to the host went through: the next 429 starts the doubling afresh."""
        self._pauses.pop(host_of(url), None)
