"""The extractor processes' time limits (watcher/articles.py, ExtractorPool): a page is timed from when its process
begins it, not from the hand-over (a process's start and loading took several seconds on a loaded machine and
failed good pages); a page no process begins fails at a bound of its own; a page given up takes its extraction
with it, so nothing is left running for shutdown() to wait for."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import threading

import pytest

from tests.conftest import wait_until
from tests.coverage_servers import LateJob, article_page, crashing_extractor
from watcher import articles
from watcher.articles import ExtractorPool
from watcher.errors import FeedError

URL = "http://127.0.0.1/a.html"


def test_a_page_is_timed_from_when_its_process_begins_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(articles, "EXTRACT_TIMEOUT", 2.0)
    pool = ExtractorPool(1, job=LateJob(4.0))  # reaches its process 4 s after the hand-over: twice the limit
    try:
        text = asyncio.run(pool.extract(b"<p>Xiaomi</p>", "text/html", URL))
    finally:
        pool.shutdown()
    assert text == "<p>Xiaomi</p>"


def test_a_page_no_process_begins_fails_at_the_start_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(articles, "EXTRACT_START_TIMEOUT", 3.0)
    pool = ExtractorPool(1, job=LateJob(600.0))
    before = set(multiprocessing.active_children())
    with pytest.raises(FeedError, match="no extractor process began the page within 3s"):
        asyncio.run(pool.extract(b"<p>Xiaomi</p>", "text/html", URL))
    # Its process is killed with the pool, not left asleep.
    assert wait_until(lambda: not set(multiprocessing.active_children()) - before, 30)
    pool.shutdown()


def test_a_page_given_up_takes_its_extraction_with_it() -> None:
    pool = ExtractorPool(1, job=crashing_extractor)  # hangs (600 s) on a page saying HANG

    async def give_up() -> None:
        task = asyncio.create_task(pool.extract(article_page("HANG", "Xiaomi"), "text/html", URL))
        began = await asyncio.to_thread(wait_until, lambda: any(pool._begun), 120)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert began and task.cancelled()

    before = set(multiprocessing.active_children())
    asyncio.run(give_up())
    shutdown = threading.Thread(target=pool.shutdown, daemon=True)
    shutdown.start()
    shutdown.join(30)
    assert not shutdown.is_alive(), "shutdown() waits for an extraction nobody awaits"
    assert wait_until(lambda: not set(multiprocessing.active_children()) - before, 30)
