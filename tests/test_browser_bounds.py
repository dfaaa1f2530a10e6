"""tests/browser.py's bound on a Chromium run: a browser that hangs fails its test once the bound is reached, saying
so, with the processes it started killed (they held its output open: the wait after a kill had no bound); one that
answers is read at once. A stand-in for Chromium (a shell script), so these run where Chromium is not installed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests import browser
from tests.conftest import wait_until


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def stand_in(tmp_path: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    chromium.chmod(0o755)
    monkeypatch.setattr(browser, "CHROMIUM", str(chromium))


def page(tmp_path: Path) -> Path:
    path = tmp_path / "digest.html"
    path.write_text("<html><body><p>Xiaomi</p></body></html>", encoding="utf-8")
    return path


def test_a_chromium_that_hangs_fails_at_the_bound_with_its_children_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = tmp_path / "child.pid"
    # A renderer of its own holding the output pipes, as Chromium's do, and a browser that never ends.
    stand_in(tmp_path, f"echo 'starting' >&2\nsleep 600 &\necho $! > {child}\nsleep 600\n", monkeypatch)
    monkeypatch.setattr(browser, "CHROMIUM_SECONDS", 2.0)
    started = time.monotonic()
    with pytest.raises(pytest.fail.Exception, match=r"headless Chromium did not finish in \d+ s \(limit 2 s") as failed:
        browser.measure(page(tmp_path), tmp_path / "profile", width=600, dark=False)
    assert time.monotonic() - started < 30
    assert "starting" in str(failed.value)  # what the browser said, for the reader of the failure
    assert wait_until(lambda: not alive(int(child.read_text())), 10), "the browser's child was left running"


def test_a_chromium_that_answers_is_read_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    measured = '{"dark": false, "width": 600}'
    stand_in(tmp_path, f"echo '<html><body><pre id=\"measured\">{measured}</pre></body></html>'\n", monkeypatch)
    started = time.monotonic()
    assert browser.measure(page(tmp_path), tmp_path / "profile", width=600, dark=False)["width"] == 600
    assert time.monotonic() - started < 10
