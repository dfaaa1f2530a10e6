"""Politeness on a host carrying many feeds: a rate per minute for engine hosts, and a 429 that pauses the
whole host (every feed of it deferred, no request sent) rather than one feed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import rfc822_ago, rss, write_config
from tests.coverage_servers import RSS, NewsServer, Page, running, search_feed
from watcher.app import Watcher
from watcher.clock import utcnow
from watcher.config import load_config
from watcher.hosts import Hosts
from watcher.models import Feed

ENTITIES = [{"name": name, "aliases": [name]} for name in ("Xiaomi", "Samsung", "Nintendo")]
RUNNER = asyncio.Runner()


@pytest.fixture
def site() -> Iterator[NewsServer]:
    yield from running("127.0.0.1")


@pytest.fixture
def engine() -> Iterator[NewsServer]:
    yield from running("127.0.0.2")


def open_watcher(tmp_path: Path, engine: NewsServer, feeds: list[dict[str, Any]], per_minute: float) -> Watcher:
    url = engine.url("/rss/search?q={query}&hl={lang}")
    search = {"engines": [{"name": "local", "url": url, "per_minute": per_minute}], "markets": ["en-US"]}
    config = write_config(tmp_path, feeds=feeds, entities=ENTITIES, search=search, poll={"per_host": 1})
    return Watcher.open(load_config(config))


@pytest.mark.clock
def test_a_429_from_the_engine_pauses_every_feed_of_its_host(
    tmp_path: Path, site: NewsServer, engine: NewsServer
) -> None:
    engine.pages["/rss/search"] = Page(b"slow down", 429, {"Content-Type": "text/plain", "Retry-After": "600"})
    item = {"title": "Xiaomi news", "link": site.url("/a"), "pubDate": rfc822_ago(hours=1), "description": "x" * 900}
    site.pages["/feed.xml"] = Page(rss(item), headers=dict(RSS))
    watcher = open_watcher(tmp_path, engine, [{"url": site.url("/feed.xml")}], per_minute=600)
    try:
        summary = RUNNER.run(watcher.poll(everything=True))
        # One request reached the engine: its 429 paused the host, the other two searches were not sent.
        assert engine.count("/rss/search") == 1
        assert summary.feeds_failed == 1 and summary.feeds_ok == 1  # the site, another host, is polled
        with watcher.db.session() as session:
            searches = session.scalars(select(Feed).where(Feed.origin == "search")).all()
            assert len(searches) == 3
            soonest = utcnow() + timedelta(seconds=590)
            assert all(feed.next_poll_at >= soonest for feed in searches)
            assert sorted(feed.consecutive_failures for feed in searches) == [0, 0, 1]  # one failure, not three

        # A second pass within the pause sends nothing to the engine either.
        RUNNER.run(watcher.poll(everything=True))
        assert engine.count("/rss/search") == 1
    finally:
        RUNNER.run(watcher.aclose())


@pytest.mark.clock
def test_engine_requests_are_spread_at_the_engines_rate(tmp_path: Path, engine: NewsServer) -> None:
    result = {
        "title": "Xiaomi, Samsung and Nintendo",
        "publisher": "P",
        "link": "https://publisher.example/a",
        "guid": "g1",
        "pubDate": rfc822_ago(hours=1),
        "site": "https://publisher.example",
    }
    engine.pages["/rss/search"] = Page(search_feed([result]), headers=dict(RSS))
    watcher = open_watcher(tmp_path, engine, [], per_minute=120)  # one request every 0.5 s
    try:
        RUNNER.run(watcher.poll(everything=True))
        times = [stamp for stamp, path in engine.stamps if path.startswith("/rss/search")]
        assert len(times) == 3
        assert times[2] - times[0] >= 0.9  # three requests: two gaps of 0.5 s at least (less scheduling slack)
    finally:
        RUNNER.run(watcher.aclose())


def test_host_pauses_double_and_respect_retry_after() -> None:
    hosts = Hosts(per_host=2, max_pause=3600)
    first = hosts.pause("https://news.example/a", None)
    second = hosts.pause("https://news.example/b", None)
    assert timedelta(seconds=290) < first - utcnow() <= timedelta(seconds=300)
    assert second - utcnow() > timedelta(seconds=590)  # the second 429 in a row: twice as long
    assert hosts.paused_until("http://news.example:8080/other") is not None  # the host, any feed or port
    assert hosts.paused_until("https://elsewhere.example/") is None
    hosts.answered("https://news.example/a")
    hosts2 = Hosts(per_host=2, max_pause=60)
    assert hosts2.pause("https://x.example/", 86400) - utcnow() <= timedelta(seconds=60)  # capped


def test_every_host_has_a_rate_with_a_minute_of_burst(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pass over a host's feeds goes at the connections' pace up to a minute's worth of requests (here 0.1 s'
    worth, 5), then at the rate (50 a second): the 15 requests take 10 / 50 = 0.2 s. An engine keeps its own."""
    import time

    from watcher import hosts as hosts_module

    monkeypatch.setattr(hosts_module, "BURST_SECONDS", 0.1)
    hosts = Hosts(per_host=2, rates={"engine.example": 600}, default_rate=50)

    async def go(url: str, count: int) -> float:
        started = time.monotonic()
        await asyncio.gather(*(hosts.pace(url) for _ in range(count)))
        return time.monotonic() - started

    assert asyncio.run(go("https://feeds.example/a", 5)) < 0.05  # the burst: no wait
    took = asyncio.run(go("https://feeds.example/b", 10))  # the same host: its bucket is empty now
    assert 0.15 <= took < 1.0
    assert asyncio.run(go("https://other.example/", 5)) < 0.05  # each host its own bucket
    assert 0.15 <= asyncio.run(go("https://engine.example/s", 3)) < 1.0  # 600 a minute: 0.1 s apart, no burst
    hosts = Hosts(per_host=2, default_rate=0)  # no rate: the connections only
    assert asyncio.run(go("https://feeds.example/a", 1000)) < 1.0
