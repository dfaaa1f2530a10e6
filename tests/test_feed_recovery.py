"""A failing feed that recovers with "nothing new" is healthy again: its failures and backoff are forgotten.

A feed that comes back answering 304 Not Modified (or the same bytes as before) is as healthy as one
that comes back with news. If its failure count stayed, it would go on being named as failing in the
digest footer and `watcher feeds`, and its next hiccup would be backed off for hours at once. A real
HTTP server on 127.0.0.1 and a real SQLite file; the feed's interval is fixed so times can be checked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import FeedServer, Route, rss, write_config
from watcher.app import Watcher
from watcher.config import load_config
from watcher.models import Feed

# Next poll times are measured from now.
pytestmark = pytest.mark.clock

FEED = rss({"title": "Xiaomi news", "link": "https://news.example/xiaomi"})
DOWN = Route(body=b"down", status=500, headers={"Content-Type": "text/plain"})
INTERVAL = 600.0  # the feed's own interval, seconds: also where its backoff starts


@pytest.fixture
def watcher(tmp_path: Path, feed_server: FeedServer) -> Iterator[Watcher]:
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/feed"), "interval": "10m"}])
    opened = Watcher.open(load_config(config))
    yield opened
    asyncio.run(opened.aclose())


def poll(watcher: Watcher) -> Feed:
    """One pass over every feed (as `watcher poll --once`); → the feed's row afterwards."""

    async def go() -> None:
        await watcher.poll(everything=True)
        await watcher.poller.aclose()  # the client belongs to this event loop
        watcher._poller = None

    asyncio.run(go())
    with watcher.db.session() as session:
        return session.scalars(select(Feed)).one()


def delay(row: Feed) -> float:
    assert row.last_polled_at is not None
    return (row.next_poll_at - row.last_polled_at).total_seconds()


def fail_three_times(watcher: Watcher, feed_server: FeedServer) -> None:
    feed_server.routes["/feed"] = DOWN
    for failures in (1, 2, 3):
        row = poll(watcher)
        assert row.consecutive_failures == failures and "HTTP 500" in (row.last_error or "")
    assert delay(row) >= 4 * INTERVAL * 0.9  # backed off: 10, 20, then 40 minutes


def assert_recovered(watcher: Watcher, feed_server: FeedServer, row: Feed) -> None:
    assert row.consecutive_failures == 0
    assert row.last_error is None
    assert row.last_success_at == row.last_polled_at
    assert INTERVAL * 0.9 <= delay(row) <= INTERVAL * 1.1  # the normal interval, not the backoff

    # The next hiccup is the first one again: backed off from the start, not from where it had got to.
    feed_server.routes["/feed"] = DOWN
    row = poll(watcher)
    assert row.consecutive_failures == 1
    assert INTERVAL * 0.9 <= delay(row) <= INTERVAL * 1.1


def test_a_failing_feed_answering_304_is_healthy_again(watcher: Watcher, feed_server: FeedServer) -> None:
    feed_server.routes["/feed"] = Route(body=FEED, etag='"v1"')
    assert poll(watcher).etag == '"v1"'
    fail_three_times(watcher, feed_server)

    feed_server.routes["/feed"] = Route(body=FEED, etag='"v1"')
    row = poll(watcher)
    assert feed_server.requests_to("/feed")[-1].headers.get("if-none-match") == '"v1"'  # answered 304

    assert_recovered(watcher, feed_server, row)


def test_a_failing_feed_serving_the_same_bytes_is_healthy_again(watcher: Watcher, feed_server: FeedServer) -> None:
    feed_server.routes["/feed"] = Route(body=FEED)  # no validators: only the body tells it is unchanged
    first = poll(watcher)
    assert first.etag is None and first.last_modified is None and first.body_hash
    fail_three_times(watcher, feed_server)

    feed_server.routes["/feed"] = Route(body=FEED)
    row = poll(watcher)
    assert row.body_hash == first.body_hash

    assert_recovered(watcher, feed_server, row)
