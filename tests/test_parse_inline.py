"""A one-pass command parses plain feeds in its own process and starts parse workers only when they pay
(watcher/parse_pool.py): a few changed feeds cost no worker's start; a document only feedparser reads, one too
large, or a backlog sends the parses to the workers, and every feed is read the same either way."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.conftest import FeedServer, Route, founding_feed, rss, write_config
from watcher import parse_pool
from watcher.app import Watcher
from watcher.config import load_config
from watcher.parse import NeedsFeedparser, parse_feed
from watcher.parse_pool import INLINE_MAX_BYTES, parse_inline

# A DOCTYPE (no entities): feedparser reads it, parse_fast does not.
WITH_DOCTYPE = rss({"title": "Con doctype", "link": "https://example.it/doctype/"}).replace(
    b"<rss ", b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd">\n<rss ', 1
)


def test_a_plain_feed_read_inline_is_read_as_by_a_worker() -> None:
    body = founding_feed()
    url = "http://127.0.0.1/it.xml"
    parsed, seconds = parse_inline(body, "application/rss+xml", url)
    by_worker = parse_feed(body, content_type="application/rss+xml", url=url)
    assert parsed == by_worker
    assert seconds > 0
    # Read here, an entry's dedup key waits until the writer asks for it (only of entries not stored yet); a
    # worker computes every one before pickling. The keys are the same.
    assert all("dedup_key" not in vars(entry) for entry in parsed.entries)
    assert all("dedup_key" in vars(entry) for entry in by_worker.entries)
    assert [entry.dedup_key for entry in parsed.entries] == [entry.dedup_key for entry in by_worker.entries]


def test_a_feed_only_feedparser_reads_is_left_to_a_worker() -> None:
    with pytest.raises(NeedsFeedparser):
        parse_feed(WITH_DOCTYPE, fast_only=True)
    assert parse_inline(WITH_DOCTYPE, None, None)[0] is None
    assert [entry.title for entry in parse_feed(WITH_DOCTYPE).entries] == ["Con doctype"]


def test_a_large_feed_is_left_to_a_worker() -> None:
    filler = {"title": "x", "link": "https://example.it/x", "description": "y" * 4096}
    body = rss(*[{**filler, "link": f"https://example.it/{i}"} for i in range(INLINE_MAX_BYTES // 4096 + 1)])
    assert len(body) > INLINE_MAX_BYTES
    assert parse_inline(body, None, None)[0] is None


def _poll(config: Path, one_pass: bool) -> tuple[object, bool]:
    """One pass of every feed; → (summary, whether a parse worker pool was started)."""

    async def run() -> tuple[object, bool]:
        watcher = await asyncio.to_thread(Watcher.open, load_config(config), one_pass=one_pass)
        try:
            summary = await watcher.poll(everything=True)
            return summary, watcher.poller.parse_pool is not None
        finally:
            await watcher.aclose()

    return asyncio.run(run())


def test_a_one_pass_poll_of_plain_feeds_starts_no_worker(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    feed_server.routes["/b.xml"] = Route(body=rss({"title": "Fibra", "link": "https://example.it/fibra/"}))
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}, {"url": feed_server.url("/b.xml")}])
    summary, pool = _poll(config, one_pass=True)
    assert (summary.feeds_ok, summary.feeds_failed, summary.new_items) == (2, 0, 4)  # type: ignore[attr-defined]
    assert summary.new_matches > 0  # type: ignore[attr-defined]  # matched in this process, as a worker would
    assert not pool


def test_a_one_pass_poll_hands_what_it_cannot_read_to_a_worker(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    feed_server.routes["/dtd.xml"] = Route(body=WITH_DOCTYPE)
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}, {"url": feed_server.url("/dtd.xml")}])
    summary, pool = _poll(config, one_pass=True)
    assert (summary.feeds_ok, summary.feeds_failed, summary.new_items) == (2, 0, 4)  # type: ignore[attr-defined]
    assert pool


def test_the_daemon_parses_in_its_workers(tmp_path: Path, feed_server: FeedServer) -> None:
    """A daemon's workers, started once, serve every later pass, and keep hostile documents out of its process."""
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    summary, pool = _poll(config, one_pass=False)
    assert (summary.feeds_ok, summary.new_items) == (1, 3)  # type: ignore[attr-defined]
    assert pool


def test_a_backlog_moves_the_parses_to_the_workers(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Feeds waiting past patience (here at once) start the workers, which parse the rest."""
    monkeypatch.setattr(parse_pool, "PARSE_PATIENCE", -1.0)
    feeds = []
    for index in range(12):
        feed_server.routes[f"/{index}.xml"] = Route(
            body=rss({"title": f"Notizia {index}", "link": f"https://example.it/{index}/"})
        )
        feeds.append({"url": feed_server.url(f"/{index}.xml")})
    config = write_config(tmp_path, feeds=feeds)
    summary, pool = _poll(config, one_pass=True)
    assert (summary.feeds_ok, summary.feeds_failed, summary.new_items) == (12, 0, 12)  # type: ignore[attr-defined]
    assert pool


def test_a_pass_that_parses_long_here_moves_the_parses_to_the_workers(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past INLINE_BUDGET seconds of parsing in this process (here: after the first feed), a worker parses."""
    monkeypatch.setattr("watcher.poll.INLINE_BUDGET", 0.0)
    feeds = []
    for index in range(3):
        feed_server.routes[f"/{index}.xml"] = Route(
            body=rss({"title": f"Notizia {index}", "link": f"https://example.it/{index}/"})
        )
        feeds.append({"url": feed_server.url(f"/{index}.xml")})
    config = write_config(tmp_path, feeds=feeds, poll={"concurrency": 1})
    summary, pool = _poll(config, one_pass=True)
    assert (summary.feeds_ok, summary.feeds_failed, summary.new_items) == (3, 0, 3)  # type: ignore[attr-defined]
    assert pool
