"""Coverage end to end on a local "news site" (127.0.0.1) and a local "news search" (127.0.0.2): a teaser
feed whose item names the entity only in the article, the same article found by a search, a newsroom page
without a feed, a news sitemap. Real polling, real SQLite, the digest written to the outbox."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import FOUNDING_ENTITIES, SEED_ARTICLE, rfc822_ago, rss, write_config
from tests.coverage_servers import RSS, NewsServer, Page, article_page, newsroom, running, search_feed
from watcher.app import Watcher
from watcher.config import load_config
from watcher.coverage.keys import url_key
from watcher.models import Feed, Item, ItemEvent, ItemSource, Match

TEASER_TITLE = "Un nuovo mercato per un produttore di smartphone"


@pytest.fixture
def site() -> Iterator[NewsServer]:
    yield from running("127.0.0.1")


@pytest.fixture
def engine() -> Iterator[NewsServer]:
    yield from running("127.0.0.2")


def teaser_feed(site: NewsServer) -> bytes:
    return rss(
        {
            "title": TEASER_TITLE,
            "link": site.url("/2026/mercati/nuovo-ingresso.html"),
            "guid": "teaser-1",
            "pubDate": rfc822_ago(hours=2),
            "description": "Un grande produttore cinese annuncia l'arrivo in un mercato asiatico…",
        },
        {
            "title": "Fibra ottica, nuovi comuni collegati",
            "link": site.url("/2026/fibra.html"),
            "guid": "teaser-2",
            "pubDate": rfc822_ago(hours=3),
            "description": "Il piano nazionale avanza…",
        },
    )


def serve_site(site: NewsServer) -> None:
    paragraphs = [line for line in SEED_ARTICLE.read_text(encoding="utf-8").split("\n") if line.strip()]
    site.pages["/feed.xml"] = Page(teaser_feed(site), headers=dict(RSS))
    site.pages["/2026/mercati/nuovo-ingresso.html"] = Page(article_page(TEASER_TITLE, *paragraphs))
    site.pages["/2026/fibra.html"] = Page(article_page("Fibra", "Il piano nazionale avanza, comune dopo comune."))


def serve_search(engine: NewsServer, site: NewsServer) -> None:
    """Every query answers with one result: the teaser feed's article, through the engine's redirect."""
    result = {
        "title": TEASER_TITLE,
        "publisher": "TecnoNotizie",
        "link": engine.url("/rss/articles/CBMi-nuovo-ingresso?oc=5"),
        "guid": "CBMi-nuovo-ingresso",
        "pubDate": rfc822_ago(hours=2),
        "site": site.base,
    }
    engine.pages["/rss/search"] = Page(answer=lambda _path: Page(search_feed([result]), headers=dict(RSS)))
    target = site.url("/2026/mercati/nuovo-ingresso.html?utm_source=google_news")
    engine.pages["/rss/articles/CBMi-nuovo-ingresso"] = Page(b"", 302, {"Location": target})


def engine_settings(engine: NewsServer, **extra: Any) -> dict[str, Any]:
    url = engine.url("/rss/search?q={query}&hl={lang}-{country}&gl={country}&ceid={country}:{lang}")
    return {"engines": [{"name": "local-news", "url": url, "per_minute": 600, **extra}], "markets": ["it-IT"]}


RUNNER = asyncio.Runner()  # one event loop for a test's polls and the client's close


# The founding entities; only Xiaomi is searched (one search feed per engine and market).
ENTITIES = [{**entity, "search": entity["name"] == "Xiaomi"} for entity in FOUNDING_ENTITIES]


def open_watcher(tmp_path: Path, feeds: list[dict[str, Any]], **overrides: Any) -> Watcher:
    config = write_config(tmp_path, feeds=feeds, entities=ENTITIES, **overrides)
    return Watcher.open(load_config(config))


def poll(watcher: Watcher) -> Any:
    return RUNNER.run(watcher.poll(everything=True))


def close(watcher: Watcher) -> None:
    RUNNER.run(watcher.aclose())


def digest_text(tmp_path: Path) -> str:
    (eml,) = sorted((tmp_path / "state" / "outbox").glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    return message.get_body(("plain",)).get_content()


@pytest.mark.clock
def test_an_entity_named_only_in_the_article_body_is_matched_and_mailed_once(
    tmp_path: Path, site: NewsServer, engine: NewsServer
) -> None:
    serve_site(site)
    serve_search(engine, site)
    feeds = [{"url": site.url("/feed.xml"), "name": "TecnoNotizie"}]
    watcher = open_watcher(tmp_path, feeds, search=engine_settings(engine))
    try:
        summary = poll(watcher)
        assert summary.feeds_failed == 0, summary.errors
        article = site.url("/2026/mercati/nuovo-ingresso.html")
        with watcher.db.session() as session:
            items = session.scalars(select(Item).where(Item.title == TEASER_TITLE)).all()
            # The search result and the feed's item are one item, the feed's (the publisher's own).
            assert len(items) == 1
            (item,) = items
            assert item.url_key == url_key(article) and item.feed.url == site.url("/feed.xml")
            assert item.fulltext_status == "ok" and item.fulltext_chars and "Mi Pay" in item.content
            assert "<" not in item.content and "alert(" not in item.content  # plain text, no script
            sources = session.scalars(select(ItemSource)).all()
            assert [(source.item_id, session.get(Feed, source.feed_id).origin) for source in sources] == [
                (item.id, "search")
            ]
            matches = session.scalars(select(Match).where(Match.item_id == item.id))
            matched = {match.entity.name: match.field for match in matches}
            assert matched.keys() >= {"Xiaomi", "Korea"} and matched["Xiaomi"] == "content"
            # The article is fetched once: the teaser item and the second item, one request each.
            assert site.count("/2026/mercati/nuovo-ingresso.html") == 1
            # The events are read from the article's own lead, not the teaser: the evidence is the body's.
            events = {
                event.type: event for event in session.scalars(select(ItemEvent).where(ItemEvent.item_id == item.id))
            }
            assert events["market_entry"].market == "KR" and "Xiaomi" in events["market_entry"].evidence
        watcher.digest()
        text = digest_text(tmp_path)
        assert text.count(TEASER_TITLE) == 1
        assert "alert(" not in text

        # Polling again finds nothing new and fetches no article again.
        site.pages["/feed.xml"].body = teaser_feed(site) + b"\n"  # new bytes, the same items
        again = poll(watcher)
        assert again.new_items == 0 and site.count("/2026/mercati/nuovo-ingresso.html") == 1
        with watcher.db.session() as session:
            assert session.scalar(select(func.count()).select_from(Item).where(Item.title == TEASER_TITLE)) == 1
    finally:
        close(watcher)


@pytest.mark.clock
def test_a_search_result_found_first_is_taken_over_by_the_publishers_feed(
    tmp_path: Path, site: NewsServer, engine: NewsServer
) -> None:
    serve_site(site)
    serve_search(engine, site)
    watcher = open_watcher(tmp_path, [], search=engine_settings(engine))
    try:
        poll(watcher)  # only the search feed: the result is stored, its link followed to the publisher
        with watcher.db.session() as session:
            (item,) = session.scalars(select(Item)).all()
            assert item.link == site.url("/2026/mercati/nuovo-ingresso.html?utm_source=google_news")
            assert item.publisher == "TecnoNotizie" and item.title == TEASER_TITLE and item.feed.origin == "search"
            assert item.fulltext_status == "ok"
            first_id = item.id
            search_feed = item.feed.display_name
        assert engine.count("/rss/articles/") == 1
        # The digest names the outlet the engine names, not the search feed that found the article.
        watcher.digest()
        coverage = [line for line in digest_text(tmp_path).splitlines() if "TecnoNotizie" in line]
        assert coverage and all(search_feed not in line for line in coverage), coverage

        config = write_config(
            tmp_path, feeds=[{"url": site.url("/feed.xml")}], entities=ENTITIES, search=engine_settings(engine)
        )
        watcher.apply(load_config(config))
        poll(watcher)
        with watcher.db.session() as session:
            items = session.scalars(select(Item).where(Item.title == TEASER_TITLE)).all()
            assert [(item.id, item.feed.url) for item in items] == [(first_id, site.url("/feed.xml"))]
            assert session.scalar(select(func.count()).select_from(ItemSource)) == 1
        # The search feed's result is known now: not followed nor fetched again.
        poll(watcher)
        assert engine.count("/rss/articles/") == 1 and site.count("/2026/mercati/nuovo-ingresso.html") == 1
    finally:
        close(watcher)


@pytest.mark.clock
def test_a_newsroom_pages_new_article_becomes_an_item_once(tmp_path: Path, site: NewsServer) -> None:
    paragraphs = [line for line in SEED_ARTICLE.read_text(encoding="utf-8").split("\n") if line.strip()]
    old = ("/press/2025/annual-meeting-of-shareholders", "The annual meeting of shareholders took place")
    site.pages["/press/"] = Page(newsroom(old))
    site.pages[old[0]] = Page(article_page("Meeting", "The shareholders met and Xiaomi was not discussed at all."))
    watcher = open_watcher(tmp_path, [{"url": site.url("/press/"), "type": "page", "name": "Corp newsroom"}])
    try:
        poll(watcher)
        with watcher.db.session() as session:
            (first,) = session.scalars(select(Item)).all()
            # The page's links at its first poll are its back-catalogue: stored, not mailed, not fetched.
            assert first.fulltext_status is None and all(match.suppressed for match in first.matches)
        assert site.count(old[0]) == 0

        new = ("/press/2026/expansion-in-south-korea", "Example Corp expands with a partner into a new market")
        site.pages["/press/"] = Page(newsroom(new, old))
        site.pages[new[0]] = Page(article_page(new[1], *paragraphs))
        poll(watcher)
        poll(watcher)
        with watcher.db.session() as session:
            items = session.scalars(select(Item).where(Item.link == site.url(new[0]))).all()
            assert len(items) == 1 and items[0].title == new[1] and items[0].fulltext_status == "ok"
            assert {match.entity.name for match in items[0].matches} >= {"Xiaomi", "Korea"}
            assert not any(match.suppressed for match in items[0].matches)
            assert session.scalar(select(func.count()).select_from(Item)) == 2
        assert site.count(new[0]) == 1
    finally:
        close(watcher)


@pytest.mark.clock
def test_a_news_sitemap_is_polled_as_a_feed(tmp_path: Path, site: NewsServer) -> None:
    from tests.conftest import ago

    paragraphs = [line for line in SEED_ARTICLE.read_text(encoding="utf-8").split("\n") if line.strip()]
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
        f"<loc>{site.url('/2026/xiaomi-corea.html')}</loc><news:news><news:publication><news:name>TN</news:name>"
        "<news:language>it</news:language></news:publication>"
        f"<news:publication_date>{ago(hours=1).isoformat()}</news:publication_date>"
        "<news:title>Un produttore cinese arriva a Seul</news:title></news:news></url></urlset>"
    ).encode()
    site.pages["/sitemap-news.xml"] = Page(sitemap, headers={"Content-Type": "application/xml"})
    site.pages["/2026/xiaomi-corea.html"] = Page(article_page("Seul", *paragraphs))
    watcher = open_watcher(tmp_path, [{"url": site.url("/sitemap-news.xml"), "type": "sitemap"}])
    try:
        summary = poll(watcher)
        assert summary.feeds_ok == 1 and summary.new_items == 1
        with watcher.db.session() as session:
            (item,) = session.scalars(select(Item)).all()
            assert item.title == "Un produttore cinese arriva a Seul" and item.language == "it"
            assert item.fulltext_status == "ok"  # a sitemap's entry has a title only: its article is fetched
            assert {match.entity.name for match in item.matches} >= {"Xiaomi", "Korea"}
    finally:
        close(watcher)
