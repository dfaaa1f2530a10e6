"""The web page's test parts: a watcher daemon subprocess serving it on 127.0.0.1 (or 0.0.0.0), plain HTTP
requests that never follow redirects, and Playwright driving Debian's headless Chromium (no browser download)."""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest

from tests import conftest  # (conftest imports this module's fixture: its names are read when called)

if TYPE_CHECKING:
    from tests.conftest import WatcherProcesses

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium; .ci/run does)"
)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    cookies: list[str] = field(default_factory=list)


def request(port: int, method: str, path: str, form: dict[str, str] | None = None, cookie: str | None = None,
            headers: dict[str, str] | None = None) -> Answer:  # fmt: skip
    """One request to 127.0.0.1:port; redirects are answers, not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    sent = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    body = None
    if form is not None:
        body = urlencode(form)
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    if cookie:
        sent["Cookie"] = cookie
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    answer = Answer(
        response.status,
        {key.lower(): value for key, value in response.getheaders()},
        response.read().decode("utf-8", "replace"),
        [value for key, value in response.getheaders() if key.lower() == "set-cookie"],
    )
    connection.close()
    return answer


def serving(port: int) -> bool:
    try:
        return request(port, "GET", "/healthz").status in (200, 503)
    except OSError:
        return False


def start_web_daemon(processes: WatcherProcesses, config: Path, port: int, directory: Path) -> subprocess.Popen[bytes]:
    process = processes.start(config, "--log-level", "debug", "run")
    assert conftest.wait_until(lambda: serving(port) or process.poll() is not None, 60), conftest.watcher_log(directory)
    assert process.poll() is None, conftest.watcher_log(directory)
    return process


def quiet_zone() -> str:
    """A zone where it is not yet 20:00: with the digest at 23:59 there, no digest goes out during a test."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    now = datetime.now(UTC)
    for zone in ("Europe/Rome", "America/New_York", "Pacific/Pago_Pago", "Asia/Tokyo", "Pacific/Kiritimati"):
        if now.astimezone(ZoneInfo(zone)).hour < 20:
            return zone
    raise AssertionError("some zone is always before 20:00")


def searched(port: int, text: str, cookie: str | None = None) -> str:
    return request(port, "GET", "/search?" + urlencode({"q": text}), cookie=cookie).body


@pytest.fixture
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]
