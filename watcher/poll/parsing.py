"""A changed feed read (and its new entries matched) in a parse worker, or in this process for a one-pass command:
the part of Poller that hands a fetched body to a reader and deals with a worker that dies or takes too long."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from watcher.errors import FeedError
from watcher.fetch.results import FetchResult
from watcher.parse.entry import ParsedFeed
from watcher.parse.feed import Stored, parse_feed
from watcher.parse_pool import INLINE_BUDGET, ParsePool, ParseSlots, make_parse_pool, parse_inline
from watcher.sources import Parsed, reader_for
from watcher.store import Database, FeedState, stored_identities
from watcher.stored_matches import PreparedMatches
from watcher.worker import EntitySpec, read_and_match

if TYPE_CHECKING:
    from watcher.config import Config

PARSE_TIMEOUT = 60.0  # seconds of parsing per feed before the feed is recorded as failed

_Prepared = tuple[str, list[PreparedMatches | None]]  # (entities key, per entry: matched in the worker, or None)


def _identity_prefixes(parsed: ParsedFeed) -> bytes:
    """The first 8 bytes of each entry's identity (a sha256 hex digest), for read_and_match's `known`."""
    identities = [*(entry.identity for entry in parsed.entries), *(identity for identity, _ in parsed.skipped)]
    try:
        return b"".join(bytes.fromhex(identity[:16]) for identity in identities)
    except ValueError:
        return b""


class FeedParsing:
    """Poller's parsing (a mixin: the state it uses is made in Poller.__init__)."""

    config: Config
    db: Database
    parse_pool: Executor | None
    _owns_pool: bool
    _inline: bool
    _one_pass: bool
    _inline_seconds: float
    _parse_slots: ParseSlots | None
    _entities: EntitySpec
    _entities_key: str
    _known: dict[int, bytes]

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
        return functools.partial(stored_identities, self.db, feed.id)

    def _parse_cpu(self) -> float | None:
        """The parse workers' CPU seconds so far (ParseSlots' measure of their load), None without a pool."""
        return self.parse_pool.cpu_seconds() if isinstance(self.parse_pool, ParsePool) else None

    def _allow_workers(self, workers: int) -> None:
        self._inline = False  # a backlog: the workers parse from now on, on every CPU
        if isinstance(self.parse_pool, ParsePool):
            self.parse_pool.allow(workers)

    async def _close_pass_pool(self) -> None:
        """A one-pass command's workers, shut when its pass has parsed its last feed: what follows (the stories'
        analysis, its encoder) parses nothing, and the workers (~35 MB each) lived through it. The CPU is the same
        (they were shut at the command's end); another pass starts a pool again, at its first feed to parse."""
        if not (self._one_pass and self._owns_pool and self.parse_pool is not None):
            return
        pool, self.parse_pool = self.parse_pool, None
        await asyncio.to_thread(pool.shutdown, wait=True)

    def _discard_parse_pool(self) -> None:
        """Kill the pool's workers and start afresh; parses in flight there fail and are retried later."""
        pool, self.parse_pool = self.parse_pool, None
        if isinstance(pool, ProcessPoolExecutor):
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()
            pool.shutdown(wait=False, cancel_futures=True)
