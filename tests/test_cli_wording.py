"""What the CLI prints reads right: times in the digest's zone with its name, publication times, plurals."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from tests.conftest import FeedServer, Route, ago, rfc822, rfc822_ago, rss, write_config
from watcher.cli import main

SEOUL = ZoneInfo("Asia/Seoul")
TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(?: [\w/+-]+)?")


def invoke(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    return result.exit_code, result.output


def seoul_config(tmp_path: Path, feed_server: FeedServer, *items: dict[str, str]) -> Path:
    feed_server.routes["/news.xml"] = Route(body=rss(*items))
    return write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/news.xml")}],
        entities=[{"name": "Xiaomi"}],
        digest={"timezone": "Asia/Seoul"},
    )


def in_seoul(moment: datetime) -> str:
    return f"{moment.astimezone(SEOUL):%Y-%m-%d %H:%M} Asia/Seoul"


def stored_time(tmp_path: Path, query: str) -> datetime:
    connection = sqlite3.connect(tmp_path / "state" / "watcher.db")
    try:
        (value,) = connection.execute(query).fetchone()
    finally:
        connection.close()
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


@pytest.mark.clock  # "today" is today on watcher's clock
def test_status_shows_every_time_in_the_digest_zone_and_counts_in_words(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    published = rfc822_ago(hours=2)
    config = seoul_config(
        tmp_path, feed_server, {"title": "Xiaomi in Seoul", "link": "http://e.com/1", "pubDate": published}
    )
    assert invoke(config, "poll", "--once")[0] == 0

    code, output = invoke(config, "status")
    assert code == 0, output
    assert "today:    1 new item, 1 match (Asia/Seoul)" in output
    assert "waiting:  1 match not yet in a digest" in output
    assert in_seoul(stored_time(tmp_path, "SELECT min(next_poll_at) FROM feeds")) in output
    assert "UTC" not in output
    assert all(found.endswith("Asia/Seoul") for found in TIME.findall(output)), output
    assert re.search(r"\b1 feeds\b|\b1 items\b|\b1 matches\b", output) is None

    code, output = invoke(config, "digest")
    assert code == 0 and "digest sent: 1 match →" in output, output
    code, output = invoke(config, "status")
    assert f"last {in_seoul(stored_time(tmp_path, 'SELECT max(sent_at) FROM digests'))} (sent)" in output, output
    assert "UTC" not in output


@pytest.mark.clock
def test_matches_show_the_publication_time_or_first_seen_marked(tmp_path: Path, feed_server: FeedServer) -> None:
    published = ago(hours=5).replace(second=0)
    config = seoul_config(
        tmp_path,
        feed_server,
        {"title": "Xiaomi dated", "link": "http://e.com/1", "pubDate": rfc822(published)},
        {"title": "Xiaomi undated", "link": "http://e.com/2"},
    )
    assert invoke(config, "poll", "--once")[0] == 0
    code, output = invoke(config, "matches")
    assert code == 0, output
    assert f"{in_seoul(published)}  Xiaomi: Xiaomi dated" in output
    seen = stored_time(tmp_path, "SELECT first_seen_at FROM items WHERE title = 'Xiaomi undated'")
    assert f"{in_seoul(seen)} (first seen, undated)  Xiaomi: Xiaomi undated" in output
    assert "UTC" not in output


def test_feeds_listing_shows_times_in_the_digest_zone(tmp_path: Path, feed_server: FeedServer) -> None:
    config = seoul_config(tmp_path, feed_server, {"title": "Xiaomi", "link": "http://e.com/1"})
    assert invoke(config, "poll", "--once")[0] == 0
    code, output = invoke(config, "feeds")
    assert code == 0, output
    assert in_seoul(stored_time(tmp_path, "SELECT last_success_at FROM feeds")) in output
    assert "items: 1;" in output and "UTC" not in output


def test_one_is_singular(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("entities:\n  - name: Xiaomi\n", encoding="utf-8")
    code, output = invoke(config, "check-config")
    assert code == 0 and "feeds: 0; entities: 1 (1 alias)" in output, output
    code, output = invoke(config, "entities", "add", "Samsung")
    assert code == 0 and "added entity 'Samsung' with 1 alias to" in output, output
    opml = tmp_path / "one.opml"
    opml.write_text('<opml version="2.0"><body><outline text="x" xmlUrl="https://example.com/rss"/></body></opml>')
    code, output = invoke(config, "feeds", "import", str(opml))
    assert code == 0 and f"imported 1 feed from {opml}; 0 already there" in output, output
