"""A one-shot command is the whole process: what it loaded at its start, and everything at its exit, is put out of the
collector's reach (gc.freeze; watcher/__main__.py, watcher.cli.settled), and nothing it writes is lost for that."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import FeedServer, Route, founding_feed, write_config
from watcher import cli
from watcher.config import load_config
from watcher.models import Item
from watcher.store import Database


def test_a_one_shot_poll_writes_its_output_log_and_items_whole(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}  # buffered, as piped
    done = subprocess.run(
        [sys.executable, "-m", "watcher", "--config", str(config), "--log-format", "json", "--log-level", "info",
         "poll", "--once"],
        capture_output=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().endswith("new items: 3; new matches: 4\n")
    events = [json.loads(line)["event"] for line in done.stderr.decode().splitlines() if line.startswith("{")]
    assert events[-1] == "poll.done", events
    database = Database(load_config(config).database_url)
    try:
        with database.session() as session:
            assert session.scalar(select(func.count()).select_from(Item)) == 3
    finally:
        database.dispose()


def test_the_start_is_frozen_only_where_the_command_is_the_whole_process(monkeypatch: pytest.MonkeyPatch) -> None:
    assert gc.get_freeze_count() == 0
    cli.settled()  # a command run in this test process (CliRunner) freezes nothing of it
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(cli, "WHOLE_PROCESS", True)
    try:
        cli.settled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_one_shot_poll_does_not_load_the_metrics(tmp_path: Path, feed_server: FeedServer) -> None:
    # Nothing serves Prometheus metrics to a command that exits after one pass: prometheus_client (~20 ms of every
    # start) is not imported, and the pass is polled and stored all the same.
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "watcher", "--config", str(config), "poll", "--once"],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().endswith("new items: 3; new matches: 4\n")
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.decode().splitlines() if "|" in line}
    assert "watcher.poll" in imported
    assert "prometheus_client" not in imported
    assert "watcher.metrics" not in imported
