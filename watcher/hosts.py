"""Politeness per host, shared by feed polls and article fetches: connections at once, a rate of requests,
and a pause of the whole host after it answers 429 Too Many Requests (or 503 with Retry-After).

A host carrying hundreds of feeds would otherwise be asked as fast as it answers on its `per_host`
connections, pass after pass. Every host gets a rate: `poll.per_host_rate` requests a second (default 20)
averaged over a minute, as a bucket of a minute's worth of requests, so a pass over a host's few hundred
feeds goes at the connections' pace (never slower than one reader asking them one after another) and only
sustained asking beyond the rate waits. A news engine states its quota: its hosts get theirs instead
(search.engines[].per_minute), requests started that far apart, no burst. A 429 says the host, not one
feed, is overloaded: every feed and article of that host waits until the pause ends.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from watcher.clock import utcnow

FIRST_PAUSE = 300.0  # seconds a host is left alone after a 429 without Retry-After; doubled each time
DEFAULT_RATE = 20.0  # requests a second to one host (poll.per_host_rate), averaged over BURST_SECONDS
BURST_SECONDS = 60.0  # the bucket holds this many seconds' worth of requests
PAUSE_STATUSES = frozenset({429, 503})


@functools.lru_cache(maxsize=4096)
def host_of(url: str) -> str:
    # Cached: a feed's URL is asked for its host four times a poll (slot, pace, pause, answer), each a netloc parse.
    return (urlsplit(url).hostname or "(local)").lower()


class Hosts:
    def __init__(
        self,
        per_host: int,
        rates: Mapping[str, float] | None = None,
        max_pause: float = 86400.0,
        default_rate: float = DEFAULT_RATE,
    ) -> None:
        self.per_host = per_host
        self.rates = dict(rates or {})  # host → requests per minute (news engines)
        self.default_rate = default_rate  # requests a second, every other host; 0: none
        self.max_pause = max_pause
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._next_request: dict[str, float] = {}  # host → monotonic time its next request may start
        self._buckets: dict[str, tuple[float, float]] = {}  # host → (requests left, monotonic time of that count)
        self._paused: dict[str, datetime] = {}
        self._pauses: dict[str, int] = {}  # 429s in a row, for the doubling

    def configure(
        self, per_host: int, rates: Mapping[str, float], max_pause: float, default_rate: float | None = None
    ) -> None:
        """A reloaded config: new limits from the next request on (pauses in force stay)."""
        if per_host != self.per_host:
            self._slots.clear()
        self.per_host, self.rates, self.max_pause = per_host, dict(rates), max_pause
        if default_rate is not None and default_rate != self.default_rate:
            self.default_rate = default_rate
            self._buckets.clear()

    def slot(self, url: str) -> asyncio.Semaphore:
        host = host_of(url)
        if host not in self._slots:
            self._slots[host] = asyncio.Semaphore(self.per_host)
        return self._slots[host]

    async def pace(self, url: str) -> None:
        """Wait for the host's turn: an engine's requests start 60/per_minute seconds apart; any other host's
        when its bucket (BURST_SECONDS of default_rate) has a request left, else as it refills."""
        host = host_of(url)
        rate = self.rates.get(host)
        if not rate:
            await self._bucket(host)
            return
        now = time.monotonic()
        start = max(now, self._next_request.get(host, now))
        self._next_request[host] = start + 60.0 / rate  # the slot is taken before waiting: waiters queue up
        if start > now:
            await asyncio.sleep(start - now)

    async def _bucket(self, host: str) -> None:
        rate = self.default_rate
        if rate <= 0:
            return
        now = time.monotonic()
        capacity = rate * BURST_SECONDS
        left, then = self._buckets.get(host, (capacity, now))
        left = min(capacity, left + (now - then) * rate) - 1  # taken before waiting: waiters queue up
        self._buckets[host] = (left, now)
        if left < 0:
            await asyncio.sleep(-left / rate)

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


class HeldSlots:
    """Semaphores taken in order and held together, each released once: on exit, or earlier by release().

    A polling pass holds a feed's host slot and one of the pass's slots while it fetches and parses the feed,
    and gives them back before the feed waits for the writer: held through the store, they kept the feeds of
    one host (per_host 2) two at a time in the writer's queue, so the writer committed a transaction per feed.
    """

    def __init__(self, *semaphores: asyncio.Semaphore) -> None:
        self._semaphores = semaphores
        self._held: list[asyncio.Semaphore] = []

    async def __aenter__(self) -> HeldSlots:
        try:
            for semaphore in self._semaphores:
                await semaphore.acquire()
                self._held.append(semaphore)
        except BaseException:  # cancelled while waiting for the second: the first goes back
            self.release()
            raise
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.release()

    def release(self) -> None:
        while self._held:
            self._held.pop().release()
