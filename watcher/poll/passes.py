"""The polling pass: claim the due feeds in batches under a lease, poll each concurrently (a bounded pool and a
per-host limit) as the window drains, then fetch the new teasers' articles and run what follows a pass."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from watcher.articles import ArticleStage
from watcher.clock import utcnow
from watcher.fetch.results import FetchLimits
from watcher.hosts import HeldSlots, Hosts
from watcher.match.matcher import Matcher
from watcher.parse_pool import INLINE_NEW_FEEDS
from watcher.poll.parsing import PARSE_TIMEOUT
from watcher.poll.summary import PollSummary, Progress
from watcher.poll.writes import STORE_WAITING
from watcher.store import (
    Database,
    FeedState,
    claim_due_feeds,
    count_due_feeds,
    has_search_feeds,
    instance_id,
    release_leases,
)

if TYPE_CHECKING:
    from watcher.config import Config

# Feeds a pass keeps claimed ahead of need, at least: it claims again once half are started, so a claim takes 64 or
# more. Each claim's commit writes to the WAL the feeds table's pages its rows are on, about as many for 16 rows as for
# 64: a 1,000-feed pass that kept twice the concurrency ahead (32 by default, a claim once 16 were started) made ~60
# claims and spent ~60 ms of CPU on them, ~8% of its 10%-changed cycle (issue 12); with 128, 17 claims and ~25 ms.
# A lease is minutes long; feeds another instance could have taken wait here a fraction of a second longer.
CLAIM_AHEAD = 128

log = logging.getLogger("watcher.poll")  # one logger for the package, as when it was one module (the JSON logs name it)


class PollPass:
    """Poller's pass over the due feeds (a mixin: the state it uses is made in Poller.__init__, and poll_feed, the
    stopping flag and the writes are Poller's)."""

    config: Config
    db: Database
    matcher: Matcher
    metrics: Any
    entity_ids: dict[str, int]
    hosts: Hosts
    limits: FetchLimits
    articles: ArticleStage
    after_pass: Callable[[], object] | None
    last_progress: float
    _search_feeds: bool | None
    _inline: bool
    _storing: int
    _handed_over: Callable[[], object] | None
    _more_to_store: Callable[[], bool] | None
    _close_pass_pool: Callable[[], Awaitable[None]]
    _reset_writer_cache: Callable[[], Awaitable[None]]
    _pass_items: int

    async def poll(
        self, *, everything: bool = False, now: datetime | None = None, progress: Progress | None = None
    ) -> PollSummary:
        """Poll the feeds that are due (or, with everything, every active feed) once, concurrently.

        Feeds are claimed in batches under a lease (other instances on the same database take the
        rest) while earlier ones are still being fetched; progress(done, total) follows each feed.
        """
        now = now or utcnow()
        polled_before = now if everything else None
        with self.db.transaction() as session:
            total = count_due_feeds(session, now, everything=everything)
            if self._inline and total > INLINE_NEW_FEEDS:
                # Many new feeds: a worker will parse, so it parses from the first (parse_pool.INLINE_NEW_FEEDS).
                self._inline = count_due_feeds(session, now, everything=everything, new=True) <= INLINE_NEW_FEEDS
            # Asked once a pass, not in each feed's store (a scan of the feeds table: ~0.4 CPU-s a 1,000-feed
            # pass). A search feed added meanwhile (a reload, another instance's config) counts from the next
            # pass; until then the unique url_key still hands its items over (store.item_sources._held_elsewhere).
            self._search_feeds = has_search_feeds(session) if total else None
        summary = PollSummary()
        self._pass_items = 0  # the writer's page cache grows with this pass's items (writes.writer_cache_kib)
        log.debug("poll.start", extra={"fields": {"due": total, "everything": everything}})
        if not total:
            await self._fetch_articles(summary)  # articles left waiting by an earlier pass (the budget)
            await self._after_pass(summary)
            return summary
        slots = asyncio.Semaphore(self.config.poll.concurrency)
        done = 0

        async def one(feed: FeedState) -> PollSummary:
            nonlocal done
            # The host's slot first: a feed waiting on a busy host must not hold one of the global slots. Both are
            # given back when the feed has only its store to wait for (_store_in_batch).
            async with HeldSlots(self._host_limit(feed.url), slots) as held:
                if self.stopping:
                    await self._write(lambda: self._release([feed.id]))
                    return PollSummary()
                started = time.monotonic()
                outcome = await self.poll_feed(feed, held)
            self.last_progress = time.monotonic()
            self.metrics.FEED_POLL_SECONDS.observe(self.last_progress - started)
            self.metrics.LAST_PROGRESS.set_to_current_time()
            done += 1
            if progress is not None:
                progress(done, max(total, done))
            return outcome

        in_flight: set[asyncio.Task[PollSummary]] = set()
        # Each feed's task says when it is done (asyncio.wait would add and remove a callback on every task in
        # flight for each feed that finishes: ~15% of the event loop's CPU in a pass of 1,000 unchanged feeds).
        finished: list[asyncio.Task[PollSummary]] = []
        woken = asyncio.Event()

        def finish(task: asyncio.Task[PollSummary]) -> None:
            finished.append(task)
            woken.set()

        self._handed_over = woken.set  # a feed left with only its store to wait for: room for another

        # Feeds claimed ahead (leased to this instance) not started yet, and the claim under way: claimed in the
        # background, as a claim waits for the write lock, which the writer holds for a whole group of stores
        # (~0.2-0.5 s in an all-new pass): awaited in this loop, the window drained meanwhile and the parse
        # workers idled until the claim came through.
        claimed: deque[FeedState] = deque()
        claiming: asyncio.Task[list[FeedState]] | None = None
        exhausted = False  # the last claim found no feed: the next is made when nothing is left in flight
        over = False  # ... and so did one made with nothing in flight: the pass is over
        concurrency = self.config.poll.concurrency
        ahead = max(2 * concurrency, CLAIM_AHEAD)

        def more_to_store() -> bool:
            # Whether a feed may still join the writer's group: one claimed, being claimed or fetched and parsed
            # (in flight but not storing). At the pass's end none is, and the writer stops gathering at once.
            return bool(claimed) or claiming is not None or not exhausted or len(in_flight) > self._storing

        self._more_to_store = more_to_store

        with self.metrics.POLL_PASS_SECONDS.time():
            while True:
                woken.clear()
                if claiming is not None and claiming.done():
                    batch = claiming.result()  # a failed claim fails the pass, as it always did
                    claiming = None
                    claimed.extend(batch)
                    over = not batch and exhausted and not in_flight
                    exhausted = not batch
                # The window: feeds fetched or parsed, not those only waiting for the writer (up to STORE_WAITING
                # of them). Counted whole, the window filled with feeds waiting for their group's commit while
                # the writer gathered them, and fetching and parsing stopped meanwhile: the parse workers and
                # the writer took turns instead of working side by side (a 2,000-feed all-new pass, 2 cores).
                room = 2 * concurrency - len(in_flight) + min(self._storing, STORE_WAITING)
                while room > 0 and claimed and not self.stopping:
                    task = asyncio.create_task(one(claimed.popleft()))
                    task.add_done_callback(finish)
                    in_flight.add(task)
                    room -= 1
                # Claim in batches (a claim is a write transaction of its own, and claiming one feed costs as much
                # as sixteen), `ahead` feeds ahead of need; once one finds none, again only when nothing is in
                # flight (the pass's end, or feeds another instance's lease held a moment ago).
                wanted = ahead - len(claimed)
                if (
                    claiming is None
                    and not self.stopping
                    and wanted >= ahead // 2
                    and (not exhausted or not in_flight)
                    and not over
                ):
                    claiming = asyncio.create_task(
                        self._write(lambda wanted=wanted: self._claim(wanted, polled_before))
                    )
                    claiming.add_done_callback(lambda _task: woken.set())
                if not in_flight and claiming is None and (self.stopping or (over and not claimed)):
                    break
                if not finished:
                    await woken.wait()  # a feed finished or handed over, or a claim came, since the loop's top
                while finished:
                    task = finished.pop()
                    in_flight.discard(task)
                    summary.add(task.result())
            if claimed:  # stopping: feeds claimed and never started go back to the others
                leftover = [feed.id for feed in claimed]
                await self._write(lambda: self._release(leftover))
            self._more_to_store = None
            await self._flush_unchanged()
            await self._reset_writer_cache()
            await self._fetch_articles(summary)
        await self._close_pass_pool()
        await self._after_pass(summary)
        self.metrics.FEED_POLLS.labels("ok").inc(summary.feeds_ok)
        self.metrics.FEED_POLLS.labels("unchanged").inc(summary.feeds_unchanged)
        self.metrics.FEED_POLLS.labels("failed").inc(summary.feeds_failed)
        self.metrics.ITEMS.inc(summary.new_items)
        self.metrics.MATCHES.inc(summary.new_matches)
        fields = {
            "feeds": summary.feeds_polled,
            "ok": summary.feeds_ok,
            "unchanged": summary.feeds_unchanged,
            "failed": summary.feeds_failed,
            "new_items": summary.new_items,
            "new_matches": summary.new_matches,
        }
        log.info("poll.done", extra={"fields": fields})
        return summary

    async def _fetch_articles(self, summary: PollSummary) -> None:
        """The full text of new teaser items (articles.py), before the stories are made of them."""
        if self.stopping or not self.config.full_text.budget:
            return
        try:
            found = await self.articles.run(self.config, self.matcher, self.entity_ids, self.limits)
        except Exception:  # full text is an extra: the items are stored, their articles wait for the next pass
            log.exception("articles.crashed")
            return
        summary.new_matches += found.new_matches

    async def _after_pass(self, summary: PollSummary) -> None:
        if self.after_pass is not None and summary.new_matches:
            try:
                await self._write(self.after_pass)
            except Exception:  # analysis is an extra: the matches are stored and will be mailed regardless
                log.exception("analyze.failed")

    def _claim(self, limit: int, polled_before: datetime | None) -> list[FeedState]:
        with self.db.transaction() as session:
            return claim_due_feeds(session, instance_id(), utcnow(), self.lease, limit, polled_before=polled_before)

    def _release(self, feed_ids: list[int]) -> None:
        with self.db.transaction() as session:
            release_leases(session, instance_id(), feed_ids)

    @property
    def lease(self) -> timedelta:
        """Long enough for one feed's fetch and parse; a dead instance's feeds return after it."""
        return 2 * self.config.poll.timeout + timedelta(seconds=PARSE_TIMEOUT + 60)

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        return self.hosts.slot(url)
