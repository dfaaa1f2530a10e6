"""Hostile article pages get the hostile feeds' treatment: size caps after decompression, time limits, no
private addresses (redirects included), no markup or script in the stored text; an extractor that crashes or
hangs on one page costs that page only; the budget bounds a pass and the rest wait for the next."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import SEED_ARTICLE, rfc822_ago, rss, write_config
from tests.coverage_servers import RSS, NewsServer, Page, article_page, crashing_extractor, gzip_bomb, running
from watcher import articles
from watcher.app import Watcher
from watcher.articles import ExtractorPool
from watcher.config import load_config
from watcher.fetch import addresses
from watcher.models import Item

ENTITIES = [{"name": "Xiaomi", "aliases": ["Xiaomi"]}]
PARAGRAPHS = [line for line in SEED_ARTICLE.read_text(encoding="utf-8").split("\n") if line.strip()]
RUNNER = asyncio.Runner()


@pytest.fixture
def site() -> Iterator[NewsServer]:
    yield from running("127.0.0.1")


def teasers(links: list[str]) -> bytes:
    items = [
        {"title": f"Item {index}", "link": link, "guid": link, "pubDate": rfc822_ago(minutes=index + 1),
         "description": "Una breve anticipazione…"}
        for index, link in enumerate(links)
    ]  # fmt: skip
    return rss(*items)


def open_watcher(tmp_path: Path, feed_url: str, **overrides: Any) -> Watcher:
    config = write_config(tmp_path, feeds=[{"url": feed_url}], entities=ENTITIES, **overrides)
    return Watcher.open(load_config(config))


def outcomes(watcher: Watcher) -> dict[str, tuple[str | None, str | None]]:
    with watcher.db.session() as session:
        return {item.link: (item.fulltext_status, item.fulltext_error) for item in session.scalars(select(Item))}


@pytest.mark.clock
def test_hostile_pages_fail_alone_and_nothing_of_their_markup_is_stored(tmp_path: Path, site: NewsServer) -> None:
    site.pages["/ok.html"] = Page(article_page("Buono", *PARAGRAPHS))
    scripted = article_page("Script", *PARAGRAPHS).replace(
        b"</article>", b"<script>alert('x')</script><img src=x onerror=\"alert('y')\"></article>"
    )
    site.pages["/scripted.html"] = Page(scripted)
    site.pages["/bomb.html"] = Page(gzip_bomb(60), headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    site.pages["/slow.html"] = Page(article_page("Lento", *PARAGRAPHS), drip_seconds=0.4)
    site.pages["/file.pdf"] = Page(b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"})
    site.pages["/gone.html"] = Page(b"gone", 404, {"Content-Type": "text/plain"})
    links = [site.url(path) for path in ("/ok.html", "/scripted.html", "/bomb.html", "/slow.html", "/file.pdf",
                                         "/gone.html")]  # fmt: skip
    site.pages["/feed.xml"] = Page(teasers(links), headers=dict(RSS))
    watcher = open_watcher(tmp_path, site.url("/feed.xml"), poll={"timeout": "3s"})
    try:
        summary = RUNNER.run(watcher.poll(everything=True))
        assert summary.feeds_ok == 1 and summary.feeds_failed == 0  # the feed itself is fine
        found = outcomes(watcher)
        assert found[site.url("/ok.html")] == ("ok", None)
        assert found[site.url("/scripted.html")] == ("ok", None)
        assert (
            found[site.url("/bomb.html")][0] == "failed" and "after decompression" in found[site.url("/bomb.html")][1]
        )
        assert found[site.url("/slow.html")] == (
            "failed",
            f"no complete response within 3s from {site.url('/slow.html')}",
        )
        assert found[site.url("/file.pdf")] == (None, None)  # a PDF link: no article to extract, not fetched
        assert found[site.url("/gone.html")][0] == "failed" and "HTTP 404" in found[site.url("/gone.html")][1]
        with watcher.db.session() as session:
            scripted_item = session.scalar(select(Item).where(Item.link == site.url("/scripted.html")))
            assert scripted_item is not None and "Xiaomi" in scripted_item.content
            assert "alert(" not in scripted_item.content and "<" not in scripted_item.content
        # Each failure is recorded once: the next pass fetches none of them again.
        before = len(site.requests)
        site.pages["/feed.xml"].body += b"\n"
        RUNNER.run(watcher.poll(everything=True))
        assert [path for path in site.requests[before:] if path != "/feed.xml"] == []
    finally:
        RUNNER.run(watcher.aclose())


@pytest.mark.clock
def test_a_redirect_to_a_private_address_is_refused_when_private_addresses_are_blocked(
    tmp_path: Path, site: NewsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 127.0.0.2 stands in for a public host (watcher's check is told so); 127.0.0.1 stays private.
    public = running("127.0.0.2")
    outside = next(public)
    try:
        real = addresses.is_public_address
        monkeypatch.setattr(addresses, "is_public_address", lambda a: a == ipaddress.ip_address("127.0.0.2") or real(a))
        site.pages["/internal.html"] = Page(article_page("Interno", *PARAGRAPHS))
        outside.pages["/article.html"] = Page(b"", 302, {"Location": site.url("/internal.html")})
        outside.pages["/direct.html"] = Page(article_page("Fuori", *PARAGRAPHS))
        feed = tmp_path / "teasers.xml"  # a local file: read from disk, no address involved
        feed.write_bytes(teasers([outside.url("/article.html"), outside.url("/direct.html"), site.url("/x.html")]))
        watcher = open_watcher(tmp_path, feed.as_uri(), poll={"block_private_addresses": True})
        try:
            RUNNER.run(watcher.poll(everything=True))
            found = outcomes(watcher)
            assert found[outside.url("/direct.html")] == ("ok", None)
            status, error = found[outside.url("/article.html")]
            assert status == "failed" and "127.0.0.1" in error and "block_private_addresses" in error
            assert found[site.url("/x.html")][0] == "failed"
            assert site.requests == []  # the private host was never reached
        finally:
            RUNNER.run(watcher.aclose())
    finally:
        next(public, None)


@pytest.mark.clock
def test_an_extractor_that_crashes_or_hangs_costs_only_that_page(
    tmp_path: Path, site: NewsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(articles, "EXTRACT_TIMEOUT", 5.0)
    site.pages["/crash.html"] = Page(article_page("CRASH", *PARAGRAPHS))
    site.pages["/hang.html"] = Page(article_page("HANG", *PARAGRAPHS))
    for name in ("one", "two", "three"):
        site.pages[f"/{name}.html"] = Page(article_page(name, *PARAGRAPHS))
    paths = ["/one.html", "/crash.html", "/two.html", "/hang.html", "/three.html"]
    site.pages["/feed.xml"] = Page(teasers([site.url(path) for path in paths]), headers=dict(RSS))
    watcher = open_watcher(tmp_path, site.url("/feed.xml"), full_text={"workers": 2})
    watcher.poller.articles.extractors = ExtractorPool(2, job=crashing_extractor)
    try:
        RUNNER.run(watcher.poll(everything=True))
        found = outcomes(watcher)
        assert {path: found[site.url(path)][0] for path in paths} == {
            "/one.html": "ok", "/crash.html": "failed", "/two.html": "ok", "/hang.html": "failed", "/three.html": "ok",
        }  # fmt: skip
        assert "died" in found[site.url("/crash.html")][1]
        assert "longer than 5s" in found[site.url("/hang.html")][1]
    finally:
        RUNNER.run(watcher.aclose())


@pytest.mark.clock
def test_the_budget_bounds_a_pass_and_the_rest_wait_for_the_next(tmp_path: Path, site: NewsServer) -> None:
    paths = [f"/a{index}.html" for index in range(5)]
    for path in paths:
        site.pages[path] = Page(article_page(path, *PARAGRAPHS))
    site.pages["/feed.xml"] = Page(teasers([site.url(path) for path in paths]), headers=dict(RSS))
    watcher = open_watcher(tmp_path, site.url("/feed.xml"), full_text={"budget": 2})
    try:
        RUNNER.run(watcher.poll(everything=True))
        assert sorted(status for status, _error in outcomes(watcher).values()) == ["ok", "ok", "pending", "pending",
                                                                                   "pending"]  # fmt: skip
        RUNNER.run(watcher.poll())  # nothing due: the waiting articles are still fetched, two more
        RUNNER.run(watcher.poll())
        assert [status for status, _error in outcomes(watcher).values()] == ["ok"] * 5
        assert all(site.count(path) == 1 for path in paths)
    finally:
        RUNNER.run(watcher.aclose())
