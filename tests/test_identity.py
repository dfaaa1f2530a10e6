"""Which entries are the same item: identity without a GUID, and what link normalisation may fold.

An entry without a GUID is known by its link: a publisher fixing a title or touching the date weeks
later must not bring the story back as news (the normalised-link key only looks back DEDUP_WINDOW).
Normalising a link drops what does not name a page (scheme, www., the host's case, tracking
parameters, a trailing slash) but never the path's case: on most servers /Article and /article are two
pages. A real HTTP server on 127.0.0.1 and a real SQLite file; dates are relative to the clock.
"""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from tests.conftest import FeedServer, Route, rss, write_config
from watcher.app import Watcher
from watcher.clock import utcnow
from watcher.config import load_config
from watcher.models import Item, Match
from watcher.parse import normalise_link
from watcher.store import DEDUP_WINDOW

# Items' ages (DEDUP_WINDOW) and pubDates are measured from now.
pytestmark = pytest.mark.clock


@pytest.fixture
def watcher(tmp_path: Path, feed_server: FeedServer) -> Iterator[Watcher]:
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/feed")}])
    opened = Watcher.open(load_config(config))
    yield opened
    asyncio.run(opened.aclose())


def serve_and_poll(watcher: Watcher, feed_server: FeedServer, *items: dict[str, str]) -> tuple[int, int]:
    """Serve these items and poll once (as `watcher poll --once`); → (new items, new matches)."""
    feed_server.routes["/feed"] = Route(body=rss(*items))

    async def go() -> tuple[int, int]:
        summary = await watcher.poll(everything=True)
        await watcher.poller.aclose()  # the client belongs to this event loop
        watcher._poller = None
        assert summary.feeds_ok == 1, summary.errors
        return summary.new_items, summary.new_matches

    return asyncio.run(go())


def stored_links(watcher: Watcher) -> list[str | None]:
    with watcher.db.session() as session:
        return list(session.scalars(select(Item.link).order_by(Item.id)))


def match_count(watcher: Watcher) -> int:
    with watcher.db.session() as session:
        return session.scalar(select(func.count()).select_from(Match)) or 0


def rfc822(age: timedelta) -> str:
    return email.utils.format_datetime(utcnow() - age)


def test_an_entry_without_guid_keeps_its_link_identity_after_the_dedup_window(
    watcher: Watcher, feed_server: FeedServer
) -> None:
    link = "https://news.example/2026/xiaomi-seoul"
    story = {"title": "Xiaomi apre a Seoul", "link": link, "pubDate": rfc822(timedelta(hours=2))}
    assert serve_and_poll(watcher, feed_server, story) == (1, 1)

    # Weeks later, past the window in which the normalised link alone would catch it.
    with watcher.db.session() as session:
        session.execute(update(Item).values(first_seen_at=utcnow() - DEDUP_WINDOW - timedelta(days=6)))

    retitled = {**story, "title": "Xiaomi apre il suo primo negozio a Seoul"}
    assert serve_and_poll(watcher, feed_server, retitled) == (0, 0)
    redated = {**story, "pubDate": rfc822(timedelta(minutes=5))}
    assert serve_and_poll(watcher, feed_server, redated) == (0, 0)
    both = {**retitled, "pubDate": rfc822(timedelta(minutes=1))}
    assert serve_and_poll(watcher, feed_server, both) == (0, 0)
    assert stored_links(watcher) == [link] and match_count(watcher) == 1


def test_links_differing_only_in_path_case_are_two_items(watcher: Watcher, feed_server: FeedServer) -> None:
    upper = {"title": "Xiaomi: la recensione", "link": "https://news.example/reviews/Xiaomi-15"}
    lower = {"title": "Xiaomi 15, prezzo e uscita", "link": "https://news.example/reviews/xiaomi-15"}
    assert serve_and_poll(watcher, feed_server, upper) == (1, 1)
    assert serve_and_poll(watcher, feed_server, lower, upper) == (1, 1)
    assert stored_links(watcher) == [upper["link"], lower["link"]]

    # What does not name another page still folds: host case, www., tracking, fragment, trailing slash.
    again = {**upper, "link": "http://WWW.News.Example/reviews/Xiaomi-15/?utm_source=rss&utm_medium=feed#top"}
    assert serve_and_poll(watcher, feed_server, again, lower, upper) == (0, 0)
    assert len(stored_links(watcher)) == 2 and match_count(watcher) == 2


def test_normalise_link_folds_the_host_not_the_path() -> None:
    assert normalise_link("https://news.example/reviews/Xiaomi-15") != normalise_link(
        "https://news.example/reviews/xiaomi-15"
    )
    assert normalise_link("https://news.example/A/B?Id=7") == "news.example/A/B?Id=7"
    assert normalise_link("HTTP://WWW.NEWS.EXAMPLE:80/A/?utm_campaign=x&fbclid=y#c") == "news.example/A"
