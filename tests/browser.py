"""Headless Chromium for the digest tests: screenshots (PNG read and written with zlib, no Pillow) and
measurements taken in the page itself (computed colours, line boxes), in the light and the dark scheme.

Chromium is driven through its command line only (Playwright is not a dependency): `--screenshot` for
pictures, `--dump-dom` for measurements (a script appended to a copy of the page writes its findings into
the DOM). `--blink-settings=preferredColorScheme=0` makes `prefers-color-scheme: dark` match.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium; .ci/run does)"
)

# Seconds a Chromium run (start, layout, screenshot or DOM dump, exit) may take. ~1-3 s on a quiet machine; 90 s
# (the limit before) was reached under load, 2 cores shared by several test runs. Generous, as it costs a quick run
# nothing: a Chromium that hangs fails its test after this, killed with its children, the message saying so.
CHROMIUM_SECONDS = 300.0

PAGE_BACKGROUND = (0xF4, 0xF4, 0xF4)  # body and .outer in templates/digest.html.j2
PAGE = (0xFF, 0xFF, 0xFF)  # .page
DARK_BACKGROUND = (0x11, 0x11, 0x11)
DARK_PAGE = (0x1C, 0x1C, 0x1C)
MIN_WINDOW = 500  # headless Chromium's window is never narrower, whatever --window-size says


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


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def write_png(image: Image, path: Path, *, width: int | None = None, height: int | None = None) -> None:
    """The top-left `width` × `height` of `image` as an 8-bit palette PNG: its 256 commonest colours (98-99 %
    of a digest's pixels: backgrounds, text, chips), the rest drawn in the nearest of them (edges of glyphs).
    Half the size of the RGB PNG Chromium writes."""
    width, height = width or image.width, height or image.height
    c = image.channels
    rows = [image.rows[y][: width * c] for y in range(height)]
    counts: Counter[bytes] = Counter(row[x : x + 3] for row in rows for x in range(0, len(row), c))
    palette = [colour for colour, _ in counts.most_common(256)]
    index = {colour: number for number, colour in enumerate(palette)}
    for colour in counts:
        if colour not in index:
            index[colour] = min(
                range(len(palette)), key=lambda n: sum((a - b) ** 2 for a, b in zip(palette[n], colour, strict=True))
            )
    raw = bytearray()
    for row in rows:
        raw.append(0)  # no filter: indices do not predict one another
        raw += bytes(index[row[x : x + 3]] for x in range(0, len(row), c))
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"PLTE", b"".join(palette))
    path.write_bytes(data + _chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + _chunk(b"IEND", b""))


# --- what a screenshot shows ---------------------------------------------------------------------


@dataclass
class Layout:
    colours: int  # distinct colours among sampled pixels
    non_background: float  # share of sampled pixels that are not the page background
    ink: float  # share of sampled pixels that are neither background nor the page
    page_left: int  # bounding box of the page area
    page_right: int
    page_bottom: int
    ink_outside_page: int  # sampled pixels left or right of the page that are not background


def layout(image: Image, step: int = 3, width: int | None = None, *, dark: bool = False) -> Layout:
    """What the screenshot shows in its `width` leftmost columns (all by default), from every `step`th row."""
    background, page = (DARK_BACKGROUND, DARK_PAGE) if dark else (PAGE_BACKGROUND, PAGE)
    width = width or image.width
    counts: Counter[tuple[int, int, int]] = Counter()
    left, right, bottom = width, -1, -1
    rows = range(0, image.height, step)
    for y in rows:
        pixels = image.row_pixels(y)[:width]
        counts.update(pixels)
        spans = [x for x, pixel in enumerate(pixels) if pixel == page]
        if len(spans) > 50:  # a stretch of page, not a glyph pixel of the page's colour
            left, right, bottom = min(left, spans[0]), max(right, spans[-1]), y
    outside = 0
    for y in rows:
        pixels = image.row_pixels(y)[:width]
        outside += sum(1 for x, pixel in enumerate(pixels) if (x < left or x > right) and pixel != background)
    total = sum(counts.values())
    return Layout(
        colours=len(counts),
        non_background=1 - counts[background] / total,
        ink=1 - (counts[background] + counts[page]) / total,
        page_left=left,
        page_right=right,
        page_bottom=bottom,
        ink_outside_page=outside,
    )


# --- Chromium ------------------------------------------------------------------------------------


def _chromium(profile: Path, width: int, height: int, dark: bool, *args: str) -> subprocess.CompletedProcess[bytes]:
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
        *(["--blink-settings=preferredColorScheme=0"] if dark else []),
        *args,
    ]
    return _run_bounded(command, CHROMIUM_SECONDS)


def _run_bounded(command: list[str], seconds: float) -> subprocess.CompletedProcess[bytes]:
    """Run Chromium to its end, or fail the test after `seconds` saying so. Its own process group, killed whole on
    time-out: subprocess.run's timeout kills the browser alone, and the renderer and zygote it started hold its
    output pipes open, so the wait for their end that follows the kill had no bound of its own."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        try:
            _, stderr = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:  # an escapee of the group holds the pipes: its output is given up
            stderr = b""
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        pytest.fail(
            f"headless Chromium did not finish in {time.monotonic() - started:.0f} s (limit {seconds:g} s; load "
            f"{load:.1f}); killed. Command: {' '.join(command)}\nIts stderr, last lines:\n"
            + stderr.decode(errors="replace")[-2000:],
            pytrace=False,
        )
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def screenshot(html: Path, png: Path, width: int, height: int, profile: Path, *, dark: bool = False) -> Image:
    result = _chromium(profile, width, height, dark, f"--screenshot={png}", html.resolve().as_uri())
    assert result.returncode == 0 and png.exists(), result.stderr.decode(errors="replace")[-2000:]
    image = read_png(png)
    assert (image.width, image.height) == (width, height)
    return image


def phone_frame(page: Path, width: int, height: int) -> Path:
    """A page showing `page` in a `width` px frame, as a phone's mail app would (the window cannot be narrower
    than MIN_WINDOW)."""
    frame = page.with_name(f"{page.stem}-frame-{width}.html")
    frame.write_text(
        '<!DOCTYPE html><html><body style="margin:0;background:#000">'
        f'<iframe src="{page.name}" width="{width}" height="{height}" style="border:0;display:block"></iframe>'
        "</body></html>",
        encoding="utf-8",
    )
    return frame


# Runs in the page: every visible text's colour against the background it is drawn on (backgrounds composed
# from the root down), the WCAG contrast ratio of the two; Hangul words drawn on more than one line; overflow.
_MEASURE = r"""
(function () {
  function parse(c) {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(',').map(parseFloat);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  function over(top, bottom) {
    const a = top.a;
    const mix = (x, y) => x * a + y * (1 - a);
    return {r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a: 1};
  }
  function luminance(c) {
    const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  function backdrop(element) {
    const chain = [];
    for (let e = element; e; e = e.parentElement) chain.unshift(e);
    let colour = dark ? {r: 18, g: 18, b: 18, a: 1} : {r: 255, g: 255, b: 255, a: 1};
    for (const e of chain) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) colour = over(c, colour);
    }
    return colour;
  }
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (!node.textContent.trim() || element.id === 'measured' || element.tagName === 'SCRIPT') continue;
    if (!element.getClientRects().length) continue;  // not drawn (the preheader)
    const style = getComputedStyle(element);
    const back = backdrop(element);
    const fore = over(parse(style.color), back);
    const [hi, lo] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
    const holder = element.closest('[lang]');
    texts.push({text: node.textContent.trim().slice(0, 60), ratio: (hi + 0.05) / (lo + 0.05), colour: style.color,
                background: `rgb(${Math.round(back.r)}, ${Math.round(back.g)}, ${Math.round(back.b)})`,
                lang: holder ? holder.getAttribute('lang') : null, tag: element.tagName.toLowerCase(),
                cls: element.className || (element.parentElement && element.parentElement.className) || ''});
  }
  const broken = [];
  document.querySelectorAll('[lang|="ko"]').forEach(element => {
    const inner = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    while (inner.nextNode()) {
      const node = inner.currentNode;
      const words = /[\uac00-\ud7a3]+/g;
      let m;
      while ((m = words.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  });
  const out = document.createElement('pre');
  out.id = 'measured';
  out.textContent = JSON.stringify({dark: dark, width: document.documentElement.clientWidth,
    scrollWidth: document.body.scrollWidth, texts: texts, koreanBroken: broken});
  document.body.appendChild(out);
})();
"""


def measure(page: Path, profile: Path, *, width: int, dark: bool) -> dict[str, Any]:
    """Measurements of `page` laid out `width` px wide, in the dark or the light scheme."""
    html = page.read_text(encoding="utf-8")
    probe = page.with_name(f"{page.stem}-probe-{width}{'-dark' if dark else ''}.html")
    # The window is at least MIN_WINDOW wide; a narrower layout is the root element made that wide.
    narrow = f"<style>html {{ width: {width}px; }}</style>" if width < MIN_WINDOW else ""
    probe.write_text(html.replace("</body>", f"{narrow}<script>{_MEASURE}</script></body>"), encoding="utf-8")
    result = _chromium(profile, max(width, MIN_WINDOW), 2000, dark, "--dump-dom", probe.resolve().as_uri())
    found = re.search(r'<pre id="measured">(.*?)</pre>', result.stdout.decode("utf-8", errors="replace"), re.S)
    assert found, result.stderr.decode(errors="replace")[-2000:]
    data = json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
    assert data["dark"] is dark, "the colour scheme was not emulated"
    return data
