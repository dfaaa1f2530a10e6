"""`watcher run` as a real process: it starts, polls, sends the day's digest once, reloads, stops on SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import (
    FOUNDING_LINK,
    FeedServer,
    Route,
    SmtpServer,
    WatcherProcesses,
    founding_feed,
    free_port,
    process_group_members,
    rss,
    wait_until,
    watcher_log,
    write_config,
)
from watcher.clock import OFFSET_ENV

WAIT_SECONDS = 20.0

# The daemon schedules on the clock: the catch-up digest, the day's key, first_poll_alert_age.
pytestmark = pytest.mark.clock


def wait_for(condition: Callable[[], bool], seconds: float = WAIT_SECONDS, step: float = 0.1) -> bool:
    return wait_until(condition, seconds, step)


def test_daemon_polls_mails_once_and_exits_0_on_sigterm(
    tmp_path: Path,
    feed_server: FeedServer,
    smtp_server: SmtpServer,
    start_daemon: Callable[[Path], subprocess.Popen[bytes]],
) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    # A digest time of 00:00 is always past: the catch-up check sends today's digest right after start.
    config = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/it.xml")}],
        smtp_port=smtp_server.port,
        digest={"time": "00:00", "timezone": "UTC"},
    )
    process = start_daemon(config)

    assert wait_for(lambda: bool(feed_server.requests_to("/it.xml"))), watcher_log(tmp_path)
    assert wait_for(lambda: "feed.ok" in watcher_log(tmp_path)), watcher_log(tmp_path)

    # Overdue today: sent right after the first poll, with what it found; and only once.
    assert wait_for(lambda: len(smtp_server.messages) == 1), watcher_log(tmp_path)
    assert FOUNDING_LINK in smtp_server.messages[0].get_body(("plain",)).get_content()
    time.sleep(3)  # several more poll ticks (tick: 1s)
    assert len(smtp_server.messages) == 1

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0
    log = watcher_log(tmp_path)
    assert "event=daemon.started" in log and "event=daemon.stopped" in log
    assert ("clock_offset=" in log) == bool(os.environ.get(OFFSET_ENV))  # set by --clock-shift runs
    assert "Traceback" not in log


def test_daemon_reloads_config_and_keeps_last_good_one(
    tmp_path: Path, feed_server: FeedServer, start_daemon: Callable[[Path], subprocess.Popen[bytes]]
) -> None:
    feed_server.routes["/a.xml"] = Route(body=rss({"title": "Xiaomi news", "link": "http://example.com/a"}))
    feed_server.routes["/b.xml"] = Route(body=rss({"title": "Samsung news", "link": "http://example.com/b"}))
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/a.xml")}])
    process = start_daemon(config)
    assert wait_for(lambda: bool(feed_server.requests_to("/a.xml"))), watcher_log(tmp_path)

    # A broken edit is rejected with the field named; the daemon keeps running on the old config.
    data = yaml.safe_load(config.read_text())
    config.write_text(config.read_text().replace("timezone: Europe/Rome", "timezone: Europe/Atlantis"))
    assert wait_for(lambda: "config.rejected" in watcher_log(tmp_path)), watcher_log(tmp_path)
    assert "digest.timezone" in watcher_log(tmp_path) and process.poll() is None

    # A good edit (written to a new file and renamed over, as editors do) is applied at once.
    data["feeds"].append({"url": feed_server.url("/b.xml")})
    replacement = tmp_path / "config.yaml.new"
    replacement.write_text(yaml.safe_dump(data, allow_unicode=True))
    os.replace(replacement, config)
    assert wait_for(lambda: bool(feed_server.requests_to("/b.xml"))), watcher_log(tmp_path)
    assert "config.reloaded" in watcher_log(tmp_path)

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0


def test_daemon_speaks_the_systemd_notify_protocol(
    tmp_path: Path,
    feed_server: FeedServer,
    start_daemon: Callable[[Path], subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    feed_server.routes["/a.xml"] = Route(body=rss({"title": "Xiaomi news", "link": "http://example.com/a"}))
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/a.xml")}])
    address = str(tmp_path / "notify.sock")
    received: list[str] = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(address)
        sock.settimeout(0.2)
        monkeypatch.setenv("NOTIFY_SOCKET", address)
        monkeypatch.setenv("WATCHDOG_USEC", "1500000")  # 1.5 s: pings every 0.5 s while polling progresses

        def collect() -> None:
            with contextlib.suppress(TimeoutError):
                received.append(sock.recv(4096).decode())

        process = start_daemon(config)
        assert wait_for(lambda: collect() or any("READY=1" in m for m in received)), watcher_log(tmp_path)
        assert wait_for(lambda: collect() or any(m == "WATCHDOG=1" for m in received)), received
        process.send_signal(signal.SIGTERM)
        assert wait_for(lambda: collect() or any("STOPPING=1" in m for m in received)), received
        assert process.wait(timeout=15) == 0


def test_metrics_and_healthz_over_http(
    tmp_path: Path, feed_server: FeedServer, start_daemon: Callable[[Path], subprocess.Popen[bytes]]
) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    feed_server.routes["/down.xml"] = Route(status=503, body=b"busy", headers={"Retry-After": "120"})
    port = free_port()
    config = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/it.xml")}, {"url": feed_server.url("/down.xml")}],
        http={"listen": f"127.0.0.1:{port}"},
    )
    process = start_daemon(config)

    def scrape(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
                return response.status, response.read().decode()
        except OSError:
            return 0, ""

    def polled() -> bool:
        status, body = scrape("/metrics")
        return status == 200 and 'watcher_feed_polls_total{result="failed"} 1.0' in body

    assert wait_for(polled), watcher_log(tmp_path)
    _, body = scrape("/metrics")
    assert 'watcher_feed_polls_total{result="ok"} 1.0' in body
    assert "watcher_items_total 3.0" in body and "watcher_matches_total 4.0" in body
    assert "watcher_feed_poll_seconds_count 2.0" in body
    assert scrape("/healthz") == (200, "ok\n")
    assert scrape("/nope")[0] == 0  # 404 raises in urllib: anything but 200
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


def test_under_the_console_script_parse_workers_do_not_load_the_cli(
    tmp_path: Path, feed_server: FeedServer, watcher_processes: WatcherProcesses
) -> None:
    """systemd runs the `watcher` script; multiprocessing re-runs it in every parse worker (as __mp_main__).
    The script must import nothing heavy then: the workers keep whatever it imported for months."""
    script = Path(sys.executable).parent / "watcher"
    if not script.exists():
        pytest.skip("the watcher console script is not installed beside this Python (pip install -e .)")
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    log = (tmp_path / "script.log").open("wb")
    process = subprocess.Popen(
        [str(script), "--config", str(config), "run"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        assert wait_for(lambda: "feed.ok" in (tmp_path / "script.log").read_text()), (
            tmp_path / "script.log"
        ).read_text()
        workers = [pid for pid in process_group_members(process.pid) if _is_parse_worker(pid, process.pid)]
        assert workers, "no parse worker found"
        for pid in workers:
            maps = Path(f"/proc/{pid}/maps").read_text()
            assert "lxml" in maps  # a parse worker indeed: it has parsed the feed
            assert "pydantic_core" not in maps and "_yaml" not in maps, f"worker {pid} loaded the CLI's imports"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
        log.close()


def _is_parse_worker(pid: int, daemon: int) -> bool:
    with contextlib.suppress(OSError):
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        return (
            pid != daemon
            and b"multiprocessing" in command  # spawn's (parse workers) or forkserver's (article extraction)
            and b"lxml" in Path(f"/proc/{pid}/maps").read_bytes()
        )
    return False


def test_a_changed_http_listen_moves_the_endpoint_without_a_restart(
    tmp_path: Path, feed_server: FeedServer, start_daemon: Callable[[Path], subprocess.Popen[bytes]]
) -> None:
    import socket

    def health(port: int) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code  # 503 before the first poll: still served
        except OSError:
            return 0

    feed_server.routes["/a.xml"] = Route(body=rss({"title": "Xiaomi news", "link": "http://example.com/a"}))
    first, second = free_port(), free_port()
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/a.xml")}], http={"listen": f"127.0.0.1:{first}"})
    process = start_daemon(config)
    assert wait_for(lambda: health(first) == 200), watcher_log(tmp_path)

    config.write_text(config.read_text().replace(f"127.0.0.1:{first}", f"127.0.0.1:{second}"))
    assert wait_for(lambda: health(second) == 200), watcher_log(tmp_path)
    assert health(first) == 0

    # An address already taken: the endpoint stays where it is, and the log says why.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        config.write_text(config.read_text().replace(f"127.0.0.1:{second}", f"127.0.0.1:{busy}"))
        assert wait_for(lambda: "http.bind_failed" in watcher_log(tmp_path)), watcher_log(tmp_path)
        assert health(second) == 200 and process.poll() is None
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0
