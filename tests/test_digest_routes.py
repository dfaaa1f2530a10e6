"""Digest routes and the daily run through real servers: HTTP feed → poll → SQLite → digests → SMTP (aiosmtpd)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from tests.conftest import FeedServer, Route, SmtpServer, rss, write_config
from watcher.app import Watcher
from watcher.cli import main
from watcher.config import load_config

# The daily run and its day key are local dates around now; the feed's items are hours old.
pytestmark = pytest.mark.clock

ENTITIES: list[dict[str, Any]] = [
    {"name": "Xiaomi", "aliases": ["Xiaomi", "샤오미"], "tags": ["company", "tracked"]},
    {"name": "Mi Pay", "aliases": [{"text": "Mi Pay", "case_sensitive": True}], "tags": ["payments", "tracked"]},
    {"name": "Korea", "aliases": ["Korea*", "Corea*", "한국"], "exclude": ["Corea del Nord"], "tags": ["tracked"]},
]
MOBILE = {
    "name": "mobile",
    "recipients": ["mobile-team@example.com", "pm@example.com"],
    "entities": ["Xiaomi"],
    "tags": ["payments"],  # Mi Pay, by tag
    "subject": "watcher mobile",
}
KOREA = {"name": "korea", "recipients": ["korea-desk@example.com"], "entities": ["Korea"], "subject": "watcher korea"}
EVERYTHING = {"name": "all", "recipients": ["chief@example.com"], "tags": ["tracked"], "subject": "watcher all"}

BOTH = "Xiaomi pronta a sbarcare in Corea del Sud con Mi Pay"  # Xiaomi, Mi Pay and Korea
BAND = "Mi Band 10 ufficiale"  # Xiaomi only
SAMSUNG = "Samsung rafforza la presenza in Corea del Sud"  # Korea only
WALLET = "Mi Pay ora supporta le carte contactless"  # Mi Pay only


def feed() -> bytes:
    now = datetime.now(ZoneInfo("UTC"))

    def item(n: int, title: str, description: str) -> dict[str, str]:
        link = f"https://news.example.it/{n}"
        published = format_datetime(now - timedelta(hours=n))
        return {"title": title, "link": link, "guid": link, "pubDate": published, "description": description}

    return rss(
        item(1, BOTH, "<p>Xiaomi porterà Mi Pay in Corea del Sud entro marzo, con due distributori locali.</p>"),
        item(2, BAND, "<p>Xiaomi presenta la nuova Mi Band 10: schermo più grande, stesso prezzo.</p>"),
        item(3, SAMSUNG, "<p>Il gruppo di Seul consolida il mercato sudcoreano.</p>"),
        item(4, WALLET, "<p>Mi Pay si apre alle carte di altre banche.</p>"),
        item(5, "Fibra ottica, nuovi comuni collegati", "<p>Il piano nazionale avanza.</p>"),
    )


def invoke(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    return result.exit_code, result.output


def configure(tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpServer, routes: list[dict[str, Any]]) -> Path:
    feed_server.routes["/it.xml"] = Route(body=feed())
    return write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/it.xml"), "name": "TecnoNotizie"}],
        smtp_port=smtp_server.port,
        entities=ENTITIES,
        digest={"routes": routes},
    )


def plain_text(message: EmailMessage) -> str:
    plain, _ = message.get_payload()
    return plain.get_content().replace("\r\n", "\n")


def story_lines(text: str) -> dict[str, str]:
    """The plain-text part's stories: headline → the story's lines (gist, chips, link, quote, coverage)."""
    found = {}
    for block in re.split(r"^\* ", text, flags=re.MULTILINE)[1:]:
        block = block.split("\n\n== ")[0]
        headline = next(title for title in (BOTH, BAND, SAMSUNG, WALLET) if title in block)
        assert headline not in found, f"{headline} listed twice"
        found[headline] = block
    return found


def by_recipients(smtp_server: SmtpServer) -> dict[tuple[str, ...], EmailMessage]:
    found = {}
    for message in smtp_server.messages:
        to = tuple(sorted(address for _, address in getaddresses([message["To"]])))
        assert to not in found, f"two messages to {to}"
        found[to] = message
    return found


def test_each_route_gets_its_own_digest_of_its_own_entities(
    tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpServer
) -> None:
    config = configure(tmp_path, feed_server, smtp_server, [MOBILE, KOREA])
    code, output = invoke(config, "poll", "--once")
    assert code == 0 and "new matches: 6" in output, output

    code, output = invoke(config, "digest")
    assert code == 0, output
    assert "digest (mobile) sent: 4 matches" in output and "digest (korea) sent: 2 matches" in output
    assert len(smtp_server.messages) == 2
    messages = by_recipients(smtp_server)
    mobile = messages[("mobile-team@example.com", "pm@example.com")]
    korea = messages[("korea-desk@example.com",)]
    # The SMTP envelope goes to the route's recipients only.
    envelopes = sorted(sorted(recipients) for _, recipients in smtp_server.handler.envelopes)
    assert envelopes == [["korea-desk@example.com"], ["mobile-team@example.com", "pm@example.com"]]

    assert mobile["Subject"] == "watcher mobile: 3 new stories — Xiaomi 2, Mi Pay 2"
    mobile_stories = story_lines(plain_text(mobile))
    assert set(mobile_stories) == {BOTH, BAND, WALLET}  # each story once, whatever it names
    assert "[Xiaomi] [Mi Pay]\n" in mobile_stories[BOTH]  # chips: the route's entities only
    assert "[Korea]" not in plain_text(mobile) and "[Xiaomi]" in mobile_stories[BAND]
    assert SAMSUNG not in plain_text(mobile)

    assert korea["Subject"] == "watcher korea: 2 new stories — Korea 2"
    korea_stories = story_lines(plain_text(korea))
    assert set(korea_stories) == {BOTH, SAMSUNG}
    assert "[Korea]" in korea_stories[BOTH] and "[Xiaomi]" not in plain_text(korea)
    korea_html = korea.get_payload()[1].get_content()
    assert not re.search(r'class="(?:chip|subject)"[^>]*>(?:Xiaomi|Mi Pay)<', korea_html)
    assert re.search(r'class="(?:chip|subject)"[^>]*>Korea<', korea_html)

    # Each route had what it had not had: a second run sends nothing.
    code, output = invoke(config, "digest")
    assert code == 0, output
    assert "digest (mobile): nothing new, none sent" in output and "digest (korea): nothing new" in output
    assert len(smtp_server.messages) == 2


def test_an_overlapping_route_gets_every_match_once(
    tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpServer
) -> None:
    config = configure(tmp_path, feed_server, smtp_server, [MOBILE, KOREA, EVERYTHING])
    assert invoke(config, "poll", "--once")[0] == 0
    code, output = invoke(config, "digest")
    assert code == 0, output
    messages = by_recipients(smtp_server)
    assert len(messages) == 3

    everything = messages[("chief@example.com",)]
    assert everything["Subject"] == "watcher all: 4 new stories — Xiaomi 2, Mi Pay 2, Korea 2"
    text = plain_text(everything)
    found = story_lines(text)
    assert set(found) == {BOTH, BAND, SAMSUNG, WALLET}
    assert "[Xiaomi] [Mi Pay] [Korea]\n" in found[BOTH]
    # The story naming three entities is listed once (it used to be listed four times), its link once.
    for title in (BOTH, BAND, SAMSUNG, WALLET):
        assert text.count(title) == 1, title
    assert text.count("https://news.example.it/1\n") == 1
    # The other routes are unaffected by the overlap.
    assert "3 new stories" in messages[("mobile-team@example.com", "pm@example.com")]["Subject"]
    assert "2 new stories" in messages[("korea-desk@example.com",)]["Subject"]

    code, output = invoke(config, "digest")
    assert code == 0 and output.count("nothing new, none sent") == 3, output
    assert len(smtp_server.messages) == 3


def test_dry_run_and_preview_pick_a_route_and_claim_nothing(
    tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpServer
) -> None:
    config = configure(tmp_path, feed_server, smtp_server, [MOBILE, KOREA])
    assert invoke(config, "poll", "--once")[0] == 0
    code, output = invoke(config, "digest", "--dry-run", "--route", "korea")
    assert code == 0 and "Subject: watcher korea: 2 new stories" in output and BAND not in output
    page = tmp_path / "mobile.html"
    code, output = invoke(config, "digest", "--preview", str(page))  # the first route by default
    assert code == 0 and "watcher mobile" in output
    assert BAND in page.read_text(encoding="utf-8") and SAMSUNG not in page.read_text(encoding="utf-8")
    code, output = invoke(config, "digest", "--dry-run", "--route", "nope")
    assert code != 0 and "no route 'nope'" in output
    assert smtp_server.messages == []
    assert invoke(config, "digest")[0] == 0
    assert len(smtp_server.messages) == 2  # the previews claimed nothing


# --- the daily run and digest.empty --------------------------------------------------------------


def local_day() -> tuple[datetime, datetime, datetime]:
    """Morning and evening of today, and tomorrow morning, in the test config's zone (Europe/Rome)."""
    zone = ZoneInfo("Europe/Rome")
    morning = datetime.now(zone).replace(hour=8, minute=30, second=0, microsecond=0)
    return morning, morning.replace(hour=22), morning + timedelta(days=1)


def scheduled(config: Path, now: datetime) -> list[str]:
    watcher = Watcher.open(load_config(config))
    try:
        return [outcome.status for outcome in watcher.digest(now, scheduled=True)]
    finally:
        watcher.close()


def quiet_config(tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpServer, empty: str) -> Path:
    feed_server.routes["/it.xml"] = Route(body=rss({"title": "Nulla di nuovo", "link": "https://x.example/0"}))
    return write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/it.xml")}],
        smtp_port=smtp_server.port,
        entities=ENTITIES,
        digest={"empty": empty},
    )


def test_empty_send_mails_nothing_new_once_a_day(
    tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpServer
) -> None:
    config = quiet_config(tmp_path, feed_server, smtp_server, "send")
    assert invoke(config, "poll", "--once")[0] == 0
    morning, evening, tomorrow = local_day()

    assert scheduled(config, morning) == ["sent"]
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["Subject"] == "watcher: nothing new today"
    assert message["To"] == "analyst@example.com"
    assert "Nothing new since the last digest." in plain_text(message)

    # Later the same day, news arrives: the day's digest went already, so none goes now...
    feed_server.routes["/it.xml"] = Route(body=feed())
    assert invoke(config, "poll", "--once")[0] == 0
    assert scheduled(config, evening) == ["done-today"]
    assert scheduled(config, morning) == ["done-today"]
    assert len(smtp_server.messages) == 1
    # ... and tomorrow's carries it.
    assert scheduled(config, tomorrow) == ["sent"]
    assert len(smtp_server.messages) == 2
    assert "4 new stories" in smtp_server.messages[1]["Subject"]
    assert scheduled(config, tomorrow + timedelta(hours=3)) == ["done-today"]
    assert len(smtp_server.messages) == 2


def test_empty_skip_mails_nothing_and_still_closes_the_day(
    tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpServer
) -> None:
    config = quiet_config(tmp_path, feed_server, smtp_server, "skip")
    assert invoke(config, "poll", "--once")[0] == 0
    morning, evening, tomorrow = local_day()

    assert scheduled(config, morning) == ["nothing"]  # the day's run: nothing to say, day closed
    assert scheduled(config, evening) == ["done-today"]
    assert smtp_server.messages == []

    feed_server.routes["/it.xml"] = Route(body=feed())
    assert invoke(config, "poll", "--once")[0] == 0
    assert scheduled(config, evening) == ["done-today"]
    assert smtp_server.messages == []
    assert scheduled(config, tomorrow) == ["sent"]
    assert [m["Subject"] for m in smtp_server.messages] == ["watcher: 4 new stories — Xiaomi 2, Mi Pay 2, Korea 2"]


def test_unscheduled_digest_never_sends_nothing_new(
    tmp_path: Path, feed_server: FeedServer, smtp_server: SmtpServer
) -> None:
    config = quiet_config(tmp_path, feed_server, smtp_server, "send")
    assert invoke(config, "poll", "--once")[0] == 0
    code, output = invoke(config, "digest")
    assert code == 0 and "nothing new, none sent" in output
    assert smtp_server.messages == []
