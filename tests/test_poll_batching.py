"""The feeds of one host are fetched on while earlier ones wait for the writer, and are stored together.

A feed gives its host's slot back once it has only its store to wait for: held through the store, the slots
(per_host) let no other feed of the host be fetched meanwhile, so the writer never had more than per_host feeds
to commit at once. A real HTTP server on 127.0.0.1 and a real SQLite file; the writer is held up on purpose.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import FeedServer, Route, rss, write_config
from watcher.app import Watcher
from watcher.config import load_config
from watcher.hosts import HeldSlots
from watcher.models import Item
from watcher.poll import outcomes, passes, writes
from watcher.poll.poller import Poller

FEEDS = 6


def test_a_feed_waiting_for_the_writer_leaves_its_host_to_the_next_feeds(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(FEEDS):
        item = {"title": f"Story {index}", "link": f"https://news.example/{index}"}
        feed_server.routes[f"/feed/{index}"] = Route(body=rss(item))
    feeds = [{"url": feed_server.url(f"/feed/{index}")} for index in range(FEEDS)]
    config = write_config(tmp_path, feeds=feeds, poll={"per_host": 1})
    watcher = Watcher.open(load_config(config))
    fetched_all = threading.Event()
    released_by_fetches: list[bool] = []
    sessions: list[int] = []
    store_items = outcomes.store_items

    def held_up_store(session: Any, *args: Any, **kwargs: Any) -> tuple[int, int]:
        # The first feed's store waits until every feed has been fetched: only possible if it gave its slot back.
        if not released_by_fetches:
            released_by_fetches.append(fetched_all.wait(timeout=10))
        sessions.append(id(session))
        return store_items(session, *args, **kwargs)

    def watch_requests() -> None:
        while not fetched_all.is_set() and len(feed_server.requests) < FEEDS:
            threading.Event().wait(0.01)
        fetched_all.set()

    monkeypatch.setattr(outcomes, "store_items", held_up_store)
    watcher_thread = threading.Thread(target=watch_requests, daemon=True)
    watcher_thread.start()

    async def one_pass() -> Any:
        try:
            return await watcher.poll(everything=True)
        finally:
            fetched_all.set()
            await watcher.aclose()  # the client belongs to this event loop

    summary = asyncio.run(one_pass())
    assert released_by_fetches == [True]
    assert summary.feeds_ok == FEEDS and summary.new_items == FEEDS
    # The feeds fetched while the first one's store was held up were stored together after it (holding their
    # slot through the store, each feed of the host had a transaction of its own).
    assert len(sessions) == FEEDS and len(set(sessions)) < FEEDS - 1
    with watcher.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Item)) == FEEDS


def _gathered_pass(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch, group: int
) -> tuple[Any, list[int], float]:
    """One pass over FEEDS feeds with the writer's group size set and a gathering deadline of 30 s: its summary,
    the session of each feed's store, and the seconds it took."""
    for index in range(FEEDS):
        item = {"title": f"Story {index}", "link": f"https://news.example/{index}"}
        feed_server.routes[f"/feed/{index}"] = Route(body=rss(item))
    feeds = [{"url": feed_server.url(f"/feed/{index}")} for index in range(FEEDS)]
    watcher = Watcher.open(load_config(write_config(tmp_path, feeds=feeds)))
    sessions: list[int] = []
    store_items = outcomes.store_items

    def counted_store(session: Any, *args: Any, **kwargs: Any) -> tuple[int, int]:
        sessions.append(id(session))
        return store_items(session, *args, **kwargs)

    monkeypatch.setattr(outcomes, "store_items", counted_store)
    monkeypatch.setattr(writes, "STORE_GROUP", group)
    monkeypatch.setattr(writes, "STORE_GATHER", 30.0)

    async def one_pass() -> Any:
        try:
            return await watcher.poll(everything=True)
        finally:
            await watcher.aclose()

    started = time.monotonic()
    summary = asyncio.run(one_pass())
    return summary, sessions, time.monotonic() - started


def test_the_writer_gathers_a_group_of_feeds_before_a_transaction(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary, sessions, seconds = _gathered_pass(
        tmp_path, feed_server, monkeypatch, group=FEEDS
    )  # the pass is one group
    assert summary.feeds_ok == FEEDS and summary.new_items == FEEDS
    assert len(sessions) == FEEDS and len(set(sessions)) == 1  # without gathering, the first feed went alone
    assert seconds < 20  # the writer started when the group was there, not at its deadline


def test_the_writer_stops_gathering_when_no_feed_is_left_to_come(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A group the pass can never fill, and a deadline (30 s) the pass must not wait for.
    summary, sessions, seconds = _gathered_pass(tmp_path, feed_server, monkeypatch, group=FEEDS + 1)
    assert summary.feeds_ok == FEEDS and summary.new_items == FEEDS
    assert len(sessions) == FEEDS and len(set(sessions)) == 1  # still gathered: every feed came to one group
    assert seconds < 15  # written once the last feed came, not at the deadline


def test_a_pass_claims_its_feeds_in_few_transactions(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = 150  # more than one claim's worth ahead (passes.CLAIM_AHEAD)
    for index in range(feeds):
        feed_server.routes[f"/many/{index}"] = Route(
            body=rss({"title": f"Story {index}", "link": f"https://a.example/{index}"})
        )
    config = write_config(tmp_path, feeds=[{"url": feed_server.url(f"/many/{index}")} for index in range(feeds)])
    watcher = Watcher.open(load_config(config))
    claims: list[int] = []
    claim = Poller._claim

    def counted_claim(poller: Poller, limit: int, polled_before: Any) -> Any:
        claimed = claim(poller, limit, polled_before)
        claims.append(len(claimed))
        return claimed

    monkeypatch.setattr(Poller, "_claim", counted_claim)

    async def one_pass() -> Any:
        try:
            return await watcher.poll(everything=True)
        finally:
            await watcher.aclose()

    summary = asyncio.run(one_pass())
    assert summary.feeds_ok == feeds and sum(claims) == feeds
    # 128 ahead of need, then the rest, then the two that find none (the pass's end). Claiming a window of twice the
    # concurrency (16) ahead, as before, took one transaction per 16-32 feeds: 7-11 of them here.
    assert claims[0] == passes.CLAIM_AHEAD and len(claims) <= 4, claims


def test_held_slots_are_released_once() -> None:
    async def go() -> tuple[int, int]:
        first, second = asyncio.Semaphore(1), asyncio.Semaphore(2)
        async with HeldSlots(first, second) as held:
            assert first.locked() and second._value == 1
            held.release()
            held.release()  # a second release gives nothing back twice
            assert not first.locked() and second._value == 2
        return first._value, second._value  # and leaving the block neither

    assert asyncio.run(go()) == (1, 2)


def test_held_slots_give_back_the_first_when_cancelled_waiting_for_the_second() -> None:
    async def go() -> bool:
        first, second = asyncio.Semaphore(1), asyncio.Semaphore(1)
        await second.acquire()  # busy: the feed waits for it holding the first

        async def feed() -> None:
            async with HeldSlots(first, second):
                pass

        task = asyncio.create_task(feed())
        await asyncio.sleep(0.01)
        assert first.locked()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return first.locked()

    assert asyncio.run(go()) is False


def test_the_writer_page_cache_grows_with_the_pass_items_and_goes_back_after() -> None:
    """8 MB up to an all-new pass of 1,000 feeds × 50 items (its memory unchanged), more as a larger pass's items
    outgrow it (the random-key indexes' pages, read back commit after commit), never beyond CACHE_MAX_KIB."""
    assert writes.writer_cache_kib(0) == writes.CACHE_KIB
    assert writes.writer_cache_kib(50_000) == writes.CACHE_KIB
    sizes = [writes.writer_cache_kib(items) for items in range(0, 2_000_000, 10_000)]
    assert sizes == sorted(sizes) and writes.CACHE_KIB < writes.writer_cache_kib(200_000) < writes.CACHE_MAX_KIB
    assert writes.writer_cache_kib(500_000) == writes.writer_cache_kib(5_000_000) == writes.CACHE_MAX_KIB


def test_a_large_pass_raises_the_writer_page_cache_and_sets_it_back_when_over(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(FEEDS):
        items = [{"title": f"Story {index}-{n}", "link": f"https://news.example/{index}/{n}"} for n in range(5)]
        feed_server.routes[f"/feed/{index}"] = Route(body=rss(*items))
    feeds = [{"url": feed_server.url(f"/feed/{index}")} for index in range(FEEDS)]
    watcher = Watcher.open(load_config(write_config(tmp_path, feeds=feeds)))
    # A pass of 30 items "large": 4 MB more of cache for each item stored before a group's transaction.
    monkeypatch.setattr(writes, "CACHE_BYTES_PER_ITEM", writes.CACHE_STEP_KIB * 1024)
    monkeypatch.setattr(writes, "STORE_BATCH", 1)  # a transaction for each feed: later ones see the items before
    sizes: list[int] = []
    store_items = outcomes.store_items

    def sized_store(session: Any, *args: Any, **kwargs: Any) -> tuple[int, int]:
        sizes.append(-session.exec_driver_sql("PRAGMA cache_size").scalar())
        return store_items(session, *args, **kwargs)

    monkeypatch.setattr(outcomes, "store_items", sized_store)

    async def one_pass() -> tuple[Any, int]:
        try:
            summary = await watcher.poll(everything=True)
            with watcher.db.transaction() as session:  # the pool's one connection: the writer's
                return summary, session.exec_driver_sql("PRAGMA cache_size").scalar()
        finally:
            await watcher.aclose()

    summary, after = asyncio.run(one_pass())
    assert summary.new_items == FEEDS * 5
    assert sizes[0] == writes.CACHE_KIB and sizes == sorted(sizes) and sizes[-1] == writes.CACHE_MAX_KIB
    assert after == -writes.CACHE_KIB
    assert watcher.poller._pass_items == 0 and not watcher.poller._cache_raised
