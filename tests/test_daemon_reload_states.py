"""A SIGHUP reloads config.yaml only while the daemon runs: one that arrives while it starts (its scheduler made,
its endpoint not yet up) is done once it runs, one that arrives while it stops is ignored with a log line; neither
crashes a job or loses the config in use. A daemon in this process, a real config file, real sockets and SQLite;
the signal is sent by the test at the moment it is about (the endpoint's start wrapped to send it first)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path

import pytest
import yaml

from tests.conftest import FeedServer, Route, free_port, rss, write_config
from tests.test_reload_rejected import events, healthz, replace_config, until
from watcher.config import load_config
from watcher.daemon.service import Daemon


@pytest.fixture
def feed(feed_server: FeedServer) -> str:
    feed_server.routes["/a.xml"] = Route(body=rss({"title": "Xiaomi news", "link": "https://news.example/a"}))
    return feed_server.url("/a.xml")


def test_a_sighup_while_the_endpoint_starts_is_done_once_running_and_moves_it(
    tmp_path: Path, feed: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    old_port, new_port = free_port(), free_port()
    path = write_config(tmp_path, feeds=[{"url": feed}], http={"listen": f"127.0.0.1:{old_port}"})
    started_with = load_config(path)
    edited = yaml.safe_load(path.read_text(encoding="utf-8"))
    replace_config(path, {**edited, "http": {"listen": f"127.0.0.1:{new_port}"}})  # before the daemon's start

    async def scenario() -> None:
        daemon = Daemon(path, started_with)  # opens with the older config; the file it watches is the new one
        start = daemon.http.start

        async def start_after_a_sighup(config: object) -> None:
            assert daemon.scheduler is not None  # the scheduler is up, the endpoint not yet
            os.kill(os.getpid(), signal.SIGHUP)
            # Let the reload run now if the daemon starts one (it must not): done, or put off.
            await until(lambda: daemon.reload_pending or bool(events(caplog, "config.reloaded")))
            await start(config)  # type: ignore[arg-type]

        daemon.http.start = start_after_a_sighup  # type: ignore[method-assign]
        running = asyncio.create_task(daemon.run())
        try:
            assert await until(lambda: bool(events(caplog, "config.reloaded"))), caplog.text
            assert daemon.config.http.address == ("127.0.0.1", new_port)
            assert (await healthz(new_port) or "").startswith("HTTP/1.1 200")
            assert await healthz(old_port) is None  # moved, not served at both
        finally:
            daemon.stop_requested.set()
            assert await asyncio.wait_for(running, 30) == 0

    asyncio.run(scenario())
    messages = [record.getMessage() for record in caplog.records]
    assert messages.index("daemon.started") < messages.index("config.reloaded"), messages
    assert messages.count("config.reloaded") == 1
    assert events(caplog, "job.crashed") == [], caplog.text


def test_a_sighup_while_the_daemon_stops_is_ignored_with_a_log_line(
    tmp_path: Path, feed: str, feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    path = write_config(tmp_path, feeds=[{"url": feed}])
    edited = yaml.safe_load(path.read_text(encoding="utf-8"))

    async def scenario() -> None:
        daemon = Daemon(path, load_config(path))
        running = asyncio.create_task(daemon.run())
        assert await until(lambda: bool(feed_server.requests_to("/a.xml")))
        in_use = daemon.config
        replace_config(path, {**edited, "entities": [*edited["entities"], {"name": "Samsung"}]})
        os.kill(os.getpid(), signal.SIGTERM)  # a stop, then a reload (`systemctl reload` racing a stop)
        os.kill(os.getpid(), signal.SIGHUP)
        assert await asyncio.wait_for(running, 30) == 0
        assert daemon.config is in_use

    asyncio.run(scenario())
    ignored = events(caplog, "config.reload_ignored")
    assert len(ignored) == 1 and ignored[0].fields == {"reason": "SIGHUP", "while": "stopping"}  # type: ignore[attr-defined]
    assert events(caplog, "config.reloaded") == [] and events(caplog, "job.crashed") == [], caplog.text
