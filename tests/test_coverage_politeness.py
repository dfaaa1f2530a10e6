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
        before = utcnow()
        summary = RUNNER.run(watcher.poll(everything=True))
        # One request reached the engine: its 429 paused the host, the other two searches were not sent.
        assert engine.count("/rss/search") == 1
        assert summary.feeds_failed == 1 and summary.feeds_ok == 1  # the site, another host, is polled
        with watcher.db.session() as session:
            searches = session.scalars(select(Feed).where(Feed.origin == "search")).all()
            assert len(searches) == 3
            # Retry-After from the 429, which came after `before` (not "590 s from now": a slow pass ate that slack).
            soonest = before + timedelta(seconds=600)
            assert all(feed.next_poll_at >= soonest for feed in searches), [feed.next_poll_at for feed in searches]
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
    watcher = open_watcher(tmp_path, engine, [], per_minute=30)  # one request every 2 s
    try:
        RUNNER.run(watcher.poll(everything=True))
        times = [stamp for stamp, path in engine.stamps if path.startswith("/rss/search")]
        assert len(times) == 3
        # Started 2 s apart, they arrive 4 s apart less the first one's extra way (a new connection, a new server
        # thread): 0.1 s of slack was not enough on a loaded machine. Without the rate they arrive within ms.
        assert times[2] - times[0] >= 3.0, times
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


class PaceClock:
    """Hosts' clock, moved by the test: pace()'s waits are noted instead of slept, and as real ones they overlap:
    a batch of requests takes its longest wait. Wall-clock bounds (a burst "< 0.05 s") failed on a loaded machine."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def took(self, hosts: Hosts, url: str, count: int) -> float:
        """Seconds `count` requests at once to `url` take (the clock then moves on by that much)."""

        async def go() -> None:
            await asyncio.gather(*(hosts.pace(url) for _ in range(count)))

        self.waits = []
        asyncio.run(go())
        took = max(self.waits, default=0.0)
        self.now += took
        return took


def test_every_host_has_a_rate_with_a_minute_of_burst(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pass over a host's feeds goes at the connections' pace up to a minute's worth of requests (here 0.1 s'
    worth, 5), then at the rate (50 a second): the 15 requests take 10 / 50 = 0.2 s. An engine keeps its own."""
    from types import SimpleNamespace

    from watcher import hosts as hosts_module

    clock = PaceClock()
    monkeypatch.setattr(hosts_module, "BURST_SECONDS", 0.1)
    monkeypatch.setattr(hosts_module, "time", SimpleNamespace(monotonic=clock.monotonic))
    monkeypatch.setattr(hosts_module, "asyncio", SimpleNamespace(sleep=clock.sleep, Semaphore=asyncio.Semaphore))
    hosts = Hosts(per_host=2, rates={"engine.example": 600}, default_rate=50)

    assert clock.took(hosts, "https://feeds.example/a", 5) == 0  # the burst: no wait
    assert clock.took(hosts, "https://feeds.example/b", 10) == pytest.approx(0.2)  # the same host, bucket empty
    assert clock.took(hosts, "https://other.example/", 5) == 0  # each host its own bucket
    assert clock.took(hosts, "https://engine.example/s", 3) == pytest.approx(0.2)  # 600 a minute: 0.1 s apart
    hosts = Hosts(per_host=2, default_rate=0)  # no rate: the connections only
    assert clock.took(hosts, "https://feeds.example/a", 1000) == 0
