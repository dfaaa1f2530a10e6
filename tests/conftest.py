"""Real parts for tests: an HTTP server serving feeds on 127.0.0.1, an aiosmtpd SMTP server, config files."""

from __future__ import annotations

import contextlib
import email
import email.policy
import functools
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from aiosmtpd.controller import Controller

from tests.pg import database, database_overrides, pg_url  # noqa: F401 - the engines' fixtures, for every test module
from tests.web_daemon import browser  # noqa: F401 - headless Chromium through Playwright, for every test module
from watcher.clock import OFFSET_ENV, utcnow

ROOT = Path(__file__).resolve().parent.parent

# Only loopback: tests/loopback/loopback_guard.py refuses other names and addresses, in this process and, through
# PYTHONPATH, in every Python process a test starts (watcher daemons, pytest-xdist workers).
LOOPBACK_GUARD = Path(__file__).resolve().parent / "loopback"
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(LOOPBACK_GUARD), os.environ.get("PYTHONPATH")]))
if str(LOOPBACK_GUARD) not in sys.path:
    sys.path.insert(0, str(LOOPBACK_GUARD))
import loopback_guard  # noqa: E402, F401 - the guard in this process too (it started before the path was set)

SEED_ARTICLE = Path(__file__).resolve().parent / "data" / "xiaomi-korea.it.txt"  # from ../shared/seed
DATA = Path(__file__).resolve().parent / "data"


# --- the clock -----------------------------------------------------------------------------------
# No test may depend on the day it runs: dates in test feeds are relative to now (ago, rfc822_ago), or a
# test passes its own fixed `now` to a pure function. `--clock-shift=DAYS` proves it: this process's
# clock is moved with time-machine and every watcher subprocess gets WATCHER_CLOCK_OFFSET.

CLOCK_SHIFT_ENV = "WATCHER_TEST_CLOCK_SHIFT_DAYS"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-shift",
        type=float,
        default=None,
        metavar="DAYS",
        help=f"run with the clock moved DAYS days ahead (negative: back); default ${CLOCK_SHIFT_ENV} or 0",
    )


def clock_shift(config: pytest.Config) -> timedelta:
    days = config.getoption("--clock-shift")
    if days is None:
        raw = os.environ.get(CLOCK_SHIFT_ENV, "").strip()
        try:
            days = float(raw or 0)
        except ValueError:
            raise pytest.UsageError(f"{CLOCK_SHIFT_ENV}={raw!r}: a number of days, e.g. 365 or -365") from None
    return timedelta(days=days)


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get(OFFSET_ENV, "").strip():
        # It would shift watcher's clock in this process but not datetime.now: two clocks a test compares.
        raise pytest.UsageError(f"{OFFSET_ENV} is set: unset it; move the tests' clock with --clock-shift=DAYS")


# --- running in parallel (pytest-xdist: `make test` runs `pytest -n 2 --dist loadgroup`) ------------------
# Each test goes to whichever worker is free, but for the modules whose tests share something: those run whole on
# one worker, in file order. Found by their module-scoped fixtures (the feedparser corpus fetched once, the seeds
# run once: built once, not once per worker), or listed below. (xdist's own loadgroup reads xdist_group marks
# from node ids, which pytest 9.2 no longer lets a plugin change; this scheduler decides from the node ids alone.)

SHARED_FIXTURE = re.compile(r"@pytest\.fixture\([^)]*scope=[\"'](?:module|class|package)[\"']")
WHOLE_MODULES = {
    "tests/test_parse_fast.py",  # a test reads what the property test before it counted
}


@functools.cache
def runs_whole(path: str) -> bool:
    """Must the test module at `path` (relative to the rootdir) run whole on one worker?"""
    try:
        return path in WHOLE_MODULES or bool(SHARED_FIXTURE.search((ROOT / path).read_text(encoding="utf-8")))
    except OSError:
        return False


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadgroup":
        return None  # xdist's own
    from xdist.scheduler import LoadGroupScheduling

    class ByTestOrSharedModule(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if runs_whole(path) else super()._split_scope(nodeid)

    return ByTestOrSharedModule(config, log)


def pytest_report_header(config: pytest.Config) -> str | None:
    shift = clock_shift(config)
    return f"clock shifted by {shift.total_seconds() / 86400:+g} days (--clock-shift)" if shift else None


@pytest.fixture(autouse=True)
def shifted_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """With --clock-shift: the whole test runs that far ahead (or behind), in this process and in watcher's."""
    shift = clock_shift(request.config)
    if not shift:
        yield
        return
    import time_machine

    # Every subprocess inherits it: WatcherProcesses, a bare Popen of the console script, parse workers.
    monkeypatch.setenv(OFFSET_ENV, repr(shift.total_seconds()))
    # tick=True: time keeps running from the new moment (threads, asyncio and aiosmtpd wait on real time;
    # time-machine leaves time.monotonic alone, so their timeouts are unaffected).
    with time_machine.travel(datetime.now(UTC) + shift, tick=True):
        yield


def ago(**delta: float) -> datetime:
    """The moment `delta` (timedelta's keywords) before now on watcher's clock, in whole seconds; negative: ahead."""
    return (utcnow() - timedelta(**delta)).replace(microsecond=0)


def rfc822(moment: datetime) -> str:
    """An RSS pubDate / HTTP date for `moment` (GMT)."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def rfc822_ago(**delta: float) -> str:
    """An RSS pubDate `delta` before now: how a test feed dates its items."""
    return rfc822(ago(**delta))


# --- waiting -------------------------------------------------------------------------------------


def wait_until(condition: Callable[[], bool], seconds: float = 20.0, step: float = 0.1) -> bool:
    """Poll `condition` until it holds or `seconds` pass (bounded: tests never wait for ever)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


# --- HTTP ----------------------------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/rss+xml; charset=utf-8"})
    etag: str | None = None  # when set, a matching If-None-Match gets 304
    last_modified: str | None = None  # when set, a matching If-Modified-Since gets 304


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]
    client_port: int = 0  # tells connections apart: one port per TCP connection


class FeedServer:
    """A threading HTTP server on 127.0.0.1 that serves `routes` and records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[SeenRequest] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append(SeenRequest(self.path, headers, self.client_address[1]))
                route = server.routes.get(self.path)
                if route is None:
                    self._send(404, b"not found", {"Content-Type": "text/plain"})
                    return
                if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                    route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
                ):
                    self._send(304, b"", {})
                    return
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                self._send(route.status, route.body, headers)

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def requests_to(self, path: str) -> list[SeenRequest]:
        return [request for request in self.requests if request.path == path]


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


# --- SMTP ----------------------------------------------------------------------------------------


class RecordingHandler:
    """aiosmtpd handler: keeps what it accepts; `reply` makes it answer DATA with that status line instead."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.reply: str | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply is not None:
            return self.reply
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    # aiosmtpd's Controller cannot bind port 0 itself and report the port; pick one first.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpServer:
    handler: RecordingHandler
    port: int

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield SmtpServer(handler, port)
    controller.stop()


# --- config --------------------------------------------------------------------------------------

FOUNDING_ENTITIES: list[dict[str, Any]] = [
    {"name": "Xiaomi", "aliases": ["Xiaomi", "小米集团", "샤오미", "シャオミ", "Сяоми"]},
    {"name": "Mi Pay", "aliases": [{"text": "Mi Pay", "case_sensitive": True}, "小米支付"]},
    {
        "name": "Korea",
        "aliases": ["Korea*", "Corea*", "sudcorean*", "Corée*", "Südkorea*", "Южн* Коре*", "한국", "韩国"],
        "exclude": ["North Korea", "Corea del Nord"],
    },
]


def write_config(
    directory: Path,
    *,
    feeds: list[dict[str, Any]],
    smtp_port: int | None = None,
    entities: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> Path:
    """A config.yaml for tests: private addresses allowed (our servers are on 127.0.0.1)."""
    config: dict[str, Any] = {
        "state_dir": str(directory / "state"),
        "poll": {"block_private_addresses": False, "timeout": "10s", "tick": "1s"},
        "feeds": feeds,
        "entities": entities if entities is not None else FOUNDING_ENTITIES,
        "digest": {
            "time": "08:00",
            "timezone": "Europe/Rome",
            "recipients": ["analyst@example.com"],
            "from": "watcher <watcher@example.com>",
            "subject": "watcher",
        },
    }
    if smtp_port is not None:
        config["smtp"] = {"host": "127.0.0.1", "port": smtp_port, "security": "none"}
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def rss(*items: dict[str, str], title: str = "Test feed", language: str = "it") -> bytes:
    """A small RSS 2.0 document; item values are escaped, `description` may carry HTML."""
    from xml.sax.saxutils import escape

    parts = []
    for item in items:
        fields = "".join(f"<{key}>{escape(value)}</{key}>" for key, value in item.items())
        parts.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.com/</link><language>{language}</language>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def founding_article_html() -> str:
    paragraphs = SEED_ARTICLE.read_text(encoding="utf-8").strip().split("\n")
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs if paragraph.strip())


FOUNDING_LINK = "https://tecnonotizie.example.it/2026/11/xiaomi-corea-del-sud-mi-pay/"
ROME = ZoneInfo("Europe/Rome")


def founding_feed(published: datetime | None = None) -> bytes:
    """The founding article (published 2 h ago unless given) and a Mi Band story 18 h 20 min older, both
    well inside first_poll_alert_age (3 days): a first poll mails them. Dated in Rome's local time, as
    the Italian site does."""
    published = published or ago(hours=2)
    return rss(
        {
            "title": "Xiaomi pronta a sbarcare in Corea del Sud",
            "link": FOUNDING_LINK,
            "guid": FOUNDING_LINK,
            "pubDate": format_datetime(published.astimezone(ROME)),
            "description": founding_article_html(),
        },
        {
            "title": "Mi Band 10 ufficiale",
            "link": "https://tecnonotizie.example.it/mi-band-10/",
            "pubDate": format_datetime((published - timedelta(hours=18, minutes=20)).astimezone(ROME)),
            "description": "<p>Xiaomi presenta la nuova Mi Band 10: schermo più grande, stesso prezzo.</p>",
        },
        {
            "title": "Fibra ottica, nuovi comuni collegati",
            "link": "https://tecnonotizie.example.it/fibra/",
            "description": "<p>Il piano nazionale avanza.</p>",
        },
    )


# --- watcher subprocesses ------------------------------------------------------------------------------


def process_group_members(pgid: int) -> list[int]:
    """Live processes in process group `pgid` (the parse workers and forkserver a killed daemon leaves)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


class WatcherProcesses:
    """watcher subprocesses, each in its own session (process group); all gone after the test."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.started: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self, config: Path, *args: str) -> subprocess.Popen[bytes]:
        log = self.directory / f"watcher-{len(self.started)}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "watcher", "--config", str(config), *args],
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
            )
        self.started.append((process, log))
        return process

    def log_at(self, index: int) -> str:
        """The output of the index-th process started (0 is the first)."""
        return self.started[index][1].read_text(errors="replace")

    def log(self, process: subprocess.Popen[bytes]) -> str:
        path = next(path for started, path in self.started if started is process)
        return path.read_text(errors="replace")

    def all_logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')}" for _, path in self.started)

    def crash(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the main process only (as the OOM killer would) and reap it.

        Reaping matters: a lease holder's liveness is checked with kill(pid, 0), which a zombie passes.
        """
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def run(self, config: Path, *args: str, timeout: float = 60) -> tuple[int, str]:
        process = self.start(config, *args)
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
            raise AssertionError(
                f"watcher {' '.join(args)} did not finish in {timeout}s:\n{self.log(process)}"
            ) from None
        return code, self.log(process)

    def cleanup(self) -> None:
        for process, _ in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(5)
            for pid in process_group_members(process.pid):  # leftovers of a killed process, by their ids
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)


def watcher_log(directory: Path, index: int = 0) -> str:
    """The output of the index-th watcher process a test started with watcher_processes."""
    return (directory / f"watcher-{index}.log").read_text(errors="replace")


@pytest.fixture
def start_daemon(watcher_processes: WatcherProcesses) -> Callable[[Path], subprocess.Popen[bytes]]:
    """Start `watcher --log-level debug run` on a config; its output: watcher_log(tmp_path, n)."""
    return lambda config: watcher_processes.start(config, "--log-level", "debug", "run")


@pytest.fixture
def watcher_processes(tmp_path: Path) -> Iterator[WatcherProcesses]:
    """Start `watcher` subprocesses (logs in tmp_path); every one, and whatever it left, is gone after the test."""
    processes = WatcherProcesses(tmp_path)
    yield processes
    processes.cleanup()
