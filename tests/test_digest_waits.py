"""What the day's digest waits for after a start (issue 10 §2): the feeds that were due then and that nobody
has polled since. A failed attempt counts as polled; disabled and removed feeds are not waited for."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import write_config
from watcher.clock import utcnow
from watcher.config import FeedConfig, load_config
from watcher.models import Feed
from watcher.store import Database, record_failure, record_success, sync_feeds
from watcher.store.digests import feeds_not_polled_since

pytestmark = pytest.mark.clock  # "due at the start" and DIGEST_WAIT_LIMIT are read on watcher's clock


def test_feeds_not_polled_since_a_start(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'watcher.db'}")
    db.upgrade()
    start = utcnow()
    names = ["ok", "failing", "gone", "removed", "later", "waiting"]
    with db.session() as session:
        sync_feeds(session, [FeedConfig(url=f"http://example.com/{name}.xml") for name in names], start)
    with db.session() as session:
        ids = {row.url.rsplit("/", 1)[1][:-4]: row.id for row in session.scalars(select(Feed))}
        assert feeds_not_polled_since(session, start) == len(names)

        after, hour = start + timedelta(seconds=5), timedelta(hours=1)
        record_success(session, ids["ok"], after, after + hour, etag=None, last_modified=None, body_hash=None)
        record_failure(session, ids["failing"], after, after + hour, "HTTP 503")  # tried: its failure is news
        record_failure(session, ids["gone"], start - hour, start - hour, "HTTP 410", disable=True)
        session.get_one(Feed, ids["removed"]).active = False
        session.get_one(Feed, ids["later"]).next_poll_at = start + hour  # not due at the start
    with db.session() as session:
        assert feeds_not_polled_since(session, start) == 1  # "waiting"
        record_success(session, ids["waiting"], start, start + hour, etag=None, last_modified=None, body_hash=None)
    with db.session() as session:
        assert feeds_not_polled_since(session, start) == 0
    db.dispose()


def test_the_daemon_waits_for_them_at_most_digest_wait_limit(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from watcher.app import Watcher
    from watcher.daemon.jobs import DIGEST_WAIT_LIMIT
    from watcher.daemon.service import Daemon

    config_path = write_config(tmp_path, feeds=[{"url": "http://127.0.0.1:9/never.xml"}])
    config = load_config(config_path)
    service = Daemon(config_path, config)
    service.watcher = Watcher.open(config)
    caplog.set_level(logging.INFO, logger="watcher")
    try:
        now = utcnow()
        service.started_at = now
        assert asyncio.run(service._polled_since_start(now)) is False  # the feed, due at the start, is unpolled
        assert [r.message for r in caplog.records].count("digest.waiting") == 1
        assert asyncio.run(service._polled_since_start(now + DIGEST_WAIT_LIMIT - timedelta(seconds=1))) is False
        assert [r.message for r in caplog.records].count("digest.waiting") == 1  # said once

        assert asyncio.run(service._polled_since_start(now + DIGEST_WAIT_LIMIT)) is True  # stuck: no longer waited for
        assert "digest.not_waiting" in [r.message for r in caplog.records]
        assert service.digest_ready and asyncio.run(service._polled_since_start(now)) is True
    finally:
        service.watcher.close()
