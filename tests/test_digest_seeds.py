"""`make once` on the shipped config and seeds/: the digest a new user first sees, analysed for real.

The seeds' Italian, Korean and Russian reports of Xiaomi entering South Korea are one story, shown once with
its gist; stories without events are "also mentioned"; each entity has its trend; the mail is small.
"""

from __future__ import annotations

import email
import email.policy
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from watcher.cli import main

ROOT = Path(__file__).resolve().parent.parent
# The seeds carry fixed dates (November 2026) and first_poll_alert_age 3650d: they are mailed whatever the
# day; with the clock a year behind they lie in the future and their ages still read.
pytestmark = pytest.mark.clock

ITALIAN_LINK = "https://tecnonotizie.example.it/2026/11/xiaomi-corea-del-sud-mi-pay/"
RUSSIAN_LINK = "https://mirtech.example.ru/news/2026/11/23/syaomi-yuzhnaya-koreya/"
KOREAN_LINK = "https://news.techgyeongje.example.kr/article/20261123-0142"


@pytest.fixture(scope="module")
def outbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped config.yaml and seeds/ in a fresh directory, run once (what `make once` does)."""
    here = tmp_path_factory.mktemp("once")
    shutil.copy(ROOT / "config.yaml", here / "config.yaml")
    shutil.copytree(ROOT / "seeds", here / "seeds")
    result = CliRunner().invoke(main, ["--config", str(here / "config.yaml"), "run", "--once"])
    assert result.exit_code == 0 and "digest sent: 11 matches" in result.output, result.output
    return here / "state" / "outbox"


def parts(outbox: Path) -> tuple[str, str, str]:
    (eml,) = outbox.glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return str(message["Subject"]), text, html


def test_the_founding_story_is_one_story_in_three_languages_with_its_gist(outbox: Path) -> None:
    subject, text, html = parts(outbox)
    assert subject == "watcher: 5 new stories — Xiaomi 3, Korea 3, Mi Pay 1"  # 7 reports, 11 matches
    stories = text.split("\n* ")[1:]
    founding = [story for story in stories if KOREAN_LINK in story or ITALIAN_LINK in story or RUSSIAN_LINK in story]
    assert len(founding) == 1, founding  # the Italian, Korean and Russian reports: one story, once
    story = founding[0]
    assert story.startswith("Xiaomi · market entry · South Korea · partnership · patent\n")
    assert "[Xiaomi] [Korea] [Mi Pay]" in story
    assert "3 outlets, 3 languages, first: 테크경제신문 (KO)" in story
    headline = story.splitlines()[2].strip()
    quote = story.split("“")[1].split("”")[0].replace("\n   ", " ")
    assert quote.replace("»", "").replace("«", "") != headline and "»" in quote  # the evidence, marked
    for link in (ITALIAN_LINK, RUSSIAN_LINK, KOREAN_LINK):
        assert text.count(link) == 1 and html.count(f'href="{link}"') == 1, link
    assert re.search(r" · (\d+ d ago|just now \(\d+ Nov \d{4}\))\n", story), story  # its age
    assert html.count("Xiaomi · market entry · South Korea · partnership · patent") == 2  # preheader and body


def test_stories_without_events_are_also_mentioned_and_each_entity_has_its_trend(outbox: Path) -> None:
    _, text, html = parts(outbox)
    events, rest = text.split("== Also mentioned ==")
    also, trend = rest.split("== 30-day trend")
    assert "Samsung and LG tighten grip on South Korea" in also and "삼성전자, 평택 반도체 라인" in also
    assert "Xiaomi beats third-quarter forecasts" in events and "Mi Band 10 ufficiale" in events
    assert events.index("South Korea · partnership") < events.index("Xiaomi · earnings")  # a market entry first
    for entity in ("Xiaomi", "Korea", "Mi Pay"):
        assert re.search(rf"^{entity}: \d stor(y|ies) · \d reports? in the last 24 h", trend, flags=re.MULTILINE)
    assert len(html.encode()) < 30_000
    assert 'lang="ko"' in html and 'lang="it"' in html and 'lang="en"' in html and "keep-all" in html
    assert "mention" not in html.replace("Also mentioned", "") and "mention" not in text.replace("Also mentioned", "")
