"""One item per article across sources, in the store, on SQLite and PostgreSQL: a search result of an article
a feed stored is a source of that item; a feed takes over a search result it finds later; two instances
storing the same article at once make one item (the unique url_key decides); the same link in two direct
feeds stays two items, as before."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from watcher.clock import utcnow
from watcher.config import FeedConfig
from watcher.coverage.keys import site_of, title_key, url_key
from watcher.models import Feed, Item, ItemSource
from watcher.parse.entry import Entry, entry_identity
from watcher.store import Database, ItemKeys, new_entries, store_items, sync_feeds, upgrade_schema

ARTICLE = "https://www.publisher.example/2026/xiaomi-korea?utm_source=rss"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'd.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = Database(url)
    upgrade_schema(database.engine)
    now = utcnow()
    with database.session() as session:
        direct = [FeedConfig(url="https://www.publisher.example/feed"), FeedConfig(url="https://other.example/feed")]
        search = [FeedConfig(url="https://news.engine.example/rss?q=x", name="search: X en-US (engine)")]
        sync_feeds(session, direct, now, generated=search)
    yield database
    database.dispose()


def feed_id(db: Database, url: str) -> int:
    with db.session() as session:
        return session.scalar(select(Feed.id).where(Feed.url == url))


def entry(link: str, guid: str, title: str = "Xiaomi enters South Korea") -> Entry:
    return Entry(entry_identity(guid, link, title, ""), guid, link, title, "", "", utcnow(), "en")


def store(db: Database, feed_url: str, stored: Entry, *, search: bool, hold: float = 0.0) -> tuple[int, int]:
    keys = ItemKeys(url_key(stored.link), title_key(site_of(stored.link), stored.title))
    with db.session() as session:
        fid = session.scalar(select(Feed.id).where(Feed.url == feed_url))
        fresh = new_entries(session, fid, [stored], utcnow(), with_sources=search)
        counts = store_items(
            session, fid, fresh, [[]] * len(fresh), {}, utcnow(), keys=[keys] * len(fresh), search=search
        )
        time.sleep(hold)  # an instance still in its transaction
        return counts


def items(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        rows = session.execute(select(Feed.url, Item.link).join(Feed, Feed.id == Item.feed_id).order_by(Item.id))
        return [(url, link) for url, link in rows]


def sources(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(ItemSource)) or 0


SEARCH = "https://news.engine.example/rss?q=x"
DIRECT = "https://www.publisher.example/feed"


def test_a_search_result_of_a_stored_article_is_that_item(db: Database) -> None:
    assert store(db, DIRECT, entry(ARTICLE, "p-1"), search=False) == (1, 0)
    assert store(db, SEARCH, entry("http://publisher.example/2026/xiaomi-korea", "g-1"), search=True) == (0, 0)
    assert items(db) == [(DIRECT, ARTICLE)] and sources(db) == 1
    # Known to the search feed from now on: not new, so never followed or stored again.
    search = feed_id(db, SEARCH)
    with db.session() as session:
        assert new_entries(session, search, [entry("x", "g-1")], utcnow(), with_sources=True) == []


def test_a_feed_takes_over_the_search_result_it_finds_later(db: Database) -> None:
    assert store(db, SEARCH, entry(ARTICLE, "g-1"), search=True) == (1, 0)
    assert store(db, DIRECT, entry("https://publisher.example/2026/xiaomi-korea/", "p-1"), search=False) == (0, 0)
    assert items(db) == [(DIRECT, ARTICLE)] and sources(db) == 1
    search, direct = feed_id(db, SEARCH), feed_id(db, DIRECT)
    with db.session() as session:
        # The search feed's entry is known (a source); the feed's own entry is its item now.
        assert new_entries(session, search, [entry(ARTICLE, "g-1")], utcnow(), with_sources=True) == []
        assert new_entries(session, direct, [entry(ARTICLE, "p-1")], utcnow()) == []


def test_an_unresolved_result_is_matched_by_site_and_title_within_a_week(db: Database) -> None:
    store(db, DIRECT, entry(ARTICLE, "p-1", "Xiaomi enters South Korea"), search=False)
    result = entry("https://news.engine.example/articles/CBMi1", "g-1", "Xiaomi Enters South Korea!")
    keys = ItemKeys(url_key(result.link), title_key("publisher.example", result.title), "Publisher")
    search = feed_id(db, SEARCH)
    with db.session() as session:
        counts = store_items(session, search, [result], [[]], {}, utcnow(), keys=[keys], search=True)
    assert counts == (0, 0) and len(items(db)) == 1
    # A week later the same site and title is another article (a daily column).
    later = entry("https://news.engine.example/articles/CBMi2", "g-2", "Xiaomi Enters South Korea!")
    with db.session() as session:
        counts = store_items(session, search, [later], [[]], {}, utcnow() + timedelta(days=8), keys=[keys], search=True)
    assert counts == (1, 0)


def test_the_same_link_in_two_direct_feeds_stays_two_items(db: Database) -> None:
    store(db, DIRECT, entry(ARTICLE, "p-1"), search=False)
    store(db, "https://other.example/feed", entry(ARTICLE, "o-1"), search=False)
    assert [url for url, _link in items(db)] == [DIRECT, "https://other.example/feed"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Item).where(Item.url_key.is_not(None))) == 1


@pytest.mark.postgres
def test_two_instances_storing_one_article_at_once_make_one_item(pg_url: str) -> None:
    db = Database(pg_url)
    upgrade_schema(db.engine)
    with db.session() as session:
        sync_feeds(session, [FeedConfig(url=DIRECT)], utcnow(), generated=[FeedConfig(url=SEARCH)])
    try:
        # The search instance holds its transaction open; the other waits on the unique url_key, then finds it
        # taken and takes the search item over instead of storing a second item.
        first = threading.Thread(
            target=store, args=(db, SEARCH, entry(ARTICLE, "g-1")), kwargs={"search": True, "hold": 1.5}
        )
        first.start()
        time.sleep(0.5)
        assert store(db, DIRECT, entry(ARTICLE, "p-1"), search=False) == (0, 0)
        first.join(10)
        assert items(db) == [(DIRECT, ARTICLE)] and sources(db) == 1
    finally:
        db.dispose()


@given(
    st.sampled_from(["http", "HTTPS", "ftp", "", "mailto"]),
    st.sampled_from(["://", ":", "", "//"]),
    st.sampled_from(["", "www.", "WWW.Example.com", "ex.org", "www.ex.org:80", "[::1]", "user@www.ex.org"]),
    st.sampled_from(["", "/a", "?q=1", "#x"]),
)
def test_web_site_reads_a_link_as_is_web_link_and_site_of_did(scheme: str, joint: str, host: str, rest: str) -> None:
    # item_keys asks both of every new entry from one reading of its link (keys.web_site).
    from urllib.parse import urlsplit

    from watcher.coverage.keys import is_web_link, web_site

    url = f"{scheme}{joint}{host}{rest}"
    web = is_web_link(url)
    site = ((urlsplit(url).hostname or "").lower().removeprefix("www.") or None) if web else None
    assert web_site(url) == (web, site)
    assert site_of(url) == site


@given(
    st.sampled_from(["http://", "HTTPS://", " http://", "http:///", "ftp://", ""]),
    st.sampled_from(["", "news.example", "WWW.News.Example", "a.b:8080", "a:", "a:99999", "[::1]", "u@a.b", "ü.de"]),
    st.text(alphabet="aZ09-._~%!$&'()*+,;=:@/?#[]\\ \t\n\x00\x7füé", max_size=24),
)
def test_web_site_reads_plain_links_as_urlsplit_does(scheme: str, host: str, rest: str) -> None:
    # web_site reads a plain http(s) link with parse.links' regular expression, anything else with urlsplit.
    from urllib.parse import urlsplit

    from watcher.coverage.keys import web_site

    url = scheme + host + rest
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return  # urlsplit refuses it: so does web_site, as before
    web = parts.scheme.lower() in ("http", "https") and bool(hostname)
    assert web_site(url) == (web, (hostname or "").lower().removeprefix("www.") or None if web else None)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_titles_are_normalised_as_fold_and_punctuation_do(title: str) -> None:
    # normalise_title's table for ASCII titles gives what folding, then blanking punctuation, gives.
    from watcher.coverage.keys import _PUNCTUATION, normalise_title
    from watcher.match.fold import fold

    assert normalise_title(title) == " ".join(_PUNCTUATION.sub(" ", fold(title)).split())
    assert normalise_title(title + "é") == " ".join(_PUNCTUATION.sub(" ", fold(title + "é")).split())
