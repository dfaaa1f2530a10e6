"""The systemd watchdog (issue 10 §3): pings on their own schedule while polling makes progress, however long a
poll tick lasts; none once the poller is wedged; `check-config` says which settings cannot work with it."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FeedServer, Route, rss, wait_until, watcher_log, write_config
from tests.held_routes import HeldRoutes
from watcher import health
from watcher.cli import main
from watcher.config import load_config
from watcher.daemon.service import Daemon


class NotifySocket:
    """What a process sends to $NOTIFY_SOCKET (an AF_UNIX datagram socket, as systemd's), with arrival times."""

    def __init__(self, path: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.1)
        self.received: list[tuple[float, str]] = []
        self.closed = False
        self.thread = threading.Thread(target=self._collect, daemon=True)
        self.thread.start()

    def _collect(self) -> None:
        while not self.closed:
            try:
                message = self.sock.recv(4096).decode()
            except TimeoutError:
                continue
            except OSError:
                return
            self.received.append((time.monotonic(), message))

    def times(self, message: str) -> list[float]:
        return [at for at, text in list(self.received) if message in text.split("\n")]

    def pings_since(self, moment: float) -> int:
        return sum(at > moment for at in self.times("WATCHDOG=1"))

    def close(self) -> None:
        self.closed = True
        self.thread.join(2)
        self.sock.close()


@contextmanager
def notify_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, watchdog_seconds: float) -> Iterator[NotifySocket]:
    path = tmp_path / "notify.sock"
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    monkeypatch.setenv("WATCHDOG_USEC", str(round(watchdog_seconds * 1_000_000)))
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    notify = NotifySocket(path)
    try:
        yield notify
    finally:
        notify.close()


def test_pings_keep_coming_through_a_poll_tick_longer_than_watchdogsec(
    tmp_path: Path,
    feed_server: FeedServer,
    start_daemon: Callable[[Path], subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three feeds one after the other, each answering in 3 s: a tick of ~9 s, progress only every 3 s, against
    WatchdogSec=1.5s. A healthy daemon, which systemd must not kill: a ping at least every 1.5 s throughout."""
    slow = {f"/slow/{index}.xml" for index in range(3)}
    feed_server.routes = HeldRoutes(slow, delay=3.0)
    for path in slow:
        feed_server.routes[path] = Route(body=rss({"title": "Xiaomi news", "link": f"http://example.com{path}"}))
    config = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url(path)} for path in sorted(slow)],
        poll={"concurrency": 1, "per_host": 1, "timeout": "30s"},
    )
    watchdog_seconds = 1.5
    with notify_socket(tmp_path, monkeypatch, watchdog_seconds) as notify:
        process = start_daemon(config)
        assert wait_until(lambda: bool(notify.times("READY=1")), 30), watcher_log(tmp_path)
        assert wait_until(lambda: "event=poll.done" in watcher_log(tmp_path), 30), watcher_log(tmp_path)
        done = time.monotonic()
        ready = notify.times("READY=1")[0]
        pings = [at for at in notify.times("WATCHDOG=1") if at <= done]
        process.terminate()
        assert process.wait(15) == 0
    assert done - ready > 2 * watchdog_seconds  # the tick outlasted WatchdogSec
    gaps = [later - earlier for earlier, later in zip([ready, *pings], [*pings, done], strict=True)]
    assert max(gaps) < watchdog_seconds, (gaps, watcher_log(tmp_path))
    assert "watchdog.no_progress" not in watcher_log(tmp_path)


def test_a_wedged_poller_stops_the_pings_and_progress_brings_them_back(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """In-process, with HEALTHY_WITHIN at 2 s instead of 10 minutes: a fetch that hangs (poll.timeout 60s) is
    a poller making no progress; once it has made none for HEALTHY_WITHIN the pings stop, so systemd restarts
    the service WatchdogSec later. When the feed answers (a 503: recorded as failed, which is progress),
    they resume."""
    feed_server.routes = HeldRoutes({"/stuck.xml"})
    feed_server.routes["/stuck.xml"] = Route(status=503, body=b"busy")
    config_path = write_config(tmp_path, feeds=[{"url": feed_server.url("/stuck.xml")}], poll={"timeout": "60s"})
    monkeypatch.setattr(health, "HEALTHY_WITHIN", 2.0)
    caplog.set_level(logging.INFO, logger="watcher")

    async def scenario(notify: NotifySocket) -> None:
        service = Daemon(config_path, load_config(config_path))
        running = asyncio.create_task(service.run())

        async def until(condition: Callable[[], bool], seconds: float) -> bool:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and not condition():
                await asyncio.sleep(0.05)
            return condition()

        try:
            assert await until(lambda: bool(feed_server.requests_to("/stuck.xml")), 20)
            assert await until(lambda: notify.pings_since(0) > 0, 5)  # healthy while the fetch is young
            assert await until(lambda: not service.healthy(), 5)
            silent_from = time.monotonic()
            await asyncio.sleep(1.0)  # three ping periods
            assert notify.pings_since(silent_from) == 0
            assert any(record.message == "watchdog.no_progress" for record in caplog.records)

            feed_server.routes.release.set()
            assert await until(service.healthy, 10)
            assert await until(lambda: notify.pings_since(silent_from + 1.0) > 0, 5)
        finally:
            feed_server.routes.release.set()
            service.stop_requested.set()
            assert await asyncio.wait_for(running, 30) == 0

    with notify_socket(tmp_path, monkeypatch, watchdog_seconds=0.6) as notify:
        asyncio.run(scenario(notify))


def test_watchdog_problems_name_the_settings_that_cannot_work(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, feeds=[]))
    assert health.watchdog_problems(config, 600.0) == []
    assert health.watchdog_problems(config, None) == []

    slow = config.model_copy(
        update={"poll": config.poll.model_copy(update={"timeout": timedelta(minutes=9), "tick": timedelta(minutes=15)})}
    )
    problems = health.watchdog_problems(slow, 600.0)
    assert len(problems) == 2
    assert problems[0].startswith("poll.tick: 15m") and "keep it under 10m" in problems[0]
    assert problems[1].startswith("poll.timeout: 9m") and "keep it under 8m" in problems[1]

    problems = health.watchdog_problems(config, 0.5)
    assert len(problems) == 1 and problems[0].startswith("WatchdogSec=0.5s")


def test_check_config_warns_about_settings_the_watchdog_cannot_work_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    config = write_config(tmp_path, feeds=[])
    result = CliRunner().invoke(main, ["--config", str(config), "check-config"])
    assert result.exit_code == 0 and "warning:" not in result.output, result.output

    config = write_config(tmp_path, feeds=[], poll={"timeout": "9m", "block_private_addresses": False})
    result = CliRunner().invoke(main, ["--config", str(config), "check-config"])
    assert result.exit_code == 0, result.output
    assert "warning: poll.timeout: 9m" in result.output

    monkeypatch.setenv("WATCHDOG_USEC", "500000")  # as systemd sets it for the service's processes
    result = CliRunner().invoke(main, ["--config", str(config), "check-config"])
    assert "warning: WatchdogSec=0.5s" in result.output, result.output


def test_the_shipped_units_watchdogsec_is_the_one_check_config_assumes() -> None:
    unit = (Path(__file__).resolve().parent.parent / "deploy" / "watcher.service").read_text()
    setting = next(line.split("=", 1)[1] for line in unit.splitlines() if line.startswith("WatchdogSec="))
    assert setting == "10min" and health.SHIPPED_WATCHDOG_SECONDS == 600.0
