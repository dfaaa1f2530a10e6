"""How each kind of source becomes entries, and the keys that make an article one item across sources.

A feed's `type` picks its reader (run in the parse worker processes): RSS/Atom (parse.parse_feed), a web
page's article links (coverage.pages), a news sitemap (coverage.sitemap); a generated search feed is read
as search results (coverage.results), each with its publisher. A search result links through the engine:
its publisher's URL is read from the link where the engine puts it there (Bing's url=), else the link is
followed with the guarded client, ten per poll within 30 s and paced with the engine's other requests; an engine
whose links do not redirect (Google News serves a script page) is not asked again for a day.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from watcher.coverage.fulltext import wants_full_text
from watcher.coverage.keys import key_of_digest, target_in_link, title_key
from watcher.coverage.results import SearchResult, SearchResults, parse_search_results
from watcher.errors import WatcherError
from watcher.fetch.request import fetch
from watcher.fetch.results import FetchLimits
from watcher.hosts import Hosts, host_of
from watcher.parse.entry import Entry, ParsedFeed
from watcher.parse.feed import parse_feed
from watcher.store import ItemKeys

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

FOLLOW_PER_POLL = 10  # engine links followed per search feed poll; the rest are keyed by site and title
FOLLOW_SECONDS = 30.0  # and for this long at most, pacing included (the feed's lease is 2 × poll.timeout + 2 min)
FOLLOW_TIMEOUT = 10.0  # seconds per link followed (a redirect answers at once or not at all)
MISSES_BEFORE_REST = 3  # links of an engine host that did not redirect, in a row, before it is left alone
REST_SECONDS = 86400.0
FOLLOWED_KEPT = 10_000  # links remembered as followed, in this process

Parsed = ParsedFeed | SearchResults


def reader_for(kind: str, search: bool) -> Callable[..., Parsed]:
    """The function a parse worker runs on the bytes (a module-level function: it is pickled by name)."""
    if search:
        return parse_search_results
    # A page's and a sitemap's readers (lxml.html and lxml.etree) are imported where such a source is configured:
    # a pass of plain feeds whose bodies are unchanged never needs lxml.
    if kind == "page":
        from watcher.coverage.pages import parse_page

        return parse_page
    if kind == "sitemap":
        from watcher.coverage.sitemap import parse_sitemap

        return parse_sitemap
    return parse_feed


def feed_of(parsed: Parsed) -> ParsedFeed:
    return parsed.feed if isinstance(parsed, SearchResults) else parsed


def results_of(parsed: Parsed) -> list[SearchResult]:
    if isinstance(parsed, SearchResults):
        return parsed.results
    return [SearchResult(entry, None, None) for entry in parsed.entries]


def item_keys(
    results: Sequence[SearchResult],
    *,
    mode: str,
    kind: str,
    search_host: str | None,
    silenced: Callable[[Entry], bool],
    every_entry: Sequence[Entry],
) -> list[ItemKeys]:
    """Keys of new entries (as stored), and whether each one's article is to be fetched.

    A page's or sitemap's entry has no text but its title: `auto` fetches its article. A search result's
    article is fetched only once its link leads to the publisher (an engine's own page has no article).
    """
    teasers = kind in ("page", "sitemap") or search_host is not None or wants_full_text(mode, every_entry)
    wanted = mode == "always" or (mode == "auto" and teasers)
    keys = []
    for result in results:
        entry = result.entry
        web, site, own_title_key = entry.site_keys  # made in the parse worker
        if search_host is not None and host_of(entry.link or "") == search_host:
            site = None  # the engine's own page: no publisher's site
        publisher_site = result.site or site
        dedup = entry.dedup_key if web else None  # the digest url_key(link) is the key of, made in the parse worker
        key = key_of_digest(dedup) if dedup else None
        web = key is not None and not (entry.link or "").lower().endswith(".pdf")
        fetch_it = wanted and web and site is not None and not silenced(entry)
        title = own_title_key if publisher_site == entry.site_keys[1] else title_key(publisher_site, entry.title)
        keys.append(ItemKeys(key, title, result.publisher, fetch_it))
    return keys


class LinkFollower:
    """Follows engine links to the publisher's URL, with the fetch guards and the engine host's pacing."""

    def __init__(self, client: httpx.AsyncClient, hosts: Hosts) -> None:
        self.client = client
        self.hosts = hosts
        self._misses: dict[str, tuple[int, float]] = {}  # engine host → (links that did not redirect, since)
        self._followed: OrderedDict[str, str | None] = OrderedDict()  # link → publisher URL (several feeds find one)

    async def follow(
        self, results: Sequence[SearchResult], engine_host: str, limits: FetchLimits
    ) -> list[SearchResult]:
        """The results with each link that could be resolved replaced by the publisher's URL."""
        followed = 0
        deadline = time.monotonic() + FOLLOW_SECONDS
        limits = replace(limits, timeout=min(limits.timeout, FOLLOW_TIMEOUT))
        resolved = []
        for result in results:
            link = result.entry.link
            target = target_in_link(link)
            if target is None and link in self._followed:
                target = self._followed[link]
            elif target is None and link and self._may_follow(link, engine_host, followed, deadline):
                followed += 1
                target = self._followed[link] = await self._follow(link, engine_host, limits)
                while len(self._followed) > FOLLOWED_KEPT:
                    self._followed.popitem(last=False)
            resolved.append(replace(result, entry=replace(result.entry, link=target)) if target else result)
        return resolved

    def _may_follow(self, link: str, engine_host: str, followed: int, deadline: float) -> bool:
        on_engine = host_of(link) == engine_host and followed < FOLLOW_PER_POLL and time.monotonic() < deadline
        return on_engine and not self._resting(engine_host) and self.hosts.paused_until(link) is None

    def _resting(self, host: str) -> bool:
        misses, since = self._misses.get(host, (0, 0.0))
        if misses >= MISSES_BEFORE_REST and time.monotonic() - since > REST_SECONDS:
            self._misses.pop(host, None)
            return False
        return misses >= MISSES_BEFORE_REST

    async def _follow(self, link: str, engine_host: str, limits: FetchLimits) -> str | None:
        # In the search feed's own connection slot of the engine host (taking another could deadlock:
        # every slot held by a feed waiting for one more), one link at a time, paced with the feeds.
        await self.hosts.pace(link)
        try:
            result = await fetch(self.client, link, limits=limits, resolve=True)
        except WatcherError as exc:
            log.info("search.link_not_followed", extra={"fields": {"link": link, "error": str(exc)}})
            return None
        if host_of(result.url) == engine_host:
            misses, _since = self._misses.get(engine_host, (0, 0.0))
            self._misses[engine_host] = (misses + 1, time.monotonic())
            return None
        self._misses.pop(engine_host, None)
        return result.url


def silencer(silence_before: datetime | None, *, undated_too: bool) -> Callable[[Any], bool]:
    """Whether an entry is back-catalogue of a new source (stored, never mailed, no article fetched).

    A page's or sitemap's undated links on its first poll are its back-catalogue too: they were there.
    """

    def silenced(entry: Any) -> bool:
        if silence_before is None:
            return False
        if entry.published is None:
            return undated_too
        return bool(entry.published < silence_before)

    return silenced
