"""The digest as a reader sees it: `watcher digest --preview` rendered by headless Chromium, then the PNG checked.

Skipped when Chromium is not installed (.ci/run installs it). The PNG is read with a small zlib-based
decoder below: the project does not depend on Pillow.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FeedServer, Route, rss, write_config
from watcher.cli import main
from watcher.digest import build_digest, render_digest
from watcher.store import MatchRow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium; .ci/run does)"
)

PAGE_BACKGROUND = (0xF4, 0xF4, 0xF4)  # body and .outer in templates/digest.html.j2
PAGE = (0xFF, 0xFF, 0xFF)  # .page
LONG_LINK = "https://news.example.com/" + "very-long-slug-without-any-break-" * 6 + "xiaomi"


# --- PNG -----------------------------------------------------------------------------------------


@dataclass
class Image:
    width: int
    height: int
    channels: int
    rows: list[bytes]  # unfiltered scanlines

    def row_pixels(self, y: int) -> list[tuple[int, int, int]]:
        row, c = self.rows[y], self.channels
        return list(zip(row[0::c], row[1::c], row[2::c], strict=True))


def _add_bytes(a: bytes, b: bytes) -> bytes:
    """(a[i] + b[i]) % 256 for every i at once: SWAR on two big integers, no carry between bytes."""
    n = len(a)
    x, y = int.from_bytes(a, "big"), int.from_bytes(b, "big")
    low = int.from_bytes(b"\x7f" * n, "big")
    high = int.from_bytes(b"\x80" * n, "big")
    return (((x & low) + (y & low)) ^ ((x ^ y) & high)).to_bytes(n, "big")


def read_png(path: Path) -> Image:
    """8-bit RGB or RGBA, not interlaced: what Chromium writes."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks = 8, []
    width = height = channels = 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytes(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1 : start + 1 + stride]
        if kind == 0:
            current = line
        elif kind == 2:
            current = _add_bytes(line, previous)
        else:
            out = bytearray(line)
            for i in range(stride):
                left = out[i - channels] if i >= channels else 0
                up = previous[i]
                if kind == 1:
                    predictor = left
                elif kind == 3:
                    predictor = (left + up) // 2
                else:  # 4: Paeth
                    upper_left = previous[i - channels] if i >= channels else 0
                    p = left + up - upper_left
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                    predictor = left if pa <= pb and pa <= pc else up if pb <= pc else upper_left
                out[i] = (out[i] + predictor) & 0xFF
            current = bytes(out)
        rows.append(current)
        previous = current
    return Image(width, height, channels, rows)


@dataclass
class Layout:
    colours: int  # distinct colours among sampled pixels
    non_background: float  # share of sampled pixels that are not the page background
    ink: float  # share of sampled pixels that are neither background nor the white page
    page_left: int  # bounding box of the white page area
    page_right: int
    page_bottom: int
    ink_outside_page: int  # sampled pixels left or right of the page that are not background


def layout(image: Image, step: int = 3, width: int | None = None) -> Layout:
    """What the screenshot shows in its `width` leftmost columns (all by default), from every `step`th row."""
    width = width or image.width
    counts: Counter[tuple[int, int, int]] = Counter()
    left, right, bottom = width, -1, -1
    rows = range(0, image.height, step)
    for y in rows:
        pixels = image.row_pixels(y)[:width]
        counts.update(pixels)
        whites = [x for x, pixel in enumerate(pixels) if pixel == PAGE]
        if len(whites) > 50:  # a stretch of page, not a white glyph pixel
            left, right, bottom = min(left, whites[0]), max(right, whites[-1]), y
    outside = 0
    for y in rows:
        pixels = image.row_pixels(y)[:width]
        outside += sum(1 for x, pixel in enumerate(pixels) if (x < left or x > right) and pixel != PAGE_BACKGROUND)
    total = sum(counts.values())
    return Layout(
        colours=len(counts),
        non_background=1 - counts[PAGE_BACKGROUND] / total,
        ink=1 - (counts[PAGE_BACKGROUND] + counts[PAGE]) / total,
        page_left=left,
        page_right=right,
        page_bottom=bottom,
        ink_outside_page=outside,
    )


def screenshot(html: Path, png: Path, width: int, height: int, profile: Path) -> Image:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        f"--screenshot={png}",
        html.resolve().as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, timeout=60, check=False)
    assert result.returncode == 0 and png.exists(), result.stderr.decode(errors="replace")[-2000:]
    image = read_png(png)
    assert (image.width, image.height) == (width, height)
    return image


# --- the digest ----------------------------------------------------------------------------------


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
        item(2, "샤오미, 한국에서 Mi Pay 출시… 카드사 12곳과 제휴", "<p>샤오미가 한국 시장에 본격 진출한다.</p>"),
        item(3, "Сяоми выходит на рынок Южной Кореи", "<p>Компания Сяоми объявила о планах в Южной Корее.</p>"),
        item(4, "小米集团宣布小米支付登陆韩国", "<p>小米集团今日宣布，小米支付将于明年登陆韩国市场。</p>"),
        item(5, "Xiaomi beats third-quarter forecasts on smartphone and EV momentum", "<p>Xiaomi shares rose.</p>"),
        item(6, "シャオミ、韓国で新型スマホを発表", "<p>シャオミは新型スマートフォンを発表した。</p>"),
        item(7, "", "<p>An untitled Xiaomi item: its link stands in for the title.</p>", link=LONG_LINK),
    )


@pytest.fixture
def preview(tmp_path: Path, feed_server: FeedServer) -> Path:
    feed_server.routes["/feed.xml"] = Route(body=multilingual_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/feed.xml"), "name": "Mondo Tech"}])
    runner = CliRunner()
    result = runner.invoke(main, ["--config", str(config), "poll", "--once"])
    assert result.exit_code == 0 and "0 failed" in result.output, result.output
    page = tmp_path / "out.html"
    result = runner.invoke(main, ["--config", str(config), "digest", "--preview", str(page)])
    assert result.exit_code == 0 and page.exists(), result.output
    text = page.read_text(encoding="utf-8")
    assert "샤오미" in text and "Сяоми" in text and "小米集团" in text and "シャオミ" in text
    return page


def test_digest_renders_as_a_600px_page(tmp_path: Path, preview: Path) -> None:
    image = screenshot(preview, tmp_path / "desktop.png", 800, 2000, tmp_path / "profile")
    found = layout(image)
    assert found.colours >= 20, found  # text, links, highlights, borders: not a blank page
    assert found.non_background > 0.25, found
    assert found.ink > 0.01, found
    width = found.page_right - found.page_left + 1
    assert 560 <= width <= 620, found  # the 600 px layout
    assert abs(found.page_left - (800 - found.page_right - 1)) <= 4, found  # centred
    assert found.page_bottom > 600, found  # several stories tall
    assert found.ink_outside_page == 0, found  # nothing spills out of the page


def test_digest_fits_a_400px_phone_screen(tmp_path: Path, preview: Path) -> None:
    # Headless Chromium's window is never narrower than 500 px, whatever --window-size says: a 400 px frame
    # holds the digest instead, as a phone's mail app would.
    phone = tmp_path / "phone.html"
    phone.write_text(
        '<!DOCTYPE html><html><body style="margin:0;background:#000">'
        f'<iframe src="{preview.name}" width="400" height="2000" style="border:0;display:block"></iframe>'
        "</body></html>",
        encoding="utf-8",
    )
    image = screenshot(phone, tmp_path / "mobile.png", 600, 2000, tmp_path / "profile")
    found = layout(image, width=400)
    assert found.ink > 0.01, found
    assert found.page_left > 0 and found.page_right < 399, found  # page area shrinks within the screen
    assert found.page_right - found.page_left + 1 <= 400, found
    assert found.ink_outside_page == 0, found  # no text runs past the page's right edge


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
        )
    ]
    page = tmp_path / "long.html"
    page.write_text(render_digest(build_digest(rows, timezone="UTC", now=now), "watcher").html, encoding="utf-8")
    assert link in page.read_text(encoding="utf-8")
    found = layout(screenshot(page, tmp_path / "long.png", 800, 1000, tmp_path / "profile"))
    assert found.page_right - found.page_left + 1 <= 620, found
    assert found.ink_outside_page == 0, found
