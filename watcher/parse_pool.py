"""The parse workers: a process pool that starts one worker while few feeds change, and more as a backlog builds.

Parsing runs in worker processes (feedparser and lxml on hostile input, under a memory limit and a deadline) so
the daemon never dies of a feed. A worker costs ~0.1 CPU-s to start and ~35 MB for its life; most passes of a
daemon or `watcher poll` change a tenth of the feeds or less, which one worker parses as fast as they arrive.

A one-pass command (`watcher poll`, `watcher run --once`) would pay that start, and the resource tracker's, for a
pass that may parse a few feeds: it parses in its own process instead (parse_inline, in a thread), while the
feeds are few and the documents plain (parse_fast's lxml reading, no DTD, at most INLINE_MAX_BYTES), and starts
the workers only when a backlog builds or a document needs feedparser.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import multiprocessing
import os
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager

from watcher.parse.entry import ParsedFeed
from watcher.parse.feed import NeedsFeedparser, Stored, parse_feed_here
from watcher.worker import EntitySpec, init_parse_worker

PARSE_MEMORY_LIMIT = 1536 * 2**20  # address space of a parse worker: an entity bomb dies, not the daemon
PARSE_PATIENCE = 1.0  # seconds a feed waits for the one worker before the others start
# Largest document parsed in a one-pass command's own process: lxml's reading of it is linear and bounded (no
# DTD, no entities, libxml2's limits), ~3 ms a 30 KB feed; anything larger goes to a worker, under its limits.
INLINE_MAX_BYTES = 1 * 2**20
# CPU seconds of parsing a one-pass command does in its own process before a worker takes over: beyond it the pass
# is a large one (the first of 1,000 feeds), whose parsing a worker does beside the fetching and storing here. Not
# the wait alone: parsing here holds the GIL that fetching and storing need too, so feeds never queue for long.
# The 100 changed feeds of a 10%-changed pass of 1,000 (issue 12) take 0.39-0.45 s here on a slow 2-CPU machine: at
# 0.5 a worker (~0.4 CPU-s to start, ~39 MB) started in 1 of 5 such passes, at 1.0 in none of 5 (session 16).
INLINE_BUDGET = 1.0
# New feeds due in a one-pass command's pass beyond which none of its feeds is parsed in its own process. A new feed
# is read whole (50 entries' text: ~5-10 ms), so ~50 of them spend INLINE_BUDGET and a worker starts anyway; parsed
# here first, they had loaded parse_fast, feedparser and lxml into this process as well: ~12 MB of the peak of the
# all-new pass of 1,000 feeds (issue 12), for no CPU saved.
INLINE_NEW_FEEDS = 50
# Share of the time the one slot was busy that its worker spent on the CPU, below which the others stay shut: the
# slot was busy waiting on this process (sending, receiving, the writer), and a second worker (~35 MB, ~0.1 CPU-s
# to start) would have waited with it. In an all-new pass of 1,000 feeds the worker parses ~40% of the time.
BUSY_SHARE = 0.75
# Capacity asked of the pool's pipes (enlarge_pipe): a worker's results, up to ~57 KB a feed, go into the pipe without
# waiting for this process to read the one before. Linux's default limit for an unprivileged process; the kernel
# takes the pages only as the pipe fills.
PIPE_BYTES = 2**20
QUEUED = 2  # parses in the pool at once per worker, once its workers all run (ParseSlots)


def parse_workers() -> int:
    """One per CPU but the one the polling process takes: it fetches, stores and matches what is parsed, on the CPU
    throughout an all-new pass of 1,000 feeds, where its one worker parses ~40% of the time. On 2 CPUs a second
    worker only took turns with the two, and added ~39 MB to the peak of the pass (188 MB, issue 12)."""
    return max(1, (os.cpu_count() or 1) - 1)


class ParsePool(ProcessPoolExecutor):
    """A ProcessPoolExecutor that runs `allowed` of its workers until allow() lets more start."""

    def __init__(self, workers: int, allowed: int, entities: EntitySpec | None, key: str | None) -> None:
        # spawn: workers start from a clean process, not a fork of our threads and sockets. Not forkserver, which
        # did the same with a server process of its own (~13 MB and ~0.03 CPU-s) that spares each worker only the
        # interpreter's start (~0.02 CPU-s): a pool has one or two workers.
        super().__init__(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_parse_worker,
            initargs=(PARSE_MEMORY_LIMIT, os.getpid(), entities, key),
        )
        self.workers = workers
        self.allow(allowed)
        # The executor's two pipes (jobs out, results back; made above, before any worker starts) hold 64 KB on
        # Linux: less than one feed's result (~57 KB pickled: entries, matches), so a worker blocked writing each
        # result until this process's reader thread, waiting for the GIL, had read the one before.
        for pipe in (getattr(self, "_result_queue", None), getattr(self, "_call_queue", None)):
            with contextlib.suppress(AttributeError, ValueError, OSError):
                enlarge_pipe(pipe._writer.fileno())  # type: ignore[union-attr]

    def cpu_seconds(self) -> float | None:
        """CPU seconds so far of the live workers (Linux's /proc), or None where that cannot be read."""
        total = 0.0
        try:
            for pid in list(self._processes or {}):
                with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks
        except (OSError, ValueError, IndexError):
            return None
        return total / _CLOCK_TICKS if _CLOCK_TICKS else None

    def allow(self, workers: int) -> None:
        # CPython (3.9+, any start method but fork) starts a worker when a job is submitted and none is idle, up
        # to _max_workers, read at each submit. Capped here, not only by ParseSlots: the executor marks a worker
        # idle after it hands its result back, so the next job, submitted at once, often started another.
        self._max_workers = max(1, min(workers, self.workers))


def enlarge_pipe(fd: int, size: int = PIPE_BYTES) -> int | None:
    """Raise the capacity of the pipe `fd` is an end of to `size` bytes, or as near as the system allows (Linux's
    F_SETPIPE_SZ; an unprivileged process up to /proc/sys/fs/pipe-max-size, 1 MB by default, and while the user's
    pipes stay under pipe-user-pages-soft). → the capacity it has now (the one it had where the system refuses:
    that only costs waiting); None where it cannot be asked (another system, not a pipe)."""
    setting, asking = getattr(fcntl, "F_SETPIPE_SZ", None), getattr(fcntl, "F_GETPIPE_SZ", None)
    if setting is None or asking is None:
        return None
    try:
        capacity = fcntl.fcntl(fd, asking)
    except OSError:
        return None  # not a pipe
    # Never smaller than it is; nor above 2 GiB: fcntl passes a C int unchecked, a larger size wraps to a small one.
    for wanted in sorted({min(size, 2**31), min(size, _pipe_max_size(), 2**31)}, reverse=True):
        if wanted <= capacity:
            return capacity
        try:
            return fcntl.fcntl(fd, setting, wanted)
        except OSError:  # above the limit (EPERM), or the user's pipes over their soft limit
            continue
    return capacity


def _pipe_max_size() -> int:
    try:
        with open("/proc/sys/fs/pipe-max-size", "rb") as limit:
            return int(limit.read())
    except (OSError, ValueError):
        return 2**16


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") and "SC_CLK_TCK" in os.sysconf_names else 0


def make_parse_pool(
    workers: int | None = None, entities: EntitySpec | None = None, key: str | None = None, allowed: int | None = None
) -> ParsePool:
    """Parse workers; given the entities (entity_spec) and their key, they match what they parse as well."""
    workers = workers or parse_workers()
    return ParsePool(workers, allowed or workers, entities, key)


class ParseSlots:
    """How many parses may be in the pool at once: one, until the one worker cannot keep up, then `workers`.

    ProcessPoolExecutor (spawn) starts a worker whenever a job finds none idle, so with every parse handed
    over at once a pass of 100 changed feeds started as many workers as the machine has CPUs. Held here, the
    others start only when the one has gone from parse to parse without a break for `patience` seconds (the
    all-new pass), or a feed has waited that long (a parse stuck in it); once opened, the slots stay open. Not a
    count of waiting feeds: while the first worker starts (~0.1-0.3 s), a dozen feeds queue anyway; nor the
    wait alone: sixteen feeds queued at 8 ms a parse each wait 0.13 s, for ever.

    Busy is not enough where the worker's CPU time can be read (`worker_cpu`): the slot is held from the job's
    hand-off to its result's arrival in the event loop, so a busy daemon's own process keeps it busy while the
    worker idles. The slots then open only if the worker was on the CPU BUSY_SHARE of that time; otherwise the
    busy time counts afresh.
    """

    def __init__(
        self,
        workers: int,
        patience: float | None = None,
        on_open: Callable[[int], object] | None = None,
        worker_cpu: Callable[[], float | None] | None = None,
        queued: int = 1,
    ) -> None:
        self._on_open = on_open  # given the number of slots, once they open
        self._worker_cpu = worker_cpu or (lambda: None)
        self._busy_cpu: float | None = None  # the worker's CPU seconds when the slot's busy time began
        self._slots = asyncio.Semaphore(1)
        self._workers = max(workers, 1)
        self._opened = False  # the slots: one until then, `workers` × `queued` from then on
        # Parses in the pool at once per worker once the slots open: with 2, a worker has its next feed queued
        # when it sends a result back (the executor's pipe), not after this process has received the result, and
        # given the slot to the next feed: in an all-new pass the writer holds the GIL here, and that round trip
        # left each worker idle a few ms a feed.
        self._queued = max(queued, 1)
        self._patience = PARSE_PATIENCE if patience is None else patience
        self._waiting: list[float] = []  # since when each waiting feed waits, oldest first
        self._busy_since: float | None = None  # the one slot has passed from parse to parse, without a break, since

    @property
    def open(self) -> int:
        """Workers that may parse at once now (each with `queued` parses in the pool, once the slots open)."""
        return self._workers if self._opened else 1

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        since = time.monotonic()
        self._waiting.append(since)
        self._open_if_late(since)
        if not self._opened:  # checked again when its patience is out: a parse stuck in the one worker must not hold
            # every waiting feed until it times out, with no other feed arriving to notice
            asyncio.get_running_loop().call_later(self._patience * 1.01, self._check)
        try:
            await self._slots.acquire()
        finally:
            self._waiting.remove(since)
        started = time.monotonic()
        try:
            yield
        finally:
            self._slots.release()
            now = time.monotonic()
            if not self._waiting:
                self._busy_since = None
            elif self._busy_since is None:
                self._busy_since, self._busy_cpu = started, self._worker_cpu()
            self._open_if_late(now)

    def _worker_busy(self, cpu: float, now: float) -> bool:
        """Whether the worker was on the CPU BUSY_SHARE of the slot's busy time."""
        assert self._busy_cpu is not None and self._busy_since is not None
        return cpu - self._busy_cpu >= BUSY_SHARE * (now - self._busy_since)

    def _check(self) -> None:
        self._open_if_late(time.monotonic())

    def _open_if_late(self, now: float) -> None:
        if self._opened:
            return
        waited = bool(self._waiting) and now - self._waiting[0] > self._patience
        busy = self._busy_since is not None and now - self._busy_since > self._patience
        if busy and not waited:
            cpu = self._worker_cpu()
            if cpu is not None and (self._busy_cpu is None or not self._worker_busy(cpu, now)):
                self._busy_since, self._busy_cpu = now, cpu  # idle, or not measured yet: counted afresh
                return
        if waited or busy:
            # One worker as well: its next parse queued behind the one it runs (see `queued`).
            for _ in range(self._workers * self._queued - 1):
                self._slots.release()
            self._opened = True
            if self._on_open is not None:
                self._on_open(self._workers)


def parse_inline(
    body: bytes, content_type: str | None, url: str | None, stored: Stored | None = None
) -> tuple[ParsedFeed | None, float]:
    """(an RSS/Atom document read here as a worker reads it, or None when it needs a worker (feedparser, or too
    large); the CPU seconds that took). `stored`: see parse_feed_here."""
    if len(body) > INLINE_MAX_BYTES:
        return None, 0.0
    started = time.thread_time()
    try:
        return parse_feed_here(body, content_type=content_type, url=url, stored=stored), time.thread_time() - started
    except NeedsFeedparser:
        return None, time.thread_time() - started
