"""Signals in the first moments of a `watcher` process (issue 10 §3): the daemon lives through a SIGHUP sent
while it starts and ends cleanly (status 0) on a SIGTERM sent then; other commands keep the default
behaviour (SIGTERM and Ctrl-C end them)."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FeedServer, Route, WatcherProcesses, rss, wait_until, watcher_log, write_config

ENTITIES = 5000  # a start of several seconds: imports, config, matcher


def many_entities() -> list[dict[str, object]]:
    return [{"name": f"Company {index:04d}", "aliases": [f"Brand{index:04d}"]} for index in range(ENTITIES)]


def catches(pid: int, signum: int) -> bool:
    """The process has a handler for `signum` (SigCgt in /proc/<pid>/status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(mask, 16) & (1 << (signum - 1)))


@pytest.fixture
def held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The watcher a test starts next holds before importing its CLI (tests/loopback/startup_hold.py) until
    `sent_while_starting` lets it go: deferred signals are in force from watcher's first instruction, the CLI's
    imports (~1.4 s), config and matcher are still to come. A moment found from the clock instead (at most 0.3 s
    after the interpreter was up) came before watcher's first instruction on a loaded machine: status -15."""
    directory = tmp_path / "hold"
    directory.mkdir()
    monkeypatch.setenv("WATCHER_TEST_HOLD_IMPORT", "watcher.cli")
    monkeypatch.setenv("WATCHER_TEST_HOLD_DIR", str(directory))
    return directory


def sent_while_starting(process: subprocess.Popen[bytes], hold: Path, signum: int) -> None:
    """Send `signum` while the process is held (it handles the signal already: watcher deferred it), let it go."""
    assert wait_until(lambda: (hold / "held").exists() or process.poll() is not None, 120, 0.01), "never held"
    assert process.poll() is None, process.returncode
    assert catches(process.pid, signum), f"signal {signum} is not handled from watcher's first instruction"
    process.send_signal(signum)
    (hold / "go").touch()


@pytest.fixture
def config(tmp_path: Path, feed_server: FeedServer) -> Path:
    feed_server.routes["/a.xml"] = Route(body=rss({"title": "Brand0042 news", "link": "http://example.com/a"}))
    return write_config(tmp_path, feeds=[{"url": feed_server.url("/a.xml")}], entities=many_entities())


def test_a_sighup_while_the_daemon_starts_does_not_kill_it(
    tmp_path: Path, config: Path, held: Path, start_daemon: Callable[[Path], subprocess.Popen[bytes]]
) -> None:
    process = start_daemon(config)
    sent_while_starting(process, held, signal.SIGHUP)
    assert wait_until(lambda: "event=daemon.started" in watcher_log(tmp_path) or process.poll() is not None, 120)
    assert process.poll() is None, (process.returncode, watcher_log(tmp_path))
    log = watcher_log(tmp_path)
    # Noted before the config was read, and satisfied by that read.
    assert log.index("event=config.reload_requested") < log.index("event=daemon.started"), log
    assert wait_until(lambda: "event=feed.ok" in watcher_log(tmp_path), 60), watcher_log(tmp_path)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0, watcher_log(tmp_path)
    assert "Traceback" not in watcher_log(tmp_path)


def test_a_sigterm_while_the_daemon_starts_ends_it_with_status_0(
    tmp_path: Path, config: Path, held: Path, start_daemon: Callable[[Path], subprocess.Popen[bytes]]
) -> None:
    process = start_daemon(config)
    sent_while_starting(process, held, signal.SIGTERM)
    assert process.wait(timeout=120) == 0, watcher_log(tmp_path)
    log = watcher_log(tmp_path)
    assert "event=daemon.stopped" in log and "event=daemon.started" not in log, log


def test_a_sighup_after_the_daemon_read_its_config_reloads_it_once_started(
    tmp_path: Path, config: Path, start_daemon: Callable[[Path], subprocess.Popen[bytes]]
) -> None:
    process = start_daemon(config)
    # The database is created while the daemon opens it (schema, 5,000 entities synced): the config is read.
    assert wait_until(lambda: (tmp_path / "state" / "watcher.db").exists(), 120, 0.005), watcher_log(tmp_path)
    process.send_signal(signal.SIGHUP)
    reloaded = wait_until(lambda: "event=config.reloaded" in watcher_log(tmp_path) or process.poll() is not None, 120)
    assert reloaded and process.poll() is None, (process.returncode, watcher_log(tmp_path))
    log = watcher_log(tmp_path)
    assert log.index("event=daemon.started") < log.index("event=config.reloaded") and "reason=SIGHUP" in log
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0, watcher_log(tmp_path)


@contextmanager
def sigint_disposition(handler: Any) -> Iterator[None]:
    """Ctrl-C's disposition here, which a process started meanwhile inherits where it is SIG_IGN (a handler is reset
    to the default by exec). A run in the background (`make test &` without job control: the shell ignores SIGINT
    for it) gives every watcher started here Ctrl-C ignored, and watcher then rightly keeps ignoring it."""
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_other_commands_still_end_on_sigterm_and_ctrl_c(
    config: Path, held: Path, watcher_processes: WatcherProcesses, signum: int
) -> None:
    with sigint_disposition(signal.default_int_handler):  # as a terminal starts it, however this test was started
        process = watcher_processes.start(config, "check-config")
    sent_while_starting(process, held, signum)  # noted, then delivered again once check-config is known
    code, output = process.wait(timeout=60), watcher_processes.log(process)
    if signum == signal.SIGTERM:
        assert code == -signal.SIGTERM, (code, output)
    else:  # KeyboardInterrupt: Python's own exit by SIGINT, or click's "Aborted!" once the command runs
        assert code in (-signal.SIGINT, 1) and ": ok" not in output, (code, output)


def test_a_command_started_with_ctrl_c_ignored_keeps_ignoring_it(
    config: Path, held: Path, watcher_processes: WatcherProcesses
) -> None:
    """nohup, or `cmd &` in a script: a SIGINT noted while it starts is given back to the disposition it had."""
    with sigint_disposition(signal.SIG_IGN):
        process = watcher_processes.start(config, "check-config")
    sent_while_starting(process, held, signal.SIGINT)
    code, output = process.wait(timeout=60), watcher_processes.log(process)
    assert code == 0 and ": ok" in output, (code, output)


@pytest.mark.parametrize(
    ("args", "daemon"),
    [
        (["run"], True),
        (["--config", "run", "run"], True),  # a config file named "run"
        (["-c", "x.yaml", "--log-level", "debug", "run", "--log-format", "json"], True),
        (["--config=x.yaml", "run"], True),
        (["run", "--once"], False),
        (["run", "--help"], False),
        (["--config", "run", "feeds"], False),
        (["feeds", "add", "run"], False),
        (["--version"], False),
        ([], False),
    ],
)
def test_only_the_daemon_keeps_signals_deferred(args: list[str], daemon: bool) -> None:
    from watcher.__main__ import starts_daemon
    from watcher.cli import main

    assert starts_daemon(main, args) is daemon
