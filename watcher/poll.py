"""One polling pass: fetch → parse → match → store for each feed that is due.

Feeds are polled concurrently (a bounded pool, and a per-host limit so watcher stays polite); parsing
runs in worker processes so fetching never stalls behind feedparser; database writes are serialised,
short, one transaction per feed, and never held across network I/O. A failing feed is recorded with
its error and retried with exponential backoff; it never stops the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import importlib
import itertools
import logging
import random
import re
import statistics
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from watcher.articles import ArticleStage
from watcher.clock import utcnow
from watcher.config import Config, FeedConfig
from watcher.coverage.generated import Generated, generated_feeds
from watcher.coverage.results import SearchResult
from watcher.errors import FeedError, FetchError
from watcher.fetch import FetchLimits, FetchResult, HttpStatusError, fetch, make_client
from watcher.hosts import PAUSE_STATUSES, HeldSlots, Hosts, host_of
from watcher.match import Matcher
from watcher.parse import Entry, ParsedFeed, Stored, parse_feed
from watcher.parse_pool import INLINE_BUDGET, ParsePool, ParseSlots, make_parse_pool, parse_inline, parse_workers
from watcher.sources import LinkFollower, Parsed, feed_of, item_keys, reader_for, results_of, silencer
from watcher.store import (
    Database,
    FeedState,
    claim_due_feeds,
    count_due_feeds,
    defer_feed,
    defer_host_feeds,
    entity_ids,
    has_search_feeds,
    instance_id,
    new_entries,
    record_failure,
    record_redirect,
    record_success,
    record_unchanged,
    release_leases,
    store_items,
    stored_identities,
)
from watcher.stored_matches import PreparedMatches
from watcher.worker import EntitySpec, entity_spec, read_and_match

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

PARSE_TIMEOUT = 60.0  # seconds of parsing per feed before the feed is recorded as failed
JITTER = 0.1
UNCHANGED_BATCH = 500  # unchanged feeds recorded in one transaction, at most
UNCHANGED_MIN_BATCH = 100  # ... and at least, but for the pass's last ones (_flush_unchanged)
STORE_BATCH = 32  # changed feeds stored in one transaction, at most
STORE_GROUP = 16  # ... and, when fewer are waiting, the writer waits up to STORE_GATHER seconds for this many
STORE_GATHER = 0.05
T = TypeVar("T")
Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class PollSummary:
    feeds_ok: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    new_items: int = 0
    new_matches: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def feeds_polled(self) -> int:
        return self.feeds_ok + self.feeds_unchanged + self.feeds_failed

    def add(self, other: PollSummary) -> None:
        self.feeds_ok += other.feeds_ok
        self.feeds_unchanged += other.feeds_unchanged
        self.feeds_failed += other.feeds_failed
        self.new_items += other.new_items
        self.new_matches += other.new_matches
        self.errors.extend(other.errors)


def fetch_limits(config: Config) -> FetchLimits:
    poll = config.poll
    return FetchLimits(
        timeout=poll.timeout.total_seconds(),
        connect_timeout=poll.connect_timeout.total_seconds(),
        max_bytes=poll.max_bytes,
        max_redirects=poll.max_redirects,
        block_private_addresses=poll.block_private_addresses,
    )


def _entities_key(spec: EntitySpec) -> str:
    return hashlib.sha256(repr(spec).encode("utf-8", "surrogatepass")).hexdigest()


def _identity_prefixes(parsed: ParsedFeed) -> bytes:
    """The first 8 bytes of each entry's identity (a sha256 hex digest), for read_and_match's `known`."""
    identities = [*(entry.identity for entry in parsed.entries), *(identity for identity, _ in parsed.skipped)]
    try:
        return b"".join(bytes.fromhex(identity[:16]) for identity in identities)
    except ValueError:
        return b""


_Unchanged = tuple[FeedState, FetchResult, datetime, "asyncio.Future[None]"]  # a feed waiting to be recorded
_Prepared = tuple[str, list[PreparedMatches | None]]  # (entities key, per entry: matched in the worker, or None)
_Stored = tuple[Callable[[Session], tuple[int, int]], "asyncio.Future[tuple[int, int]]"]  # a feed waiting to be stored


class _Unrecorded:
    """Every metric, where nothing serves them (a one-pass command exits without a web page): each call or
    attribute gives itself back, so prometheus_client (~20 ms to import at every start) is not loaded."""

    def __getattr__(self, name: str) -> _Unrecorded:
        return self

    def __call__(self, *args: object, **kwargs: object) -> _Unrecorded:
        return self

    def __enter__(self) -> _Unrecorded:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class Poller:
    """Polls feeds for one config; `apply` swaps in a reloaded config and matcher."""

    def __init__(
        self,
        db: Database,
        config: Config,
        matcher: Matcher,
        *,
        client: httpx.AsyncClient | None = None,
        parse_pool: Executor | None = None,
        inline_parse: bool = False,
        record_metrics: bool = True,
    ) -> None:
        self.db = db
        # watcher.metrics, or a stand-in where they would never be read (record_metrics=False: a one-pass command)
        self.metrics: Any = importlib.import_module("watcher.metrics") if record_metrics else _Unrecorded()
        self.config = config
        self.matcher = matcher
        self.limits = fetch_limits(config)
        self.client = client or make_client(
            self.limits, config.poll.user_agent, config.poll.concurrency, config.poll.per_host
        )
        self._owns_client = client is None
        self.parse_pool = parse_pool
        self._owns_pool = parse_pool is None
        # One parse at a time in a pool made here until the one worker cannot keep up (parse_pool.ParseSlots); a
        # pool given is the caller's to size. With inline_parse (a one-pass command, where a worker's start is not
        # spread over many passes), that one parse runs in this process until it has parsed for INLINE_BUDGET
        # (then in the one worker) or the backlog opens the slots (then in every worker).
        self._inline = inline_parse and self._owns_pool
        self._inline_seconds = 0.0  # CPU spent parsing here (parse_pool.INLINE_BUDGET)
        self._parse_slots = (
            ParseSlots(parse_workers(), on_open=self._allow_workers, worker_cpu=self._parse_cpu)
            if self._owns_pool
            else None
        )
        # Run after a pass that stored matches, in a thread under the write lock (the stories: storykeeper.py).
        self.after_pass: Callable[[], object] | None = None
        self._write_lock = asyncio.Lock()
        self._unchanged_queue: list[_Unchanged] = []
        self._unchanged_pending: list[asyncio.Future[None]] = []  # recorded or not yet, awaited at the pass's end
        self._unchanged_writer: asyncio.Task[None] | None = None
        self._store_queue: list[_Stored] = []
        self._store_writer: asyncio.Task[None] | None = None
        self.hosts = Hosts(
            config.poll.per_host,
            generated_feeds(config).rates,
            config.poll.max_backoff.total_seconds(),
            config.poll.per_host_rate,
        )
        self.links = LinkFollower(self.client, self.hosts)
        self.articles = ArticleStage(db, self.client, self.hosts, self._write, progress=self._progressed)
        self._stopping = False
        self.last_progress = time.monotonic()  # a feed finished (for the systemd watchdog)
        # The parse workers match too (a pool made here, with the config's entities under this key): the
        # writer then only writes. Per feed, the identities of its entries at its last poll (stored by then)
        # go with its next parse, so a worker matches only the entries that may be new.
        self._entities = entity_spec(config.entities)
        self._entities_key = _entities_key(self._entities)
        self._known: dict[int, bytes] = {}
        self._feeds_by_url: tuple[Config, dict[str, FeedConfig]] | None = None
        self._search_feeds: bool | None = None  # whether a search feed exists, as of this pass's start
        with db.session() as session:
            self.entity_ids = entity_ids(session)

    def _progressed(self) -> None:
        self.last_progress = time.monotonic()

    @property
    def stopping(self) -> bool:
        return self._stopping

    @stopping.setter
    def stopping(self, value: bool) -> None:
        self._stopping = self.articles.stopping = value

    def apply(self, config: Config, matcher: Matcher) -> None:
        self.config, self.matcher, self.limits = config, matcher, fetch_limits(config)
        entities = entity_spec(config.entities)
        if entities != self._entities:
            self._entities, self._entities_key = entities, _entities_key(entities)
            if self._owns_pool and isinstance(self.parse_pool, ProcessPoolExecutor):
                # Workers match with the entities they started with: new ones for the new entities. Parses
                # in flight finish in the old pool; their matches, made for another key, are not used.
                old, self.parse_pool = self.parse_pool, None
                old.shutdown(wait=False)
        max_pause = config.poll.max_backoff.total_seconds()
        self.hosts.configure(config.poll.per_host, generated_feeds(config).rates, max_pause, config.poll.per_host_rate)
        with self.db.session() as session:
            self.entity_ids = entity_ids(session)

    async def aclose(self) -> None:
        if self._owns_client:
            await self.client.aclose()
        if self._owns_pool and self.parse_pool is not None:
            self.parse_pool.shutdown(wait=True, cancel_futures=True)
        self.articles.shutdown()

    async def poll(
        self, *, everything: bool = False, now: datetime | None = None, progress: Progress | None = None
    ) -> PollSummary:
        """Poll the feeds that are due (or, with everything, every active feed) once, concurrently.

        Feeds are claimed in batches under a lease (other instances on the same database take the
        rest) while earlier ones are still being fetched; progress(done, total) follows each feed.
        """
        now = now or utcnow()
        polled_before = now if everything else None
        with self.db.session() as session:
            total = count_due_feeds(session, now, everything=everything)
            # Asked once a pass, not in each feed's store (a scan of the feeds table: ~0.4 CPU-s a 1,000-feed
            # pass). A search feed added meanwhile (a reload, another instance's config) counts from the next
            # pass; until then the unique url_key still hands its items over (store.items._held_elsewhere).
            self._search_feeds = has_search_feeds(session) if total else None
        summary = PollSummary()
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

        with self.metrics.POLL_PASS_SECONDS.time():
            while True:
                room = 2 * self.config.poll.concurrency - len(in_flight)
                # Refill in batches once half the window has drained, not one feed per finished feed: a
                # claim is a write transaction of its own, and claiming one feed costs as much as sixteen.
                if room >= self.config.poll.concurrency and not self.stopping:
                    batch = await self._write(lambda room=room: self._claim(room, polled_before))
                    for feed in batch:
                        task = asyncio.create_task(one(feed))
                        task.add_done_callback(finish)
                        in_flight.add(task)
                if not in_flight:
                    break
                if not finished:
                    woken.clear()
                    await woken.wait()
                while finished:
                    task = finished.pop()
                    in_flight.discard(task)
                    summary.add(task.result())
            await self._flush_unchanged()
            await self._fetch_articles(summary)
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
        with self.db.session() as session:
            return claim_due_feeds(session, instance_id(), utcnow(), self.lease, limit, polled_before=polled_before)

    def _release(self, feed_ids: list[int]) -> None:
        with self.db.session() as session:
            release_leases(session, instance_id(), feed_ids)

    @property
    def lease(self) -> timedelta:
        """Long enough for one feed's fetch and parse; a dead instance's feeds return after it."""
        return 2 * self.config.poll.timeout + timedelta(seconds=PARSE_TIMEOUT + 60)

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        return self.hosts.slot(url)

    async def poll_feed(self, feed: FeedState, held: HeldSlots | None = None) -> PollSummary:
        location = feed.redirect_url or self.config.feed_location(feed.url)
        if (paused := self.hosts.paused_until(location)) is not None:
            return await self._deferred(feed, paused)
        try:
            await self.hosts.pace(location)
            result = await fetch(
                self.client, location, etag=feed.etag, last_modified=feed.last_modified, limits=self.limits
            )
            self.hosts.answered(location)
            if result.not_modified:
                return await self._unchanged(feed, result)
            body_hash = hashlib.sha256(result.body).hexdigest()
            if body_hash == feed.body_hash:
                return await self._unchanged(feed, result)
            parsed, prepared = await self._parse(result, feed)
        except HttpStatusError as exc:
            if exc.gone:
                return await self._gone(feed, exc)
            if exc.status == 429 or (exc.status in PAUSE_STATUSES and exc.retry_after is not None):
                return await self._host_paused(feed, location, exc)
            return await self._failed(feed, exc)
        except (FetchError, FeedError) as exc:
            return await self._failed(feed, exc)
        except Exception as exc:  # a bug, or a library surprised by hostile input: this feed fails, not the pass
            log.exception("feed.crashed", extra={"fields": {"feed": feed.url}})
            return await self._failed(feed, FeedError(f"unexpected {type(exc).__name__}: {exc}"))
        return await self._store(feed, result, parsed, body_hash, prepared, held)

    async def _parse(self, result: FetchResult, feed: FeedState) -> tuple[Parsed, _Prepared | None]:
        """(what the feed's reader reads, and the matches a worker made of its entries, or None)."""
        loop = asyncio.get_running_loop()
        feed_url = feed.url
        configured = self._feed_config(feed_url)
        reader = reader_for(configured.type if configured else "feed", feed_url in self._generated.by_url)
        known = self._known.get(feed.id)
        # Matched in the worker when this pool's workers match, and only where what is new is known: a new
        # feed (everything), or one polled before by this process (all but its last entries). Otherwise (the
        # first pass of `watcher poll`) the writer matches the new entries, as it always did.
        in_worker = self._owns_pool and (feed.is_new or known is not None)
        try:
            # The reader itself (a partial of it), not a wrapper here: the worker imports its module only.
            job = functools.partial(reader, content_type=result.content_type, url=result.url)
            if in_worker:
                key = self._entities_key
                job = functools.partial(
                    read_and_match,
                    reader,
                    content_type=result.content_type,
                    url=result.url,
                    key=key,
                    known=known or b"",
                )
            async with self._parse_slots.slot() if self._parse_slots else contextlib.nullcontext():
                if self._inline and reader is parse_feed:
                    inline = await self._parse_inline(result, self._stored_reader(feed))
                    if inline is not None:
                        return inline, None
                if self.parse_pool is None:
                    self.parse_pool = make_parse_pool(
                        entities=self._entities,
                        key=self._entities_key,
                        allowed=self._parse_slots.open if self._parse_slots else None,
                    )
                future = loop.run_in_executor(self.parse_pool, job, result.body)
                done = await asyncio.wait_for(future, PARSE_TIMEOUT)
            if not in_worker:
                return done, None
            parsed, prepared = done
            return parsed, (key, prepared) if prepared is not None else None
        except BrokenProcessPool:
            # A worker died (out of memory on a hostile feed, or killed): replace the pool.
            self.parse_pool = None
            raise FeedError("the parser process died on this feed (memory limit?)") from None
        except TimeoutError:
            # The worker is still at it: stop it, or a few such feeds would occupy the whole pool.
            self._discard_parse_pool()
            raise FeedError(f"parsing took longer than {PARSE_TIMEOUT:g}s") from None
        except MemoryError:
            raise FeedError("parsing exceeded the parser's memory limit") from None

    async def _parse_inline(self, result: FetchResult, stored: Stored | None = None) -> ParsedFeed | None:
        """The feed read in this process (a thread, off the event loop), or None: it needs a worker."""
        try:
            parsed, seconds = await asyncio.wait_for(
                asyncio.to_thread(parse_inline, result.body, result.content_type, result.url, stored), PARSE_TIMEOUT
            )
        except TimeoutError:
            # Not expected of parse_fast on a document this small; the thread cannot be stopped, so no more here.
            self._inline = False
            raise FeedError(f"parsing took longer than {PARSE_TIMEOUT:g}s") from None
        self._inline_seconds += seconds
        if self._inline_seconds > INLINE_BUDGET:
            self._inline = False  # a large pass: a worker parses the rest (and the others, should a backlog build)
        return parsed

    def _stored_reader(self, feed: FeedState) -> Stored | None:
        """For the reader in this process: which of a changed feed's entries are stored already, so that their text
        is not read (~60% of reading a changed feed whose ~45 entries of 50 are stored). Only where no stored
        entry's text is read after: full_text never or always (auto weighs every entry's text for teasers). A new
        feed has none stored."""
        configured = self._feed_config(feed.url)
        if feed.is_new or configured is None or configured.type != "feed" or configured.full_text == "auto":
            return None
        return functools.partial(stored_identities, self.db.engine, feed.id)

    def _parse_cpu(self) -> float | None:
        """The parse workers' CPU seconds so far (ParseSlots' measure of their load), None without a pool."""
        return self.parse_pool.cpu_seconds() if isinstance(self.parse_pool, ParsePool) else None

    def _allow_workers(self, workers: int) -> None:
        self._inline = False  # a backlog: the workers parse from now on, on every CPU
        if isinstance(self.parse_pool, ParsePool):
            self.parse_pool.allow(workers)

    def _discard_parse_pool(self) -> None:
        """Kill the pool's workers and start afresh; parses in flight there fail and are retried later."""
        pool, self.parse_pool = self.parse_pool, None
        if isinstance(pool, ProcessPoolExecutor):
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()
            pool.shutdown(wait=False, cancel_futures=True)

    @property
    def _generated(self) -> Generated:
        return generated_feeds(self.config)

    def _feed_config(self, feed_url: str) -> FeedConfig | None:
        if self._feeds_by_url is None or self._feeds_by_url[0] is not self.config:
            feeds = [*self._generated.feeds, *self.config.feeds]  # config.yaml's entry wins
            self._feeds_by_url = (self.config, {feed.url: feed for feed in feeds})
        return self._feeds_by_url[1].get(feed_url)

    def _interval(self, feed_url: str) -> timedelta:
        feed = self._feed_config(feed_url)
        return feed.interval if feed and feed.interval else self.config.poll.interval

    def _schedule(
        self, feed: FeedState, now: datetime, *, new_items: int, parsed: ParsedFeed | None, result: FetchResult
    ) -> tuple[datetime, int]:
        """(next poll time, interval in seconds) after a successful poll."""
        poll = self.config.poll
        configured = self._feed_config(feed.url)
        floor = max(parsed.ttl_seconds or 0 if parsed else 0, _max_age(result.cache_control))
        search = self._generated.by_url.get(feed.url)
        if search is not None:  # a news search is polled no more often than its engine's interval
            floor = max(floor, search.interval.total_seconds())
        if (configured and configured.interval) or not poll.adaptive:
            interval = max(self._interval(feed.url).total_seconds(), floor)
        else:
            interval = adapt_interval(
                feed.interval_seconds or poll.interval.total_seconds(),
                new_items=new_items,
                entry_times=_entry_times(parsed),
                minimum=poll.min_interval.total_seconds(),
                maximum=poll.max_interval.total_seconds(),
                floor=floor,
            )
        jittered = interval * random.uniform(1 - JITTER, 1 + JITTER)
        return now + timedelta(seconds=jittered), round(interval)

    def _backoff(self, feed: FeedState, now: datetime, retry_after: float | None) -> datetime:
        base = self._interval(feed.url).total_seconds()
        cap = self.config.poll.max_backoff.total_seconds()
        # 2**n capped first: base * 2**1024 overflows a float (1024 failures: 3.5 days at max_backoff 5m).
        delay = min(base * 2 ** min(feed.consecutive_failures, 64), cap)
        delay = min(delay * random.uniform(1 - JITTER, 1 + JITTER), cap)  # jitter never passes the cap
        if retry_after is not None:
            delay = max(delay, retry_after)
        return now + timedelta(seconds=delay)

    def _silence_before(self, feed: FeedState, now: datetime) -> datetime | None:
        """On a feed's first successful poll, items older than this are stored without alerting."""
        if not feed.is_new:
            return None
        config = self._feed_config(feed.url)
        age = config.first_poll_alert_age if config and config.first_poll_alert_age else None
        return now - (age or self.config.poll.first_poll_alert_age)

    async def _write(self, function: Callable[[], T]) -> T:
        # One writer at a time, off the event loop: SQLite has one write lock, and fetching goes on meanwhile.
        async with self._write_lock:
            return await asyncio.to_thread(function)

    def _note_redirect(self, session: Session, feed: FeedState, result: FetchResult) -> None:
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
                with self.db.session() as session:
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
        self, work: Callable[[Session], tuple[int, int]], held: HeldSlots | None = None
    ) -> tuple[int, int]:
        """Run a changed feed's store in the next group transaction (→ its counts, or its exception). The feed's
        slots (`held`) go to the next feeds meanwhile: the pass's window of claimed feeds bounds the queue."""
        future: asyncio.Future[tuple[int, int]] = asyncio.get_running_loop().create_future()
        self._store_queue.append((work, future))
        if self._store_writer is None or self._store_writer.done():
            self._store_writer = asyncio.create_task(self._write_stores())
        if held is not None:
            held.release()
        return await future

    async def _write_stores(self) -> None:
        """Store the changed feeds queued so far, up to STORE_BATCH in one transaction, until none are left.

        A group commit, as for unchanged feeds: a transaction per feed cost more than its inserts (SQLite
        writes each commit's pages to the WAL, ~1 ms of CPU a feed). Should one feed's store fail, the batch is
        rolled back and each of its feeds stored again in a transaction of its own, so only that one fails.

        The writer gathers a group before it starts one: taking whatever had come, it committed two feeds a
        transaction on average in an all-new pass (it writes faster than feeds arrive), and with SQLite a
        transaction of 16 feeds costs ~40% less CPU a feed than one of 1-2 (the random-key indexes' pages are
        written once for all). The feeds wait without their slots (_store_in_batch), and a pass 50 ms longer.
        """
        while self._store_queue:
            deadline = time.monotonic() + STORE_GATHER
            while len(self._store_queue) < STORE_GROUP and time.monotonic() < deadline and not self.stopping:
                await asyncio.sleep(STORE_GATHER / 10)
            batch = self._store_queue[:STORE_BATCH]
            del self._store_queue[:STORE_BATCH]

            def write(batch: list[_Stored] = batch) -> list[tuple[int, int] | BaseException]:
                try:
                    with self.db.session() as session:
                        return [work(session) for work, _future in batch]
                except Exception:
                    if len(batch) == 1:
                        raise
                outcomes: list[tuple[int, int] | BaseException] = []
                for work, _future in batch:
                    try:
                        with self.db.session() as session:
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
                if future.done():
                    continue
                if isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    async def _failed(self, feed: FeedState, exc: Exception, not_before: datetime | None = None) -> PollSummary:
        now = utcnow()
        retry_after = exc.retry_after if isinstance(exc, HttpStatusError) else None
        next_poll = self._backoff(feed, now, retry_after)
        if not_before is not None:
            next_poll = max(next_poll, not_before)

        def write() -> None:
            with self.db.session() as session:
                record_failure(session, feed.id, now, next_poll, str(exc))

        await self._write(write)
        fields = {"feed": feed.url, "error": str(exc), "failures": feed.consecutive_failures + 1, "retry_at": next_poll}
        log.warning("feed.failed", extra={"fields": fields})
        return PollSummary(feeds_failed=1, errors=[(feed.url, str(exc))])

    async def _gone(self, feed: FeedState, exc: HttpStatusError) -> PollSummary:
        now = utcnow()
        reason = f"{exc}; not polled again until its entry in the config changes"

        def write() -> None:
            with self.db.session() as session:
                record_failure(session, feed.id, now, now, reason, disable=True)

        await self._write(write)
        log.error("feed.gone", extra={"fields": {"feed": feed.url, "error": reason}})
        return PollSummary(feeds_failed=1, errors=[(feed.url, reason)])

    async def _store(
        self,
        feed: FeedState,
        result: FetchResult,
        read: Parsed,
        body_hash: str,
        prepared: _Prepared | None = None,
        held: HeldSlots | None = None,
    ) -> PollSummary:
        matcher, ids = self.matcher, self.entity_ids
        parsed = feed_of(read)
        # Matches a worker made, with the entities in use now (a reload since makes them another key's).
        ready: dict[str, PreparedMatches] = {}
        if prepared is not None and prepared[0] == self._entities_key:
            ready = {
                entry.identity: matches
                for entry, matches in zip(parsed.entries, prepared[1], strict=True)
                if matches is not None
            }
        configured = self._feed_config(feed.url)
        kind, mode = (configured.type, configured.full_text) if configured else ("feed", "auto")
        search = self._generated.by_url.get(feed.url)
        silence_before = self._silence_before(feed, utcnow())
        undated_too = kind in ("page", "sitemap") and feed.is_new  # a page's links on its first poll were there
        silenced = silencer(silence_before, undated_too=undated_too)
        results = results_of(read)
        if search is not None:
            results = await self._follow_links(feed, results, search.host, silenced)
        by_identity = {result.entry.identity: result for result in results}

        def write(session: Session) -> tuple[int, int]:
            now = utcnow()
            entries = [result.entry for result in results]
            # A feed never polled with success has no items (a feed's items and its first success commit together;
            # a racing instance's copies are skipped by the insert's ON CONFLICT): all its entries are new, and
            # new_entries' two IN queries are spared (0.55 s of the writer's 7.4 under cProfile, all-new pass).
            fresh = (
                entries if feed.is_new else new_entries(session, feed.id, entries, now, with_sources=search is not None)
            )
            keys = item_keys(
                [by_identity[entry.identity] for entry in fresh],
                mode=mode,
                kind=kind,
                search_host=search.host if search else None,
                silenced=silenced,
                every_entry=parsed.entries,
            )
            matches = [
                found if (found := ready.get(entry.identity)) is not None else matcher.match(entry.fields)
                for entry in fresh
            ]
            counts = store_items(
                session,
                feed.id,
                fresh,
                matches,
                ids,
                now,
                silence_before=silence_before,
                silence_undated=undated_too,
                keys=keys,
                search=search is not None,
                search_feeds=self._search_feeds,
            )
            next_poll, interval = self._schedule(feed, now, new_items=counts[0], parsed=parsed, result=result)
            record_success(
                session,
                feed.id,
                now,
                next_poll,
                etag=result.etag,
                last_modified=result.last_modified,
                body_hash=body_hash,
                title=parsed.title,
                interval_seconds=interval,
            )
            self._note_redirect(session, feed, result)
            return counts

        items, matches = await self._store_in_batch(write, held)
        if self._owns_pool:
            self._known[feed.id] = _identity_prefixes(parsed)
        entries = len(parsed.entries) + len(parsed.skipped)
        fields = {"feed": feed.url, "entries": entries, "new_items": items, "new_matches": matches}
        log.info("feed.ok", extra={"fields": {**fields, "warning": parsed.warning}})
        return PollSummary(feeds_ok=1, new_items=items, new_matches=matches)

    async def _follow_links(
        self, feed: FeedState, results: list[SearchResult], engine_host: str, silenced: Callable[[Entry], bool]
    ) -> list[SearchResult]:
        """A search feed's new results, their links followed to the publisher where that can be done."""

        def unknown() -> set[str]:
            with self.db.session() as session:
                entries = [result.entry for result in results]
                return {entry.identity for entry in new_entries(session, feed.id, entries, utcnow(), with_sources=True)}

        new = await self._write(unknown)
        wanted = [result for result in results if result.entry.identity in new and not silenced(result.entry)]
        if not wanted:
            return results
        followed = await self.links.follow(wanted, engine_host, self.limits)
        by_identity = {result.entry.identity: result for result in followed}
        return [by_identity.get(result.entry.identity, result) for result in results]

    async def _host_paused(self, feed: FeedState, location: str, exc: HttpStatusError) -> PollSummary:
        """429 (or 503 with Retry-After): the whole host is left alone until the pause ends, in every feed."""
        until = self.hosts.pause(location, exc.retry_after)

        def write() -> int:
            with self.db.session() as session:
                return defer_host_feeds(session, host_of(location), until)

        deferred = await self._write(write)
        log.warning("host.paused", extra={"fields": {"feed": feed.url, "until": until, "feeds_deferred": deferred}})
        return await self._failed(feed, exc, not_before=until)

    async def _deferred(self, feed: FeedState, until: datetime) -> PollSummary:
        """Not fetched: its host asked for a pause (429) that lasts until `until`. No failure is counted."""

        def write() -> None:
            with self.db.session() as session:
                defer_feed(session, feed.id, utcnow(), until)

        await self._write(write)
        log.debug("feed.deferred", extra={"fields": {"feed": feed.url, "until": until}})
        return PollSummary()


def _entry_times(parsed: ParsedFeed | None) -> list[datetime]:
    """The publication times of every entry read, their text read or not (ParsedFeed.skipped)."""
    if parsed is None:
        return []
    times = [entry.published for entry in parsed.entries if entry.published]
    return times + [published for _, published in parsed.skipped if published]


def adapt_interval(
    current: float, *, new_items: int, entry_times: list[datetime], minimum: float, maximum: float, floor: float = 0
) -> float:
    """The next polling interval of a feed, in seconds: its own pace, within [minimum, maximum].

    A poll that found new items moves the interval towards the feed's typical gap between entries
    (at most halving it at once); a poll that found nothing lengthens it by half. `floor` (the feed's
    ttl or max-age) wins over everything: polling sooner than a publisher asks is impolite and useless.
    """
    if new_items:
        times = sorted(entry_times, reverse=True)[:10]
        gaps = [(newer - older).total_seconds() for newer, older in itertools.pairwise(times)]
        gaps = [gap for gap in gaps if gap > 0]
        target = statistics.median(gaps) if gaps else current / 2
        interval = min(current, max(target, current / 2))
    else:
        interval = current * 1.5
    return max(min(max(interval, minimum), maximum), floor)


_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*(\d+)", re.IGNORECASE)


def _max_age(cache_control: str | None) -> float:
    """Seconds a response may be reused, from Cache-Control (0 when absent or no-cache)."""
    if not cache_control or "no-cache" in cache_control.lower() or "no-store" in cache_control.lower():
        return 0.0
    found = _MAX_AGE.search(cache_control)
    return min(float(found[1]), 7 * 86400.0) if found else 0.0
