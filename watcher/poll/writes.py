"""The poll's database writes: one writer at a time, off the event loop, and the group transactions that record
unchanged feeds (bookkeeping only) and store changed ones, many feeds to a commit."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from watcher.clock import utcnow
from watcher.fetch.results import FetchResult
from watcher.hosts import HeldSlots
from watcher.poll.summary import PollSummary
from watcher.store import Database, FeedState, record_redirect, record_unchanged
from watcher.store.engine import CACHE_KIB, set_page_cache

if TYPE_CHECKING:
    from watcher.config import Config
    from watcher.store.engine import Transaction

log = logging.getLogger("watcher.poll")  # one logger for the package, as when it was one module (the JSON logs name it)


UNCHANGED_BATCH = 500  # unchanged feeds recorded in one transaction, at most
UNCHANGED_MIN_BATCH = 100  # ... and at least, but for the pass's last ones (_flush_unchanged)
# Changed feeds stored in one transaction, at most: as many as may wait for the writer (STORE_WAITING), so that in a
# heavy pass, where the writer is the bottleneck and the queue is full, one commit takes all of it. With 500,000
# items the random-key indexes (url_key, title_key) have thousands of leaf pages and each commit rewrites the
# ones it touched to the WAL: 128 feeds a commit rather than 64, -7% of the writer's CPU (docs/benchmarks.md).
STORE_BATCH = 128
STORE_GROUP = 32  # ... and, when fewer are waiting, the writer waits up to STORE_GATHER seconds for this many
STORE_GATHER = 0.1
STORE_WAITING = 128  # changed feeds waiting for the writer that leave the pass's window of claimed feeds (passes.py)
# The writer's SQLite page cache grows with the items the pass has stored: 64 bytes an item (the url_key and title_key
# indexes' share of a row, ~20 bytes an entry each in leaves ~70% full, with room) in 4 MB steps, up to 32 MB, and
# goes back to CACHE_KIB when the pass is over. Each group's inserts land all over those two random-key indexes;
# once they outgrow the 8 MB cache, every commit read most of their pages back from the OS (a pread a page) and
# pages spilled mid-transaction were written twice: in an all-new pass of 10,000 feeds × 50 items, 1.9 million
# reads (8.5 GB) and ~10 of the process's ~48 CPU-s system time; with this, 0.57 million and ~6-8 (docs/benchmarks.md,
# branch scale10k), for ~25 MB more at its end. Up to ~65,000 items (an all-new pass of 1,000 feeds) the cache stays
# at 8 MB, and so does that pass's memory.
CACHE_BYTES_PER_ITEM = 64
CACHE_STEP_KIB = 4096
CACHE_MAX_KIB = 32768
T = TypeVar("T")

_Unchanged = tuple[FeedState, FetchResult, datetime, "asyncio.Future[None]"]  # a feed waiting to be recorded

_Stored = tuple[
    Callable[["Transaction"], tuple[int, int]], "asyncio.Future[tuple[int, int]]"
]  # a feed waiting to be stored


class GroupWrites:
    """Poller's writes (a mixin: the state it uses is made in Poller.__init__)."""

    config: Config
    db: Database
    _write_lock: asyncio.Lock
    _unchanged_queue: list[_Unchanged]
    _unchanged_pending: list[asyncio.Future[None]]
    _unchanged_writer: asyncio.Task[None] | None
    _store_queue: list[_Stored]
    _store_writer: asyncio.Task[None] | None
    _storing: int  # feeds handed to the writer whose store is not done
    _handed_over: Callable[[], object] | None  # told when a feed is handed over (the pass claims another)
    _more_to_store: Callable[[], bool] | None  # whether more feeds may come to the writer (None: they may)
    _pass_items: int  # items the pass's stores have stored so far (writer_cache_kib)
    _cache_raised: bool  # the writer's page cache is above CACHE_KIB (set back by _reset_writer_cache)

    async def _write(self, function: Callable[[], T]) -> T:
        # One writer at a time, off the event loop: SQLite has one write lock, and fetching goes on meanwhile.
        async with self._write_lock:
            return await asyncio.to_thread(function)

    def _note_redirect(self, session: Transaction, feed: FeedState, result: FetchResult) -> None:
        if result.permanent_redirect is None and feed.redirect_candidate is None and not feed.redirect_streak:
            return  # no redirect now nor counted before: nothing to record (spares a SELECT per feed)
        remembered = record_redirect(session, feed.id, result.permanent_redirect, self.config.poll.redirect_after)
        if remembered:
            log.info("feed.redirect_remembered", extra={"fields": {"feed": feed.url, "new_url": remembered}})

    async def _unchanged(self, feed: FeedState, result: FetchResult) -> PollSummary:
        # Recorded by the group writer; the feed does not wait for it, so its slots go to the next feed at once
        # (waiting, the feeds of one host came two at a time: a transaction per two feeds), and the pass waits
        # for every record before it ends (_flush_unchanged).
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._unchanged_queue.append((feed, result, utcnow(), future))
        self._unchanged_pending.append(future)
        # Not a transaction per few feeds: with claims and 304s this cheap, the writer woke for every 2-3 feeds
        # (~400 transactions a pass of 1,000 unchanged feeds); the pass's end records whatever is left.
        if len(self._unchanged_queue) >= UNCHANGED_MIN_BATCH:
            self._start_unchanged_writer()
        log.debug("feed.unchanged", extra={"fields": {"feed": feed.url, "status": result.status}})
        return PollSummary(feeds_unchanged=1)

    def _start_unchanged_writer(self, minimum: int = UNCHANGED_MIN_BATCH) -> asyncio.Task[None]:
        if self._unchanged_writer is None or self._unchanged_writer.done():
            self._unchanged_writer = asyncio.create_task(self._write_unchanged(minimum))
        return self._unchanged_writer

    async def _flush_unchanged(self) -> None:
        """Wait until the unchanged feeds of the pass are recorded (the first error, if any, is raised)."""
        pending, self._unchanged_pending = self._unchanged_pending, []
        while self._unchanged_queue:  # a writer at work stops short of a whole batch: then one for the rest
            await asyncio.wait([self._start_unchanged_writer(minimum=1)])
        if pending:
            await asyncio.gather(*pending)

    async def _write_unchanged(self, minimum: int) -> None:
        """Record the unchanged feeds queued so far, together in one transaction, while `minimum` are waiting.

        A group commit: an unchanged feed's row is bookkeeping only (next poll time, validators), and in a
        pass where most feeds are unchanged a transaction and a thread hop per feed would be most of the
        work. Feeds that finish while one batch is written go into the next.
        """
        while len(self._unchanged_queue) >= max(minimum, 1):
            batch = self._unchanged_queue[:UNCHANGED_BATCH]
            del self._unchanged_queue[:UNCHANGED_BATCH]

            def write(batch: list[_Unchanged] = batch) -> None:
                polls = []
                for feed, result, now, _future in batch:
                    next_poll, interval = self._schedule(feed, now, new_items=0, parsed=None, result=result)
                    etag, last_modified = result.etag or feed.etag, result.last_modified or feed.last_modified
                    polls.append((feed.id, now, next_poll, etag, last_modified, interval))
                with self.db.transaction() as session:
                    record_unchanged(session, polls)
                    for feed, result, _now, _future in batch:
                        self._note_redirect(session, feed, result)

            try:
                await self._write(write)
            except asyncio.CancelledError:
                for *_, future in batch + self._unchanged_queue:
                    future.cancel()
                self._unchanged_queue.clear()
                raise
            except Exception as exc:
                for *_, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            else:
                for *_, future in batch:
                    if not future.done():
                        future.set_result(None)

    async def _store_in_batch(
        self, work: Callable[[Transaction], tuple[int, int]], held: HeldSlots | None = None
    ) -> tuple[int, int]:
        """Run a changed feed's store in the next group transaction (→ its counts, or its exception). The feed's
        slots (`held`) go to the next feeds meanwhile: the pass's window of claimed feeds bounds the queue."""
        future: asyncio.Future[tuple[int, int]] = asyncio.get_running_loop().create_future()
        self._store_queue.append((work, future))
        if self._store_writer is None or self._store_writer.done():
            self._store_writer = asyncio.create_task(self._write_stores())
        if held is not None:
            held.release()
        self._storing += 1
        if self._handed_over is not None:
            self._handed_over()
        try:
            return await future
        finally:
            self._storing -= 1

    async def _write_stores(self) -> None:
        """Store the changed feeds queued so far, up to STORE_BATCH in one transaction, until none are left.

        A group commit, as for unchanged feeds: a transaction per feed cost more than its inserts (SQLite
        writes each commit's pages to the WAL, ~1 ms of CPU a feed). Should one feed's store fail, the batch is
        rolled back and each of its feeds stored again in a transaction of its own, so only that one fails.

        The writer gathers a group before it starts one: taking whatever had come, it committed two feeds a
        transaction on average in an all-new pass (it writes faster than feeds arrive), and with SQLite a
        transaction of 16 feeds costs ~40% less CPU a feed than one of 1-2 (the random-key indexes' pages are
        written once for all), and one of 32 ~0.4 CPU-s less again in an all-new pass of 1,000 × 50 (of ~11; its
        wall time shorter too). The feeds wait without their slots (_store_in_batch), and a pass 0.1 s longer.
        """
        while self._store_queue:
            deadline = time.monotonic() + STORE_GATHER
            while len(self._store_queue) < STORE_GROUP and time.monotonic() < deadline and self._gathering():
                await asyncio.sleep(STORE_GATHER / 10)
            batch = self._store_queue[:STORE_BATCH]
            del self._store_queue[:STORE_BATCH]

            def write(
                batch: list[_Stored] = batch, cache_kib: int = writer_cache_kib(self._pass_items)
            ) -> list[tuple[int, int] | BaseException]:
                try:
                    with self.db.transaction() as session:
                        # Each time: the pool may hand over another connection. PostgreSQL: nothing to set back.
                        if cache_kib > CACHE_KIB and set_page_cache(session, cache_kib):
                            self._cache_raised = True
                        return [work(session) for work, _future in batch]
                except Exception:
                    if len(batch) == 1:
                        raise
                outcomes: list[tuple[int, int] | BaseException] = []
                for work, _future in batch:
                    try:
                        with self.db.transaction() as session:
                            outcomes.append(work(session))
                    except Exception as exc:
                        outcomes.append(exc)
                return outcomes

            try:
                outcomes = await self._write(write)
            except asyncio.CancelledError:
                for _work, future in batch + self._store_queue:
                    future.cancel()
                self._store_queue.clear()
                raise
            except Exception as exc:
                outcomes = [exc] * len(batch)
            for (_work, future), outcome in zip(batch, outcomes, strict=True):
                if not isinstance(outcome, BaseException):
                    self._pass_items += outcome[0]
                if future.done():
                    continue
                if isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    def _gathering(self) -> bool:
        """Whether the writer waits on for more feeds to join its group: not when stopping, nor when no feed is
        left to come (the pass's last ones: waiting, it only made the pass STORE_GATHER longer, idle)."""
        more = self._more_to_store
        return not self.stopping and (more is None or more())

    async def _reset_writer_cache(self) -> None:
        """The pass is over: the writer's page cache back to CACHE_KIB (SQLite frees the pages beyond it), so that a
        daemon does not hold a large pass's cache between passes; the next pass counts its items afresh."""
        self._pass_items = 0
        if not self._cache_raised:
            return

        def write() -> None:
            with self.db.transaction() as session:
                set_page_cache(session, CACHE_KIB)

        await self._write(write)
        self._cache_raised = False


def writer_cache_kib(items: int) -> int:
    """KiB of page cache for the writer once the pass has stored `items` items (CACHE_BYTES_PER_ITEM)."""
    steps = items * CACHE_BYTES_PER_ITEM // (CACHE_STEP_KIB * 1024)
    return max(CACHE_KIB, min(CACHE_KIB + steps * CACHE_STEP_KIB, CACHE_MAX_KIB))
