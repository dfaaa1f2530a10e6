"""The Poller, made for one config (its client, parse pool, hosts and metrics) and given a reloaded one: its pass
over the due feeds is passes.py; here one feed is fetched and handed on to be parsed (parsing.py), recorded
(outcomes.py, writes.py) and scheduled (schedule.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import importlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from watcher.articles import ArticleStage
from watcher.coverage.generated import generated_feeds
from watcher.errors import FeedError, FetchError
from watcher.fetch.client import make_client
from watcher.fetch.request import fetch
from watcher.fetch.results import FetchLimits, HttpStatusError
from watcher.hosts import PAUSE_STATUSES, HeldSlots, Hosts
from watcher.match.matcher import Matcher
from watcher.parse_pool import QUEUED, ParseSlots, parse_workers
from watcher.poll.outcomes import FeedOutcomes
from watcher.poll.parsing import FeedParsing
from watcher.poll.passes import PollPass
from watcher.poll.schedule import FeedSchedule
from watcher.poll.summary import PollSummary
from watcher.poll.writes import GroupWrites, _Stored, _Unchanged
from watcher.sources import LinkFollower
from watcher.store import Database, FeedState, entity_ids
from watcher.worker import EntitySpec, entity_spec

if TYPE_CHECKING:
    import httpx

    from watcher.config import Config, FeedConfig

log = logging.getLogger("watcher.poll")  # one logger for the package, as when it was one module (the JSON logs name it)


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


class Poller(PollPass, FeedOutcomes, GroupWrites, FeedParsing, FeedSchedule):
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
        self._one_pass = inline_parse  # the workers go when the pass is over (FeedParsing._close_pass_pool)
        self._inline_seconds = 0.0  # CPU spent parsing here (parse_pool.INLINE_BUDGET)
        self._parse_slots = (
            ParseSlots(parse_workers(), on_open=self._allow_workers, worker_cpu=self._parse_cpu, queued=QUEUED)
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
        self._storing = 0
        self._pass_items = 0
        self._cache_raised = False
        self._handed_over: Callable[[], object] | None = None
        self._more_to_store: Callable[[], bool] | None = None  # set by a pass (PollPass.poll); None: may be more
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
        with db.transaction() as session:
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
        with self.db.transaction() as session:
            self.entity_ids = entity_ids(session)

    async def aclose(self) -> None:
        if self._owns_client:
            await self.client.aclose()
        if self._owns_pool and self.parse_pool is not None:
            self.parse_pool.shutdown(wait=True, cancel_futures=True)
        self.articles.shutdown()

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
            # The body (~30 KB a feed) is read: not kept while the feed waits for the writer, which in an all-new
            # pass holds up to STORE_WAITING feeds queued and a batch as many being written.
            result = dataclasses.replace(result, body=b"")
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
