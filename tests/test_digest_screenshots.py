"""The sample digest (tests/digest_sample.py) in Chromium at 375 and 800 px, light and dark: every text
readable, nothing past the screen's edge, and the four screenshots docs/ shows.

The screenshots are written to a temporary directory; with WATCHER_UPDATE_SCREENSHOTS=1 to docs/ too
(docs/digest-375-light.png, ...). The sample's clock is fixed, so they change only when the digest does.
Skipped when Chromium is not installed (.ci/run installs it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import layout, measure, needs_chromium, phone_frame, screenshot, write_png
from tests.digest_sample import ENTITIES, FAILING, SAMPLE_NOW, SAMPLE_ZONE, sample, sample_volumes
from tests.test_digest_browser import assert_readable
from watcher.digest import build_digest, render_digest

pytestmark = needs_chromium
DOCS = Path(__file__).resolve().parent.parent / "docs"
UPDATE = os.environ.get("WATCHER_UPDATE_SCREENSHOTS") == "1"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = sample()
    model = build_digest(
        found.rows,
        timezone=SAMPLE_ZONE,
        now=SAMPLE_NOW,
        stories=found.stored(),
        entity_order=ENTITIES,
        volumes=sample_volumes(),
        failing_feeds=[FAILING],
    )
    path = tmp_path_factory.mktemp("sample") / "digest.html"
    path.write_text(render_digest(model, "watcher").html, encoding="utf-8")
    return path


@pytest.mark.parametrize("width", [375, 800])
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_screenshot(tmp_path: Path, page: Path, width: int, dark: bool) -> None:
    height = 2400
    if width < 500:  # the narrowest headless window is 500 px: a phone-sized frame inside it
        image = screenshot(
            phone_frame(page, width, height), tmp_path / "shot.png", 600, height, tmp_path / "p", dark=dark
        )
    else:
        image = screenshot(page, tmp_path / "shot.png", width, height, tmp_path / "p", dark=dark)
    found = layout(image, step=1, width=width, dark=dark)
    assert found.ink > 0.02, found
    assert found.ink_outside_page == 0, found  # nothing runs past the page's edges
    assert found.page_right < width - 1 and found.page_left > 0, found
    assert 600 < found.page_bottom < height - 40, found  # the whole digest is in the picture
    name = f"digest-{width}-{'dark' if dark else 'light'}.png"
    write_png(image, tmp_path / name, width=width, height=found.page_bottom + 16)
    if UPDATE:
        write_png(image, DOCS / name, width=width, height=found.page_bottom + 16)


@pytest.mark.parametrize("width", [375, 800])
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_text_is_readable(tmp_path: Path, page: Path, width: int, dark: bool) -> None:
    found = measure(page, tmp_path / "profile", width=width, dark=dark)
    assert_readable(found, width)
    classes = {text["cls"] for text in found["texts"]}
    # The sample draws every kind of text the template has: the check covers each colour pair.
    for kind in ("chip", "subject", "badge", "gist", "quote", "meta", "spike", "failing", "summary", "brand"):
        assert any(kind in cls.split() for cls in classes), (kind, classes)
    assert any(text["tag"] == "mark" for text in found["texts"])
    assert any(text["tag"] == "a" for text in found["texts"])
    assert any(text["tag"] == "h2" for text in found["texts"])
