"""Commands that show what is stored never write: not the config's new feeds and entities, not a backfill."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FeedServer, Route, rfc822_ago, rss, write_config
from watcher.cli import main

READ_ONLY = [
    ["status"],
    ["matches"],
    ["matches", "-e", "Samsung"],
    ["matches", "-e", "Xiaomi", "-n", "1"],
    ["feeds"],
    ["digest", "--dry-run"],
    ["digest", "--preview", "{tmp}/preview.html"],
]


def invoke(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    return result.exit_code, result.output


def snapshot(database: Path) -> list[str]:
    """Every row of every table, as SQL text."""
    connection = sqlite3.connect(database)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def news() -> bytes:
    return rss(
        {"title": "Xiaomi e Samsung in Corea", "link": "http://example.com/1", "pubDate": rfc822_ago(hours=1)},
        {"title": "Samsung apre a Milano", "link": "http://example.com/2", "pubDate": rfc822_ago(hours=2)},
    )


@pytest.fixture
def polled(tmp_path: Path, feed_server: FeedServer) -> Path:
    """A config polled once; then, in config.yaml only, a new entity (Samsung) and a new feed."""
    feed_server.routes["/news.xml"] = Route(body=news())
    feed_server.routes["/more.xml"] = Route(body=news())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/news.xml")}])
    code, output = invoke(config, "poll", "--once")
    assert code == 0 and "new matches: 2" in output, output
    code, output = invoke(config, "entities", "add", "Samsung")
    assert code == 0, output
    code, output = invoke(config, "feeds", "add", feed_server.url("/more.xml"))
    assert code == 0, output
    return config


@pytest.mark.clock  # the poll stores recent items
@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_a_read_command_writes_nothing(polled: Path, tmp_path: Path, args: list[str]) -> None:
    database = tmp_path / "state" / "watcher.db"
    before = snapshot(database)
    assert any("Samsung" in line for line in before)  # stored items mention it...
    assert not any("'Samsung'" in line and 'INSERT INTO "entities"' in line for line in before)
    code, output = invoke(polled, *(arg.format(tmp=tmp_path) for arg in args))
    assert code == 0, output
    assert snapshot(database) == before  # ...but no read command syncs the entity or backfills it


@pytest.mark.clock
def test_matches_of_an_entity_not_yet_backfilled_say_so(polled: Path) -> None:
    code, output = invoke(polled, "matches", "-e", "Samsung")
    assert code == 0, output
    assert "Samsung" in output and "not in the database yet" in output and "watcher backfill" in output


@pytest.mark.clock
def test_matches_of_an_unknown_entity_is_an_error(polled: Path) -> None:
    code, output = invoke(polled, "matches", "-e", "Samsnug")
    assert code == 2
    assert "no such entity" in output and "Samsnug" in output and "Samsung" in output  # the known names


@pytest.mark.clock
def test_matches_takes_the_entity_name_in_any_case(polled: Path) -> None:
    code, output = invoke(polled, "matches", "-e", "xiaomi")
    assert code == 0, output
    assert "Xiaomi: Xiaomi e Samsung in Corea" in output


@pytest.mark.parametrize("args", [args for args in READ_ONLY if "Samsung" not in args], ids=" ".join)
def test_a_read_command_before_any_poll_creates_no_database(tmp_path: Path, args: list[str]) -> None:
    config = write_config(tmp_path, feeds=[{"url": "http://127.0.0.1:9/feed.xml"}])
    code, output = invoke(config, *(arg.format(tmp=tmp_path) for arg in args))
    assert code == 1, output
    assert "no database yet" in output and "watcher poll --once" in output
    assert not (tmp_path / "state").exists()
