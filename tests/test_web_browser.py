"""The analyst's web page in a real browser (Playwright driving Debian's headless Chromium) against a real
daemon: search finds the founding article's reports in every script they are written in, and "not relevant"
clicked on the page keeps the match out of the next digest. Readable at 375 and 1280 px, light and dark."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import (
    FOUNDING_LINK,
    FeedServer,
    Route,
    WatcherProcesses,
    founding_feed,
    free_port,
    rfc822_ago,
    rss,
    wait_until,
    watcher_log,
    write_config,
)
from tests.web_daemon import quiet_zone, searched, start_web_daemon
from watcher.config import load_config
from watcher.models import Delivery, Entity, Item, Match
from watcher.store import Database

pytestmark = [pytest.mark.clock, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
FOUNDING_TITLE = "Xiaomi pronta a sbarcare in Corea del Sud"
KOREAN_TITLE = "샤오미, 미페이로 한국 결제 시장 진출"
CHINESE_TITLE = "小米支付登陆韩国市场"
ENTITIES = [
    {"name": "Xiaomi", "aliases": ["Xiaomi", "샤오미", "小米集团", "小米"]},
    {"name": "Mi Pay", "aliases": [{"text": "Mi Pay", "case_sensitive": True}, "미페이", "小米支付"]},
    {"name": "Korea", "aliases": ["Korea*", "Corea*", "sudcorean*", "한국", "韩国"], "exclude": ["Corea del Nord"]},
]


@pytest.fixture
def site(tmp_path: Path, feed_server: FeedServer, watcher_processes: WatcherProcesses) -> dict[str, Any]:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    feed_server.routes["/ko.xml"] = Route(
        body=rss(
            {
                "title": KOREAN_TITLE,
                "link": "https://ko.example/mipay",
                "pubDate": rfc822_ago(hours=1),
                "description": "<p>샤오미가 모바일 결제 서비스 미페이를 국내에 출원했다.</p>",
            },
            language="ko",
        )
    )
    feed_server.routes["/zh.xml"] = Route(
        body=rss(
            {
                "title": CHINESE_TITLE,
                "link": "https://zh.example/mipay",
                "pubDate": rfc822_ago(minutes=30),
                "description": "<p>小米集团的小米支付服务在韩国申请商标。</p>",
            },
            language="zh",
        )
    )
    port = free_port()
    config = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url(path)} for path in ("/it.xml", "/ko.xml", "/zh.xml")],
        entities=ENTITIES,
        http={"listen": f"127.0.0.1:{port}"},
        digest={"time": "23:59", "timezone": quiet_zone(), "recipients": ["analyst@example.com"]},
    )
    process = start_web_daemon(watcher_processes, config, port, tmp_path)
    assert wait_until(lambda: CHINESE_TITLE in searched(port, "小米"), 60), watcher_log(tmp_path)
    return {"port": port, "config": config, "process": process, "processes": watcher_processes, "dir": tmp_path}


def search_in_page(page: Any, text: str) -> None:
    box = page.get_by_role("searchbox", name="Search every item")
    box.fill(text)
    box.press("Enter")
    page.wait_for_load_state()


def test_search_finds_the_founding_story_in_each_of_its_scripts(site: dict[str, Any], browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"http://127.0.0.1:{site['port']}/")
    for query, title, marked in [
        ("Mi Pay", FOUNDING_TITLE, "Mi Pay"),
        ('"mi pay" corea', FOUNDING_TITLE, "mi pay"),
        ("미페이", KOREAN_TITLE, "미페이"),
        ("小米支付", CHINESE_TITLE, "小米支付"),
        ("샤오미 결제", KOREAN_TITLE, "샤오미"),
    ]:
        search_in_page(page, query)
        results = page.locator("li.result")
        assert results.first.locator("h2").inner_text().startswith(title), (query, page.content())
        assert marked.casefold() in [text.casefold() for text in results.first.locator("mark").all_inner_texts()]
    search_in_page(page, "-corea")
    assert "cannot only exclude" in page.get_by_role("alert").inner_text()


def test_not_relevant_on_the_page_keeps_the_match_out_of_the_next_digest(site: dict[str, Any], browser: Any) -> None:
    port, config = site["port"], site["config"]
    db = Database(load_config(config).database_url)
    with db.session() as session:
        mi_pay = session.scalars(
            select(Match.id).join(Entity).join(Item).where(Entity.name == "Mi Pay", Item.link == FOUNDING_LINK)
        ).one()
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"http://127.0.0.1:{port}/")
    button = page.locator(f"#match-{mi_pay} button")
    assert button.inner_text() == "Not relevant: Mi Pay"
    button.focus()
    page.keyboard.press("Enter")  # keyboard only; htmx swaps the answer in place
    page.locator(f"#match-{mi_pay}.judged, #match-{mi_pay} .verdict").first.wait_for()
    assert "Not relevant — local" in page.locator(f"#match-{mi_pay}").inner_text()
    page.goto(f"http://127.0.0.1:{port}/")
    assert page.locator(f"#match-{mi_pay}").count() == 0  # no longer waiting for the digest

    site["process"].send_signal(signal.SIGTERM)
    assert site["process"].wait(30) == 0
    code, output = site["processes"].run(config, "digest", timeout=120)
    assert code == 0, output
    with db.session() as session:
        delivered = set(session.scalars(select(Delivery.match_id)))
        founding = set(session.scalars(select(Match.id).join(Item).where(Item.link == FOUNDING_LINK)))
    assert mi_pay not in delivered
    assert founding - {mi_pay} <= delivered and len(founding) >= 3  # Xiaomi and Korea went out as usual


SHOTS = [("web-today", "/", 1280, "light"), ("web-search", "/search?q=%EB%AF%B8%ED%8E%98%EC%9D%B4", 375, "dark")]


def test_pages_read_at_375_and_1280_px_in_light_and_dark(site: dict[str, Any], browser: Any) -> None:
    port = site["port"]
    paths = ["/", "/entities", "/entities/Mi%20Pay", "/stories/1", "/search?q=xiaomi", "/feeds"]
    for width in (375, 1280):
        for scheme in ("light", "dark"):
            page = browser.new_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
            for path in paths:
                page.goto(f"http://127.0.0.1:{port}{path}")
                overflow = page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width, (path, width, overflow)
                background = page.evaluate("getComputedStyle(document.body).backgroundColor")
                assert (background == "rgb(17, 18, 20)") == (scheme == "dark"), (path, scheme, background)
            page.close()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"http://127.0.0.1:{port}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    if os.environ.get("WATCHER_UPDATE_SCREENSHOTS"):
        for name, path, width, scheme in SHOTS:
            shot = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
            shot.goto(f"http://127.0.0.1:{port}{path}")
            shot.screenshot(path=str(ROOT / "docs" / f"{name}-{width}.png"))
            shot.close()
