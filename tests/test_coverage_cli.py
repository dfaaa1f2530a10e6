"""The CLI side of coverage: `feeds add` discovers a site's feeds, sitemaps and article links and offers them;
`watcher feeds` lists the generated search feeds; a reload changes the searches when aliases or markets do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.conftest import ago, rfc822_ago, rss, write_config
from tests.coverage_servers import RSS, NewsServer, Page, newsroom, running
from watcher.app import Watcher
from watcher.cli import main
from watcher.config import load_config
from watcher.models import Feed


@pytest.fixture
def site() -> Iterator[NewsServer]:
    yield from running("127.0.0.1")


def invoke(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    return result.exit_code, result.output


def serve_home(site: NewsServer) -> None:
    home = newsroom(
        ("/2026/xiaomi-arrives-in-south-korea", "Xiaomi arrives in South Korea with its payment service"),
        ("/2026/fibre-reaches-new-towns", "Fibre reaches forty new towns this autumn"),
    ).replace(b"<head>", b'<head><link rel="alternate" type="application/rss+xml" title="News" href="/news.rss">')
    site.pages["/"] = Page(home)
    item = {"title": "Xiaomi arrives", "link": site.url("/2026/x"), "pubDate": rfc822_ago(hours=1)}
    site.pages["/news.rss"] = Page(rss(item, title="Site News"), headers=dict(RSS))
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>' + site.url("/2026/x") + "</loc>"
        "<news:news><news:publication><news:name>Site</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{ago(hours=1).isoformat()}</news:publication_date><news:title>X</news:title>"
        "</news:news></url></urlset>"
    ).encode()
    site.pages["/sitemap-news.xml"] = Page(sitemap, headers={"Content-Type": "application/xml"})


@pytest.mark.clock
def test_feeds_add_on_a_home_page_offers_its_feeds_sitemap_and_the_page(tmp_path: Path, site: NewsServer) -> None:
    serve_home(site)
    config = write_config(tmp_path, feeds=[])
    before = config.read_text()
    code, output = invoke(config, "feeds", "add", site.url("/"))
    assert code == 1 and config.read_text() == before  # not interactive: nothing chosen, nothing added
    assert "is not a feed (the server returned an HTML page); its site offers:" in output
    assert f"[1] the page names a feed: {site.url('/news.rss')} (News): 1 entry" in output
    assert f"[2] a news sitemap at {site.url('/sitemap-news.xml')} (Site): 1 article" in output
    assert "[3] the page itself, its article links followed: 2 article links now" in output
    assert "choose one with --pick N (1 to 3)" in output

    code, output = invoke(config, "feeds", "add", site.url("/"), "--pick", "3", "--name", "Home")
    assert code == 0, output
    assert f"added {site.url('/')} as a web page (Home, 2 article links now)" in output
    code, output = invoke(config, "feeds", "add", site.url("/"), "--pick", "2")
    assert code == 0 and f"added {site.url('/sitemap-news.xml')} as a news sitemap" in output, output
    feeds = {feed.url: feed for feed in load_config(config).feeds}
    assert feeds[site.url("/")].type == "page" and feeds[site.url("/")].name == "Home"
    assert feeds[site.url("/sitemap-news.xml")].type == "sitemap"
    assert "type: page" in config.read_text()


@pytest.mark.clock
def test_feeds_add_recognises_a_sitemap_and_takes_a_page_when_told(tmp_path: Path, site: NewsServer) -> None:
    serve_home(site)
    config = write_config(tmp_path, feeds=[])
    code, output = invoke(config, "feeds", "add", site.url("/sitemap-news.xml"))
    assert code == 0 and "as a news sitemap (Site, 1 article now)" in output, output
    code, output = invoke(config, "feeds", "add", site.url("/"), "--type", "page", "--full-text", "always")
    assert code == 0 and "as a web page" in output, output
    (page,) = [feed for feed in load_config(config).feeds if feed.type == "page"]
    assert page.full_text == "always"
    site.pages["/empty"] = Page(b"<html><body><p>Sign in</p></body></html>")
    code, output = invoke(config, "feeds", "add", site.url("/empty"), "--type", "page")
    assert code == 1 and "no article links found on the page" in output


def test_feeds_lists_the_generated_searches_and_a_reload_changes_them(tmp_path: Path) -> None:
    engine = {"name": "local", "url": "http://127.0.0.2:9/s?q={query}&l={lang}", "per_minute": 60}
    entities = [{"name": "Xiaomi", "aliases": ["Xiaomi", "샤오미"]}, {"name": "Korea", "search": False}]

    def configure(*markets: str) -> Path:
        search = {"engines": [engine], "markets": list(markets)}
        return write_config(tmp_path, feeds=[], entities=entities, search=search)

    watcher = Watcher.open(load_config(configure("it-IT")))
    try:
        code, output = invoke(configure("it-IT"), "feeds")
        assert code == 0 and "new         search: Xiaomi it-IT (local)" in output
        assert 'generated: searches "Xiaomi"' in output and "removed" not in output
        # Edited, not yet reloaded: the new market's search is listed as not polled yet.
        code, output = invoke(configure("it-IT", "ko-KR"), "feeds")
        assert "search: Xiaomi ko-KR (local)" in output and "not polled yet" in output

        watcher.apply(load_config(configure("ko-KR")))
        with watcher.db.session() as session:
            rows = {row.name: (row.active, row.origin) for row in session.scalars(select(Feed))}
        assert rows == {
            "search: Xiaomi it-IT (local)": (False, "search"),
            "search: Xiaomi ko-KR (local)": (True, "search"),
        }
        code, output = invoke(configure("ko-KR"), "feeds")
        assert 'generated: searches "Xiaomi" OR "샤오미"' in output
        assert "removed     search: Xiaomi it-IT (local)" in output
    finally:
        watcher.close()
