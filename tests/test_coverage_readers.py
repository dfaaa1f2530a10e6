"""Pure readers of coverage: a newsroom page's article links, news sitemaps, search results, article keys,
teaser detection and article text extraction (no server: bytes in, values out)."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import rfc822_ago
from watcher.coverage.fulltext import extract_article, looks_cut_short, wants_full_text
from watcher.coverage.keys import key_of_digest, target_in_link, title_key, url_key, without_publisher
from watcher.coverage.pages import parse_page
from watcher.coverage.results import SearchResult, parse_search_results
from watcher.coverage.sitemap import SitemapIndex, parse_sitemap, title_from_url
from watcher.errors import FeedError
from watcher.parse.entry import Entry
from watcher.parse.feed import parse_feed
from watcher.sources import item_keys

DATA = Path(__file__).resolve().parent / "data" / "coverage"


def test_a_newsroom_pages_article_links_are_its_entries() -> None:
    page = parse_page((DATA / "newsroom.html").read_bytes(), content_type="text/html", url="https://corp.example/news/")
    assert page.title == "Newsroom — Example Corp" and page.language == "en"
    by_link = {entry.link: entry for entry in page.entries}
    assert list(by_link) == [
        "https://corp.example/news/2026/xiaomi-partnership-signed",
        "https://corp.example/news/2026/quarterly-results-third-quarter",
        "https://press.corp.example/releases/new-plant-in-hungary",
    ]
    first = by_link["https://corp.example/news/2026/xiaomi-partnership-signed"]
    assert first.title == "Example Corp signs a partnership with Xiaomi"  # the headline, not the picture's alt
    assert first.published is not None and first.published.year >= 2000  # <time datetime> in its list entry
    assert by_link["https://press.corp.example/releases/new-plant-in-hungary"].published is None
    # The same page read again gives the same identities: each link becomes an item once.
    again = parse_page(
        (DATA / "newsroom.html").read_bytes(), content_type="text/html", url="https://corp.example/news/"
    )
    assert [entry.identity for entry in again.entries] == [entry.identity for entry in page.entries]


def test_a_page_that_is_no_html_is_refused() -> None:
    with pytest.raises(FeedError, match="not a web page: the server sent application/pdf"):
        parse_page(b"%PDF-1.7", content_type="application/pdf", url="https://corp.example/x.pdf")


def test_a_news_sitemap_is_read_as_a_feed() -> None:
    feed = parse_sitemap((DATA / "news-sitemap.xml").read_bytes(), url="https://site.example/sitemap-news.xml")
    assert feed.title == "Site Example News"
    assert [(entry.link, entry.title, entry.language) for entry in feed.entries] == [
        ("https://site.example/2026/xiaomi-korea", "Xiaomi entra in Corea del Sud", "it"),
        ("https://site.example/2026/fibra-ottica-nuovi-comuni", "fibra ottica nuovi comuni", None),
    ]
    assert feed.entries[0].published is not None and feed.entries[1].published is not None
    assert title_from_url("https://x.example/a/mi-band-10-ufficiale.html") == "mi band 10 ufficiale"


def test_a_sitemap_index_names_its_sitemaps_and_hostile_xml_is_refused() -> None:
    index = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://s.example/news.xml</loc></sitemap></sitemapindex>"
    )
    with pytest.raises(SitemapIndex) as raised:
        parse_sitemap(index, url="https://s.example/sitemap.xml")
    assert raised.value.sitemaps == ["https://s.example/news.xml"]
    bomb = b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><urlset>&b;</urlset>'
    with pytest.raises(FeedError, match="entity"):
        parse_sitemap(bomb)


@pytest.mark.clock
def test_search_results_name_their_publisher_and_lose_the_engines_title_suffix() -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>"Xiaomi" - Google News</title>'
        "<item><title>Xiaomi entra in Corea - Il Sole 24 Ore</title>"
        "<link>https://news.google.com/rss/articles/CBMiAbc?oc=5</link><guid>CBMiAbc</guid>"
        f"<pubDate>{rfc822_ago(hours=3)}</pubDate>"
        '<source url="https://www.ilsole24ore.com">Il Sole 24 Ore</source></item>'
        "</channel></rss>"
    ).encode()
    results = parse_search_results(body, url="https://news.google.com/rss/search?q=Xiaomi")
    [result] = results.results
    assert result.entry.title == "Xiaomi entra in Corea" and result.publisher == "Il Sole 24 Ore"
    assert result.site == "ilsole24ore.com" and result.entry.link == "https://news.google.com/rss/articles/CBMiAbc?oc=5"


def test_article_keys_agree_with_dedup_keys_and_ignore_tracking() -> None:
    link = "https://www.example.it/2026/xiaomi/?utm_source=rss"
    entry = Entry("i", None, link, "T", "", "", None, None)
    assert url_key(link) == key_of_digest(entry.dedup_key or "") == url_key("http://example.it/2026/xiaomi")
    assert isinstance(url_key(link), int) and -(2**63) <= url_key(link) < 2**63  # a BIGINT on every engine
    assert url_key("ftp://example.it/x") is None
    assert title_key("example.it", "Xiaomi entra in Corea!") == title_key("example.it", "xiaomi  ENTRA in corea")
    assert title_key("example.it", "News") is None  # too short to tell articles apart
    assert without_publisher("Xiaomi in Corea - Il Sole 24 Ore", "Il Sole 24 Ore") == "Xiaomi in Corea"
    bing = "http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&url=https%3a%2f%2fwww.example.it%2fa&c=1"
    assert target_in_link(bing) == "https://www.example.it/a"
    assert target_in_link("https://news.google.com/rss/articles/CBMi?oc=5") is None


def test_teaser_feeds_are_told_from_full_text_feeds() -> None:
    teasers = parse_feed((DATA / "teaser.rss").read_bytes())
    assert wants_full_text("auto", teasers.entries)
    full = [Entry(str(index), None, None, "T", "word " * 400, "", None, None) for index in range(5)]
    assert not wants_full_text("auto", full) and wants_full_text("always", full)
    assert not wants_full_text("never", teasers.entries)
    assert looks_cut_short("... and the company said [...]") and looks_cut_short("Continua a leggere »")
    assert not looks_cut_short("The end.")


def test_extraction_keeps_the_article_text_and_no_markup_or_script(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the extractor tried to use the network")

    # trafilatura is handed bytes: it must never open a connection or look a name up itself.
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    html = (DATA / "article-hostile.html").read_bytes()
    text = extract_article(html, content_type="text/html; charset=utf-8", url="https://site.example/a")
    assert "Samsung Electronics" in text and "Xiaomi" in text
    for needle in ("<", "alert(", "onerror", "document.write", "Cookie", "Subscribe"):
        assert needle not in text
    with pytest.raises(FeedError, match="not an HTML page: the server sent application/pdf"):
        extract_article(b"%PDF-1.4", content_type="application/pdf")
    with pytest.raises(FeedError, match="no article text"):
        extract_article(b"<html><body></body></html>", content_type="text/html")


def test_an_entrys_site_keys_are_made_in_the_parse_worker_and_are_what_the_store_keys_it_by() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Notizie</title>'
        b"<item><title>Il porto di Genova amplia la diga</title><link>https://www.porto.example/diga</link></item>"
        b"<item><title>Senza link ma con un titolo lungo</title></item>"
        b"</channel></rss>"
    )
    linked, unlinked = parse_feed(body, url="https://porto.example/rss").entries
    # Pickled with the entry, so the writer neither reads the URL nor folds and hashes the title again.
    assert "site_keys" in vars(linked) and "site_keys" in vars(unlinked)
    assert linked.site_keys == (True, "porto.example", title_key("porto.example", "Il porto di Genova amplia la diga"))
    assert unlinked.site_keys == (False, None, None)
    never = lambda entry: False  # noqa: E731
    feed_result = SearchResult(linked, None, None)
    [keys] = item_keys([feed_result], mode="never", kind="feed", search_host=None, silenced=never, every_entry=[linked])
    assert keys.title_key == linked.site_keys[2] and keys.url_key == url_key("https://porto.example/diga")
    # A search result names its publisher's site: the title is keyed by that site, not by the link's host.
    engine = SearchResult(replace(linked, link="https://news.engine.example/a/1"), "Il Porto", "porto.example")
    [keys] = item_keys([engine], mode="never", kind="feed", search_host="news.engine.example", silenced=never,
                       every_entry=[engine.entry])  # fmt: skip
    assert keys.title_key == title_key("porto.example", "Il porto di Genova amplia la diga")
    assert engine.entry.site_keys[1] == "news.engine.example"  # made again for the replaced link, not the old one's
