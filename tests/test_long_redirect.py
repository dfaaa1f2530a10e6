"""A permanent redirect to a URL longer than the feeds table can hold is followed, never remembered.

PostgreSQL enforces the column's width: remembering such a target failed the poll's write and, since
that write happens outside one feed's error handling, the whole polling pass.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.conftest import FeedServer, Route, rss, write_config
from watcher.cli import main
from watcher.config import load_config
from watcher.models import Feed, Item
from watcher.store import Database

LONG_PATH = "/moved/" + "a" * 2100  # the target URL is longer than Feed.redirect_url's 2048


def test_a_redirect_too_long_to_store_is_followed_and_never_remembered(
    tmp_path: Path, feed_server: FeedServer, database_overrides: dict[str, str]
) -> None:
    feed_server.routes["/old"] = Route(status=301, headers={"Location": LONG_PATH})
    feed_server.routes[LONG_PATH] = Route(body=rss({"title": "Xiaomi moved", "link": "https://news.example/m"}))
    feed_server.routes["/other"] = Route(body=rss({"title": "Xiaomi other", "link": "https://news.example/o"}))
    config = write_config(
        tmp_path, feeds=[{"url": feed_server.url("/old")}, {"url": feed_server.url("/other")}], **database_overrides
    )
    for _ in range(4):  # more than poll.redirect_after (3) polls in a row
        result = CliRunner().invoke(main, ["--config", str(config), "poll", "--once"])
        assert result.exit_code == 0, result.output
        assert "2 ok" in result.output and "0 failed" in result.output
    assert len(feed_server.requests_to("/old")) == 4  # still asked first: the target was never remembered
    db = Database(load_config(config).database_url)
    try:
        with db.session() as session:
            feed = session.query(Feed).filter(Feed.url == feed_server.url("/old")).one()
            assert feed.redirect_url is None and feed.redirect_candidate is None
            assert sorted(item.title for item in session.query(Item)) == ["Xiaomi moved", "Xiaomi other"]
    finally:
        db.dispose()
