"""The full-text stage of a polling pass: the linked articles of new teaser items, fetched and read.

Items stored with their article wanted wait in the database (store/articles.py); each pass claims at most
`full_text.budget` of them, oldest first, fetches each page with the feeds' guarded client and fetch limits
(private addresses refused at connect time, full_text.max_bytes after decompression, poll.timeout in all,
redirects checked) within the per-host limits, and extracts its main text in an extractor process. The
text becomes the item's content and is matched: entities named only in the article body are found, and the
analyser and the digest quote the body. Each item is fetched once; a failure is recorded on the item and
costs that item only: never the feed, the pass, or the other pages.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
import multiprocessing
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from watcher.clock import utcnow
from watcher.coverage.fulltext import extract_article, prepare_extraction
from watcher.errors import FeedError, FetchError
from watcher.fetch.request import fetch
from watcher.fetch.results import FetchLimits, HttpStatusError
from watcher.hosts import PAUSE_STATUSES, Hosts
from watcher.match.matcher import UNDETERMINED, Matcher
from watcher.store import ArticleToFetch, Database, add_matches, claim_articles, record_article, release_articles
from watcher.worker import begin_page, init_extract_worker

if TYPE_CHECKING:
    import httpx

    from watcher.config import Config

log = logging.getLogger(__name__)

EXTRACT_TIMEOUT = 20.0  # seconds of extraction per page before the page fails and its process is replaced
# Seconds a page may wait for a process to begin it: a new process's start and imports (the pool hands over no
# more pages than it has processes). Far beyond a start on a loaded machine; only a broken one reaches it.
EXTRACT_START_TIMEOUT = 120.0
BEGIN_POLL_SECONDS = 0.05  # how often a page handed over is looked for in its cell until its process begins it
EXTRACTOR_MEMORY_LIMIT = 1024 * 2**20  # address space of an extractor process
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
T = TypeVar("T")
Write = Callable[[Callable[[], T]], Awaitable[T]]


@dataclass
class ArticleSummary:
    fetched: int = 0  # articles whose text was stored
    failed: int = 0
    new_matches: int = 0


class _Overdue(Exception):
    """A page's extraction did not begin, or did not end, in time (its message says which)."""


class ExtractorPool:
    """Extractor processes: a page that crashes one or runs past EXTRACT_TIMEOUT fails alone.

    A timeout kills the pool (the only way to stop a running extraction). A page whose process died under it,
    by its own doing or another page's (a crash, a timeout's kill), is tried once more alone, in a process of
    its own: only a page that breaks that one too fails, and it takes no other page with it. No more pages are
    handed over than there are processes, and each page's timeout runs from when its process begins it
    (begin_page notes that in a shared cell): a new process's start and the extractor's loading (`prepare`,
    ~0.4 CPU-s, several seconds on a loaded machine) are not the page's, and failed good pages when they
    counted. The start has its own bound, EXTRACT_START_TIMEOUT. A page given up (its pass cancelled) kills
    the pool too: nothing else would stop its extraction, and shutdown() would wait for it.
    """

    def __init__(
        self, workers: int, job: Callable[..., str] = extract_article, prepare: Callable[[], None] = prepare_extraction
    ) -> None:
        self.workers = workers
        self.job = job  # a module-level function: the processes import it by name
        self.prepare = prepare  # run as each process starts, before it takes a page: the job's own loading
        self._pool: ProcessPoolExecutor | None = None
        self._free = asyncio.Semaphore(workers)
        self._context = multiprocessing.get_context("forkserver")
        self._begun = self._context.RawArray("q", workers)  # a cell per page in flight: the token it began
        self._cells = list(range(workers))
        self._tokens = itertools.count(1)

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self._context,
            initializer=init_extract_worker,
            initargs=(self._begun, self.prepare, EXTRACTOR_MEMORY_LIMIT, os.getpid()),
        )

    async def extract(self, body: bytes, content_type: str | None, url: str) -> str:
        job = functools.partial(self.job, content_type=content_type, url=url)
        async with self._free:
            cell = self._cells.pop()
            try:
                return await self._extract(job, body, cell)
            finally:
                self._cells.append(cell)

    async def _extract(self, job: Callable[[bytes], str], body: bytes, cell: int) -> str:
        if self._pool is None:
            self._pool = self._new_pool(self.workers)
        pool = self._pool
        try:
            return await self._run(pool, job, body, cell)
        except BrokenProcessPool:
            if self._pool is pool:
                self._pool = None
        alone = self._new_pool(1)
        try:
            return await self._run(alone, job, body, cell)
        except BrokenProcessPool:
            raise FeedError("the extractor process died on this page (memory limit?)") from None
        finally:
            alone.shutdown(wait=False, cancel_futures=True)

    async def _run(self, pool: ProcessPoolExecutor, job: Callable[[bytes], str], body: bytes, cell: int) -> str:
        token = next(self._tokens)
        future = asyncio.get_running_loop().run_in_executor(pool, begin_page, job, cell, token, body)
        try:
            return await self._result(future, cell, token)
        except _Overdue as exc:
            self._kill(pool)
            raise FeedError(str(exc)) from None
        except asyncio.CancelledError:
            future.cancel()  # its BrokenProcessPool, once killed, is nobody's to read
            self._kill(pool)
            raise
        except MemoryError:
            raise FeedError("extracting the text exceeded the extractor's memory limit") from None

    async def _result(self, future: asyncio.Future[str], cell: int, token: int) -> str:
        """The page's text, once its process began it within EXTRACT_START_TIMEOUT and ended within EXTRACT_TIMEOUT
        of that (_Overdue otherwise). Its beginning is seen at most BEGIN_POLL_SECONDS late."""
        loop = asyncio.get_running_loop()
        deadline, begun = loop.time() + EXTRACT_START_TIMEOUT, False
        while True:
            if not begun and self._begun[cell] == token:
                deadline, begun = loop.time() + EXTRACT_TIMEOUT, True
            remaining = deadline - loop.time()
            if remaining <= 0:
                future.cancel()
                if begun:
                    raise _Overdue(f"extracting the text took longer than {EXTRACT_TIMEOUT:g}s")
                raise _Overdue(f"no extractor process began the page within {EXTRACT_START_TIMEOUT:g}s")
            await asyncio.wait({future}, timeout=remaining if begun else min(remaining, BEGIN_POLL_SECONDS))
            if future.done():
                return future.result()

    def _kill(self, pool: ProcessPoolExecutor) -> None:
        if self._pool is pool:
            self._pool = None
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


class ArticleStage:
    def __init__(
        self,
        db: Database,
        client: httpx.AsyncClient,
        hosts: Hosts,
        write: Write[Any],
        progress: Callable[[], None] = lambda: None,
    ) -> None:
        self.db = db
        self.client = client
        self.hosts = hosts
        self.write = write
        self.progress = progress  # an article done: the systemd watchdog sees the daemon at work
        self.extractors: ExtractorPool | None = None
        self.stopping = False

    async def run(
        self, config: Config, matcher: Matcher, entity_ids: dict[str, int], feed_limits: FetchLimits
    ) -> ArticleSummary:
        """Fetch the articles waiting (up to the budget) and store their text and new matches."""
        settings = config.full_text
        now = utcnow()

        def claim() -> list[ArticleToFetch]:
            with self.db.transaction() as session:
                return claim_articles(session, now, settings.budget, settings.max_age)

        articles = await self.write(claim)
        summary = ArticleSummary()
        if not articles:
            return summary
        if self.extractors is None or self.extractors.workers != settings.workers:
            # full_text.workers changed on a reload: the old processes are shut, not left alive beside the new
            # (nothing runs in them: the pass that used them is over; shutdown waits, so off the event loop).
            previous, self.extractors = self.extractors, ExtractorPool(settings.workers)
            if previous is not None:
                await asyncio.to_thread(previous.shutdown)
        limits = replace(feed_limits, max_bytes=settings.max_bytes)
        slots = asyncio.Semaphore(settings.concurrency)
        released: list[int] = []

        async def one(article: ArticleToFetch) -> None:
            async with self.hosts.slot(article.link), slots:
                if self.stopping or self.hosts.paused_until(article.link) is not None:
                    released.append(article.item_id)
                    return
                await self.hosts.pace(article.link)
                text, error = await self._read(article, limits)
            if text is None and error is None:
                released.append(article.item_id)  # the host asked for a pause: fetched in a later pass
                return
            added = await self.write(lambda: self._record(article, text, error, matcher, entity_ids))
            self.progress()
            summary.new_matches += added
            if text is not None:
                summary.fetched += 1
            else:
                summary.failed += 1

        await asyncio.gather(*(one(article) for article in articles))
        if released:
            await self.write(lambda: self._release(released))
        fields = {"fetched": summary.fetched, "failed": summary.failed, "new_matches": summary.new_matches}
        log.info("articles.done", extra={"fields": {**fields, "waiting_again": len(released)}})
        return summary

    async def _read(self, article: ArticleToFetch, limits: FetchLimits) -> tuple[str | None, str | None]:
        """(text, None), (None, error), or (None, None) when the host asked to be left alone for now."""
        try:
            result = await fetch(self.client, article.link, limits=limits, accept=HTML_ACCEPT)
            self.hosts.answered(article.link)
            assert self.extractors is not None
            return await self.extractors.extract(result.body, result.content_type, result.url), None
        except HttpStatusError as exc:
            if exc.status == 429 or (exc.status in PAUSE_STATUSES and exc.retry_after is not None):
                until = self.hosts.pause(article.link, exc.retry_after)
                log.warning("articles.host_paused", extra={"fields": {"link": article.link, "until": until}})
                return None, None
            return None, str(exc)
        except (FetchError, FeedError) as exc:
            return None, str(exc)
        except Exception as exc:  # a bug, or a library surprised by a hostile page: this page fails
            log.exception("articles.crashed", extra={"fields": {"link": article.link}})
            return None, f"unexpected {type(exc).__name__}: {exc}"

    def _record(
        self, article: ArticleToFetch, text: str | None, error: str | None, matcher: Matcher, ids: dict[str, int]
    ) -> int:
        now = utcnow()
        with self.db.transaction() as session:
            if text is None:
                record_article(session, article.item_id, now, error=error)
                log.info("articles.failed", extra={"fields": {"link": article.link, "error": error}})
                return 0
            content = text if len(text) > len(article.content) else article.content
            record_article(session, article.item_id, now, text=content)
            fields = {"title": article.title, "summary": article.summary, "content": content}
            found = matcher.match(fields, language=article.language or UNDETERMINED)
            return add_matches(session, article.item_id, fields, found, ids, now)

    def _release(self, item_ids: list[int]) -> None:
        with self.db.transaction() as session:
            release_articles(session, item_ids)

    def shutdown(self) -> None:
        if self.extractors is not None:
            self.extractors.shutdown()
