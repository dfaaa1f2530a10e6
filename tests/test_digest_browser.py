"""The digest as a reader sees it: `watcher digest --preview` of polled multilingual feeds, rendered by
headless Chromium (tests/browser.py), in the light and the dark scheme, 800 px and a 375 px phone.

Skipped when Chromium is not installed (.ci/run installs it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.browser import layout, measure, needs_chromium, phone_frame, screenshot
from tests.conftest import FeedServer, Route, rss, write_config
from watcher.cli import main
from watcher.digest import build_digest, render_digest
from watcher.store import MatchRow

pytestmark = needs_chromium

LONG_LINK = "https://news.example.com/" + "very-long-slug-without-any-break-" * 6 + "xiaomi"
KOREAN_TITLE = "샤오미, 한국에서 Mi Pay 출시… 카드사 12곳과 제휴하고 내년 상반기 스마트폰 판매망 확대 추진"
KOREAN_BODY = (
    "샤오미가 한국 시장에 본격 진출한다. 업계에 따르면 샤오미는 국내 카드사 열두 곳과 결제 서비스 제휴 계약을 "
    "맺고 내년 상반기부터 스마트폰과 웨어러블 기기 판매망을 전국 대형 유통매장으로 확대할 계획이다."
)


def multilingual_feed() -> bytes:
    now = datetime.now(UTC)

    def item(n: int, title: str, description: str, link: str | None = None) -> dict[str, str]:
        fields = {"link": link or f"https://news.example.com/{n}", "pubDate": format_datetime(now - timedelta(hours=n))}
        return ({"title": title} if title else {}) | fields | {"description": description}

    return rss(
        item(
            1,
            "Xiaomi pronta a sbarcare in Corea del Sud: accordi con due distributori e un brevetto per Mi Pay",
            "<p>Xiaomi porterà Mi Pay in Corea del Sud entro marzo, secondo due fonti vicine all'azienda.</p>",
        ),
        item(9, KOREAN_TITLE, f"<p>{KOREAN_BODY}</p>"),  # the first report: its headline is shown
        item(3, "Сяоми выходит на рынок Южной Кореи", "<p>Компания Сяоми объявила о планах в Южной Корее.</p>"),
        item(4, "小米集团宣布小米支付登陆韩国", "<p>小米集团今日宣布，小米支付将于明年登陆韩国市场。</p>"),
        item(5, "Xiaomi beats third-quarter forecasts on smartphone and EV momentum", "<p>Xiaomi shares rose.</p>"),
        item(6, "シャオミ、韓国で新型スマホを発表", "<p>シャオミは新型スマートフォンを発表した。</p>"),
        item(7, "", "<p>An untitled Xiaomi item: its link stands in for the title.</p>", link=LONG_LINK),
    )


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("preview")
    server = FeedServer()
    server.thread.start()
    try:
        return _preview(tmp_path, server)
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def _preview(tmp_path: Path, feed_server: FeedServer) -> Path:
    feed_server.routes["/feed.xml"] = Route(body=multilingual_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/feed.xml"), "name": "Mondo Tech"}])
    runner = CliRunner()
    result = runner.invoke(main, ["--config", str(config), "poll", "--once"])
    assert result.exit_code == 0 and "0 failed" in result.output, result.output
    page = tmp_path / "out.html"
    result = runner.invoke(main, ["--config", str(config), "digest", "--preview", str(page)])
    assert result.exit_code == 0 and page.exists(), result.output
    text = page.read_text(encoding="utf-8")
    assert KOREAN_TITLE in text  # the Korean report came first: its headline stands for its story
    for n in (1, 3, 4, 5, 6, 9):  # every report is in the digest, once: as its story's headline or under "also in"
        assert text.count(f'href="https://news.example.com/{n}"') == 1, n
    return page


def test_digest_renders_as_a_600px_page(tmp_path: Path, preview: Path) -> None:
    image = screenshot(preview, tmp_path / "desktop.png", 800, 2000, tmp_path / "profile")
    found = layout(image)
    assert found.colours >= 20, found  # text, links, highlights, chips, borders: not a blank page
    assert found.non_background > 0.25, found
    assert found.ink > 0.01, found
    width = found.page_right - found.page_left + 1
    assert 560 <= width <= 620, found  # the 600 px layout
    assert abs(found.page_left - (800 - found.page_right - 1)) <= 4, found  # centred
    assert found.page_bottom > 600, found  # several stories tall
    assert found.ink_outside_page == 0, found  # nothing spills out of the page


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_digest_fits_a_375px_phone_screen(tmp_path: Path, preview: Path, dark: bool) -> None:
    frame = phone_frame(preview, 375, 2000)
    image = screenshot(frame, tmp_path / "mobile.png", 600, 2000, tmp_path / "profile", dark=dark)
    found = layout(image, width=375, dark=dark)
    assert found.ink > 0.01, found
    assert found.page_left > 0 and found.page_right < 374, found  # the page shrinks within the screen
    assert found.ink_outside_page == 0, found  # no text runs past the page's right edge


@pytest.mark.parametrize("width", [375, 800])
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_text_has_a_contrast_of_4_5_and_korean_never_breaks_inside_a_word(
    tmp_path: Path, preview: Path, width: int, dark: bool
) -> None:
    found = measure(preview, tmp_path / "profile", width=width, dark=dark)
    assert_readable(found, width)
    assert any(text["lang"] == "ko" for text in found["texts"]), "the Korean story carries lang=ko"


def assert_readable(found: dict[str, Any], width: int) -> None:
    """Every drawn text at least 4.5:1 (WCAG AA for body text), Hangul words whole, nothing wider than the screen."""
    assert len(found["texts"]) > 20, found["texts"]
    poor = [text for text in found["texts"] if text["ratio"] < 4.5]
    assert not poor, poor
    assert found["koreanBroken"] == [], found["koreanBroken"]
    assert found["scrollWidth"] <= width, (found["scrollWidth"], width)


def test_a_long_unbroken_title_does_not_widen_the_page(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    link = (
        "https://news.example.com/articles/2026/11/24/XiaomiKoreaMiPayLaunchAnnouncementOfficialStatementFromTheCompany"
    )
    snippet = "An untitled Xiaomi item: its link stands in for the title."
    rows = [
        MatchRow(
            match_id=1,
            entity="Xiaomi",
            item_id=1,
            title="",
            link=link,
            source="Mondo Tech",
            published_at=now,
            first_seen_at=now,
            language="en",
            field="summary",
            alias="Xiaomi",
            surface="Xiaomi",
            snippet=snippet,
            highlights=((snippet.index("Xiaomi"), snippet.index("Xiaomi") + 6),),
            backfilled=False,
            body=snippet,
        )
    ]
    page = tmp_path / "long.html"
    page.write_text(render_digest(build_digest(rows, timezone="UTC", now=now), "watcher").html, encoding="utf-8")
    assert link in page.read_text(encoding="utf-8")
    found = layout(screenshot(page, tmp_path / "long.png", 800, 1000, tmp_path / "profile"))
    assert found.page_right - found.page_left + 1 <= 620, found
    assert found.ink_outside_page == 0, found
    phone = layout(
        screenshot(phone_frame(page, 375, 1000), tmp_path / "m.png", 600, 1000, tmp_path / "profile"), width=375
    )
    assert phone.ink_outside_page == 0, phone
