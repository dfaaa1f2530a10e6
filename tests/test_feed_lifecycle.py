"""A feed's life through the whole pipeline (CLI → poll → SQLite), when its server misbehaves.

Failures are recorded with their reason and backed off; stored items survive them untouched; 410,
redirects, Retry-After, changing GUIDs, back-catalogues, future dates and slow neighbours are handled
as the README says. Real HTTP servers on 127.0.0.1, a real SQLite file in tmp_path.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from tests.conftest import FeedServer, Route, founding_feed, rfc822, rss, write_config
from watcher.cli import main
from watcher.config import load_config
from watcher.models import Feed, Item, Match
from watcher.poll import poller
from watcher.store import Database

# Backoff, Retry-After, first_poll_alert_age, future dates and the failing-feeds footer: all measured from now.
pytestmark = pytest.mark.clock


def invoke(config: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def poll_once(config: Path) -> str:
    return invoke(config, "poll", "--once")


class Db:
    """Short looks into (and edits of) the database a config points at."""

    def __init__(self, config: Path) -> None:
        self.database = Database(load_config(config).database_url)

    def feed(self, url: str) -> Feed:
        with self.database.session() as session:
            return session.scalars(select(Feed).where(Feed.url == url)).one()

    def items(self) -> list[Item]:
        with self.database.session() as session:
            return list(session.scalars(select(Item).order_by(Item.id)))

    def match_count(self, *, suppressed: bool | None = None) -> int:
        query = select(func.count()).select_from(Match)
        if suppressed is not None:
            query = query.where(Match.suppressed == suppressed)
        with self.database.session() as session:
            return session.scalar(query) or 0

    def set_feed(self, url: str, **values: Any) -> None:
        with self.database.session() as session:
            session.execute(update(Feed).where(Feed.url == url).values(**values))


@pytest.fixture
def db_of() -> Iterator[Any]:
    opened: list[Db] = []

    def open_db(config: Path) -> Db:
        opened.append(Db(config))
        return opened[-1]

    yield open_db
    for db in opened:
        db.database.dispose()


# --- failures leave stored items alone --------------------------------------------------------------

# The founding feed is made in each test, not at import: its dates are relative to the clock the test runs on.
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>...</form></body></html>"


def bad_response(kind: str, feed: bytes) -> tuple[Route, str]:
    """A response that is no usable feed, and the reason watcher records for it."""
    return {
        "html-page": (Route(body=LOGIN_PAGE, headers={"Content-Type": "text/html"}), "not a feed: the server returned"),
        "truncated": (Route(body=feed[: feed.index(b"</item>") + 50]), "truncated document: it ends without </rss>"),
        "500": (
            Route(body=b"oops", status=500, headers={"Content-Type": "text/plain"}),
            "HTTP 500 Internal Server Error",
        ),
    }[kind]


@pytest.mark.parametrize("kind", ["html-page", "truncated", "500"])
def test_a_broken_response_is_recorded_and_changes_nothing_stored(
    tmp_path: Path, feed_server: FeedServer, db_of: Any, kind: str
) -> None:
    feed = founding_feed()
    route, reason = bad_response(kind, feed)
    url = feed_server.url("/feed")
    feed_server.routes["/feed"] = Route(body=feed)
    config = write_config(tmp_path, feeds=[{"url": url, "name": "TecnoNotizie"}])
    assert "new items: 3; new matches: 4" in poll_once(config)
    db = db_of(config)
    stored = [(item.id, item.identity, item.title, item.summary) for item in db.items()]

    feed_server.routes["/feed"] = route
    output = poll_once(config)
    assert "0 ok (0 unchanged), 1 failed" in output and f"failed: {url}: " in output and reason in output
    status = invoke(config, "feeds")
    assert "FAILING×1" in status and reason in status
    assert [(item.id, item.identity, item.title, item.summary) for item in db.items()] == stored
    assert db.match_count() == 4
    row = db.feed(url)
    assert row.consecutive_failures == 1 and reason in (row.last_error or "")

    # Back to normal, with one story more: that one is new, the others are not stored twice.
    new_item = b"<item><title>Xiaomi apre a Seoul</title><link>https://tecnonotizie.example.it/seoul/</link></item>"
    feed_server.routes["/feed"] = Route(body=feed.replace(b"<item>", new_item + b"<item>", 1))
    output = poll_once(config)
    assert "1 ok (0 unchanged), 0 failed; new items: 1" in output
    assert len(db.items()) == 4 and len({item.identity for item in db.items()}) == 4
    assert db.match_count() == 5
    row = db.feed(url)
    assert row.consecutive_failures == 0 and row.last_error is None
    assert "FAILING" not in invoke(config, "feeds")


def test_failures_back_off_exponentially_up_to_max_backoff(tmp_path: Path, feed_server: FeedServer, db_of: Any) -> None:
    url = feed_server.url("/feed")
    feed_server.routes["/feed"] = Route(body=b"down", status=503, headers={"Content-Type": "text/plain"})
    config = write_config(tmp_path, feeds=[{"url": url}], poll={"interval": "60s", "max_backoff": "300s"})
    db = db_of(config)
    delays = []
    for failures in range(1, 7):
        poll_once(config)
        row = db.feed(url)
        assert row.consecutive_failures == failures
        assert row.last_polled_at is not None
        delays.append((row.next_poll_at - row.last_polled_at).total_seconds())
    assert len(feed_server.requests_to("/feed")) == 6
    for failures, (delay, doubled) in enumerate(zip(delays, [60, 120, 240, 480, 960, 1920], strict=True), 1):
        expected = min(doubled, 300)
        assert expected * 0.9 - 1 <= delay <= expected * 1.1 + 1, (failures, delays)
        assert delay <= 300 + 1, delays  # jitter never takes it past poll.max_backoff
    assert "FAILING×6" in invoke(config, "feeds")


def test_a_feed_failing_for_years_still_backs_off(tmp_path: Path, feed_server: FeedServer, db_of: Any) -> None:
    url = feed_server.url("/feed")
    feed_server.routes["/feed"] = Route(body=b"down", status=500)
    config = write_config(tmp_path, feeds=[{"url": url}], poll={"interval": "60s", "max_backoff": "5m"})
    poll_once(config)
    db = db_of(config)
    db.set_feed(url, consecutive_failures=5000)  # 2**5000 seconds would overflow a float
    assert "1 failed" in poll_once(config)
    row = db.feed(url)
    assert row.consecutive_failures == 5001
    assert (row.next_poll_at - row.last_polled_at).total_seconds() <= 300 + 1


@pytest.mark.parametrize(
    ("status", "retry_after", "seconds"),
    [(429, "3600", 3600), (503, "date:7200", 7200)],
    ids=["429-seconds", "503-http-date"],
)
def test_retry_after_postpones_the_next_poll(
    tmp_path: Path, feed_server: FeedServer, db_of: Any, status: int, retry_after: str, seconds: int
) -> None:
    url = feed_server.url("/feed")
    if retry_after.startswith("date:"):
        retry_after = rfc822(datetime.now(UTC) + timedelta(seconds=int(retry_after[5:])))
    feed_server.routes["/feed"] = Route(body=b"slow down", status=status, headers={"Retry-After": retry_after})
    config = write_config(tmp_path, feeds=[{"url": url}], poll={"interval": "60s"})
    started = datetime.now(UTC)
    assert "1 failed" in poll_once(config)
    row = db_of(config).feed(url)
    assert row.next_poll_at >= started + timedelta(seconds=seconds - 10)
    assert row.next_poll_at <= datetime.now(UTC) + timedelta(seconds=seconds + 10)
    assert f"HTTP {status}" in (row.last_error or "")


# --- 410 and redirects ---------------------------------------------------------------------------------


def test_410_disables_the_feed_until_its_config_entry_changes(
    tmp_path: Path, feed_server: FeedServer, db_of: Any
) -> None:
    url = feed_server.url("/feed")
    feed_server.routes["/feed"] = Route(body=b"gone", status=410)
    config = write_config(tmp_path, feeds=[{"url": url}])
    output = poll_once(config)
    assert "1 failed" in output and "410" in output
    status = invoke(config, "feeds")
    assert "DISABLED" in status and "never (disabled)" in status
    assert db_of(config).feed(url).disabled_reason

    for _ in range(2):
        assert "feeds: 0 ok (0 unchanged), 0 failed" in poll_once(config)
    assert len(feed_server.requests_to("/feed")) == 1

    feed_server.routes["/feed"] = Route(body=founding_feed())
    write_config(tmp_path, feeds=[{"url": url, "name": "Back again"}])  # the entry changed: a fresh start
    assert "1 ok (0 unchanged), 0 failed; new items: 3" in poll_once(config)
    assert len(feed_server.requests_to("/feed")) == 2
    assert db_of(config).feed(url).disabled_reason is None
    assert "DISABLED" not in invoke(config, "feeds")


def test_a_permanent_redirect_seen_three_times_is_remembered(
    tmp_path: Path, feed_server: FeedServer, db_of: Any
) -> None:
    old, new = feed_server.url("/old"), feed_server.url("/new")
    feed_server.routes["/old"] = Route(status=301, headers={"Location": "/new"})
    feed_server.routes["/new"] = Route(body=founding_feed(), etag='"v1"')
    config = write_config(tmp_path, feeds=[{"url": old}])
    db = db_of(config)
    for polls in range(1, 4):
        poll_once(config)
        assert len(feed_server.requests_to("/old")) == polls
        assert db.feed(old).redirect_url == (new if polls == 3 else None)
    assert "moved permanently, now fetched from: " + new in invoke(config, "feeds")

    output = poll_once(config)
    assert "1 ok (1 unchanged)" in output
    assert len(feed_server.requests_to("/old")) == 3  # the 4th poll went straight to the new address
    assert len(feed_server.requests_to("/new")) == 4
    assert feed_server.requests_to("/new")[-1].headers.get("if-none-match") == '"v1"'
    assert len(db.items()) == 3


@pytest.mark.parametrize("status", [302, 307])
def test_a_temporary_redirect_is_never_remembered(
    tmp_path: Path, feed_server: FeedServer, db_of: Any, status: int
) -> None:
    old = feed_server.url("/old")
    feed_server.routes["/old"] = Route(status=status, headers={"Location": "/new"})
    feed_server.routes["/new"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": old}])
    for _ in range(4):
        poll_once(config)
    assert len(feed_server.requests_to("/old")) == 4
    row = db_of(config).feed(old)
    assert row.redirect_url is None and row.redirect_streak == 0


def test_a_redirect_to_an_impossible_port_fails_the_feed_not_the_pass(
    tmp_path: Path, feed_server: FeedServer, db_of: Any
) -> None:
    bad, good = feed_server.url("/bad"), feed_server.url("/good")
    feed_server.routes["/bad"] = Route(status=301, headers={"Location": "http://127.0.0.1:99999/feed"})
    feed_server.routes["/good"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": bad}, {"url": good}])
    output = poll_once(config)
    assert "1 ok (0 unchanged), 1 failed; new items: 3" in output
    assert "Port out of range" in (db_of(config).feed(bad).last_error or "")


def test_an_unexpected_error_in_one_feed_fails_that_feed_only(
    tmp_path: Path, feed_server: FeedServer, db_of: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad, good = feed_server.url("/bad"), feed_server.url("/good")
    feed_server.routes["/bad"] = Route(body=founding_feed())
    feed_server.routes["/good"] = Route(body=founding_feed())
    real_fetch = poller.fetch

    async def flaky_fetch(client: Any, url: str, **kwargs: Any) -> Any:
        if url == bad:
            raise RuntimeError("a bug nobody foresaw")
        return await real_fetch(client, url, **kwargs)

    monkeypatch.setattr(poller, "fetch", flaky_fetch)
    config = write_config(tmp_path, feeds=[{"url": bad}, {"url": good}])
    output = poll_once(config)
    assert "1 ok (0 unchanged), 1 failed; new items: 3" in output
    row = db_of(config).feed(bad)
    assert row.consecutive_failures == 1 and "RuntimeError: a bug nobody foresaw" in (row.last_error or "")
    assert row.lease_owner is None  # released: the next pass may take it


# --- identities, back-catalogues and dates ------------------------------------------------------------


def test_a_guid_moving_from_http_to_https_creates_no_second_item(
    tmp_path: Path, feed_server: FeedServer, db_of: Any
) -> None:
    url = feed_server.url("/feed")
    story = {"title": "Xiaomi apre in Corea del Sud", "description": "Xiaomi arriva a Seoul."}
    feed_server.routes["/feed"] = Route(
        body=rss({**story, "link": "http://example.com/story", "guid": "http://example.com/story"})
    )
    config = write_config(tmp_path, feeds=[{"url": url}])
    assert "new items: 1; new matches: 2" in poll_once(config)

    moved = "https://www.example.com/story/?utm_source=rss&utm_medium=feed"
    feed_server.routes["/feed"] = Route(body=rss({**story, "link": moved, "guid": "https://example.com/story"}))
    output = poll_once(config)
    assert "1 ok (0 unchanged), 0 failed; new items: 0; new matches: 0" in output
    db = db_of(config)
    assert len(db.items()) == 1 and db.match_count() == 2


def test_a_new_feeds_back_catalogue_is_stored_but_only_recent_news_is_mailed(
    tmp_path: Path, feed_server: FeedServer, db_of: Any
) -> None:
    now = datetime.now(UTC)
    feed_server.routes["/feed"] = Route(
        body=rss(
            {
                "title": "Xiaomi, old news",
                "link": "http://example.com/old",
                "pubDate": rfc822(now - timedelta(days=10)),
            },
            {
                "title": "Xiaomi, fresh news",
                "link": "http://example.com/new",
                "pubDate": rfc822(now - timedelta(hours=1)),
            },
        )
    )
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/feed")}])
    assert "new items: 2" in poll_once(config)
    db = db_of(config)
    assert sorted(item.title for item in db.items()) == ["Xiaomi, fresh news", "Xiaomi, old news"]
    assert db.match_count(suppressed=True) == 1 and db.match_count(suppressed=False) == 1

    preview = invoke(config, "digest", "--dry-run")
    assert "Subject: watcher: 1 new story — Xiaomi 1" in preview
    assert "Xiaomi, fresh news" in preview and "old news" not in preview


def test_a_future_date_is_clamped_to_the_time_first_seen(tmp_path: Path, feed_server: FeedServer, db_of: Any) -> None:
    now = datetime.now(UTC)
    feed_server.routes["/feed"] = Route(
        body=rss(
            {"title": "From the future", "link": "http://example.com/f", "pubDate": rfc822(now + timedelta(days=30))},
            {"title": "From the past", "link": "http://example.com/p", "pubDate": rfc822(now - timedelta(hours=2))},
        )
    )
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/feed")}])
    poll_once(config)
    items = {item.title: item for item in db_of(config).items()}
    future, past = items["From the future"], items["From the past"]
    assert future.published_at == future.first_seen_at
    assert abs(future.first_seen_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert abs(past.published_at - (now - timedelta(hours=2))) < timedelta(seconds=2)


# --- neighbours -----------------------------------------------------------------------------------------


class TimedServer:
    """Serves one feed body per path after a per-path delay, noting when each request came and went."""

    def __init__(self, bodies: dict[str, bytes], delays: dict[str, float]) -> None:
        self.arrived: dict[str, float] = {}
        self.answered: dict[str, float] = {}
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.arrived[self.path] = time.monotonic()
                server.stop.wait(delays.get(self.path, 0.0))
                body = bodies.get(self.path, b"")
                self.send_response(200 if self.path in bodies else 404)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                server.answered[self.path] = time.monotonic()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_slow_feed_does_not_hold_up_a_fast_one(tmp_path: Path, db_of: Any) -> None:
    server = TimedServer(
        {"/slow": rss({"title": "Slow", "link": "http://example.com/s"}), "/fast": founding_feed()}, {"/slow": 3.0}
    )
    try:
        slow, fast = server.url("/slow"), server.url("/fast")
        config = write_config(tmp_path, feeds=[{"url": slow}, {"url": fast}], poll={"concurrency": 2})
        output = poll_once(config)
        assert "2 ok (0 unchanged), 0 failed; new items: 4" in output
        # The fast feed was asked for while the slow one was still thinking, and answered long before it.
        assert server.arrived["/fast"] < server.answered["/slow"] - 2.0
        assert server.answered["/fast"] < server.answered["/slow"] - 2.0
        db = db_of(config)
        fast_done, slow_done = db.feed(fast).last_success_at, db.feed(slow).last_success_at
        assert fast_done is not None and slow_done is not None
        assert slow_done - fast_done > timedelta(seconds=2)  # stored as soon as it came, not after the slow one
    finally:
        server.close()


def test_a_feed_failing_for_a_day_is_named_in_the_digest_footer(
    tmp_path: Path, feed_server: FeedServer, db_of: Any
) -> None:
    good, flaky = feed_server.url("/good"), feed_server.url("/flaky")
    feed_server.routes["/good"] = Route(body=founding_feed())
    feed_server.routes["/flaky"] = Route(body=rss({"title": "Nothing to see", "link": "http://example.com/n"}))
    config = write_config(tmp_path, feeds=[{"url": good}, {"url": flaky, "name": "Flaky Feed"}])
    poll_once(config)
    feed_server.routes["/flaky"] = Route(body=b"oops", status=500)
    poll_once(config)

    preview = invoke(config, "digest", "--dry-run")
    assert "Xiaomi" in preview and "Feeds failing" not in preview  # failing, but for minutes only

    db_of(config).set_feed(flaky, last_success_at=datetime.now(UTC) - timedelta(hours=25))
    preview = invoke(config, "digest", "--dry-run")
    footer = preview.split("-- Feeds failing:", 1)[1]
    assert "Flaky Feed (FAILING×1): HTTP 500 Internal Server Error" in footer
    assert good not in footer and "Test feed" not in footer  # the healthy feed is not named
