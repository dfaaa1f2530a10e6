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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from tests.conftest import FeedServer, Route, rss, write_config
from watcher.app import Watcher
from watcher.clock import utcnow
from watcher.config import load_config
from watcher.models import Item, Match
from watcher.parse.links import PLAIN_WEB_LINK, _normalise_parsed_link, normalise_link
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


_LINK_TEXT = st.text(alphabet="aZ09-._~%!$&'()*+,;=:@/?#[]\\ \t\n\x00\x7füé", max_size=24)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["http://", "https://", "HTTPS://", " http://www.", "http:///", "ftp://", "//", "/", ""]),
    st.sampled_from(["", "news.example", "WWW.News.Example", "a.b:8080", "a:80", "a:443", "a:0", "a:99999", "a:"]),
    _LINK_TEXT,
    st.sampled_from(["", "/", "?utm_source=x&b=2&a=", "?a=1;b=2", "#top", "/x/?fbclid=1#f?g"]),
)
def test_plain_links_are_normalised_as_urlsplit_reads_them(scheme: str, host: str, rest: str, tail: str) -> None:
    # normalise_link reads a plain http(s) link with one regular expression instead of urlsplit: the same key
    # either way (the keys stored by the code before it are compared with the ones computed now).
    link = scheme + host + rest + tail
    try:
        expected = _normalise_parsed_link(link.strip())
    except ValueError:  # urlsplit refuses it ("http://[a"): so must the fast reading, which leaves it to urlsplit
        assert PLAIN_WEB_LINK.fullmatch(link.strip()) is None
        return
    assert normalise_link(link) == expected


def test_the_links_of_most_feeds_take_the_plain_path() -> None:
    plain = ["https://news.example/1/2.html", "http://www.ilsole24ore.com/art/x-AbC_1?refresh_ce=1&x=2#top",
             "HTTPS://Example.com:8443/a/b/", "http://a/b?", "http://a/b#", "http://a.b:/c"]  # fmt: skip
    others = ["http://user@a/b", "http://[::1]/", "//a/b", "/relative", "http://a b", "http://ü.de/",
              "http:///a", "ftp://a/b", "http://a/b\tc", "http://a%41/"]  # fmt: skip
    assert all(PLAIN_WEB_LINK.fullmatch(link) for link in plain)
    assert not any(PLAIN_WEB_LINK.fullmatch(link) for link in others)
