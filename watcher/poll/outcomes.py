"""What one feed's poll comes to, recorded: its new entries stored (and matched, where no worker matched them), or
the feed failed, gone, its host paused or the feed deferred until the pause ends."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from watcher.clock import utcnow
from watcher.coverage.results import SearchResult
from watcher.fetch.results import FetchLimits, FetchResult, HttpStatusError
from watcher.hosts import HeldSlots, Hosts, host_of
from watcher.match.matcher import UNDETERMINED, Matcher
from watcher.parse.entry import Entry
from watcher.poll.parsing import _identity_prefixes, _Prepared
from watcher.poll.summary import PollSummary
from watcher.sources import LinkFollower, Parsed, feed_of, item_keys, results_of, silencer
from watcher.store import (
    Database,
    FeedState,
    defer_feed,
    defer_host_feeds,
    new_entries,
    record_failure,
    record_success,
    store_items,
)
from watcher.stored_matches import PreparedMatches

if TYPE_CHECKING:
    from watcher.config import Config
    from watcher.store.engine import Transaction

log = logging.getLogger("watcher.poll")  # one logger for the package, as when it was one module (the JSON logs name it)


class FeedOutcomes:
    """Poller's outcomes (a mixin: the state it uses is made in Poller.__init__)."""

    config: Config
    db: Database
    matcher: Matcher
    entity_ids: dict[str, int]
    hosts: Hosts
    links: LinkFollower
    limits: FetchLimits
    _owns_pool: bool
    _entities_key: str
    _known: dict[int, bytes]
    _search_feeds: bool | None

    async def _failed(self, feed: FeedState, exc: Exception, not_before: datetime | None = None) -> PollSummary:
        now = utcnow()
        retry_after = exc.retry_after if isinstance(exc, HttpStatusError) else None
        next_poll = self._backoff(feed, now, retry_after)
        if not_before is not None:
            next_poll = max(next_poll, not_before)

        def write() -> None:
            with self.db.transaction() as session:
                record_failure(session, feed.id, now, next_poll, str(exc))

        await self._write(write)
        fields = {"feed": feed.url, "error": str(exc), "failures": feed.consecutive_failures + 1, "retry_at": next_poll}
        log.warning("feed.failed", extra={"fields": fields})
        return PollSummary(feeds_failed=1, errors=[(feed.url, str(exc))])

    async def _gone(self, feed: FeedState, exc: HttpStatusError) -> PollSummary:
        now = utcnow()
        reason = f"{exc}; not polled again until its entry in the config changes"

        def write() -> None:
            with self.db.transaction() as session:
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

        def write(session: Transaction) -> tuple[int, int]:
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
                found
                if (found := ready.get(entry.identity)) is not None
                else matcher.match(entry.fields, language=entry.language or UNDETERMINED)
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
            with self.db.transaction() as session:
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
            with self.db.transaction() as session:
                return defer_host_feeds(session, host_of(location), until)

        deferred = await self._write(write)
        log.warning("host.paused", extra={"fields": {"feed": feed.url, "until": until, "feeds_deferred": deferred}})
        return await self._failed(feed, exc, not_before=until)

    async def _deferred(self, feed: FeedState, until: datetime) -> PollSummary:
        """Not fetched: its host asked for a pause (429) that lasts until `until`. No failure is counted."""

        def write() -> None:
            with self.db.transaction() as session:
                defer_feed(session, feed.id, utcnow(), until)

        await self._write(write)
        log.debug("feed.deferred", extra={"fields": {"feed": feed.url, "until": until}})
        return PollSummary()
