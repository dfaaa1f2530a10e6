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

from tests.conftest import FeedServer, Route, founding_feed, rss, write_config
from watcher import cli, tables
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
    threshold = gc.get_threshold()
    assert threshold[0] != cli.PASS_GC_YOUNG  # nor does it change this process's collector
    monkeypatch.setattr(cli, "WHOLE_PROCESS", True)
    try:
        cli.settled()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (cli.PASS_GC_YOUNG, *threshold[1:])  # a pass's short-lived objects die first
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


_NOT_FOR_A_POLL = {
    "watcher.cli.feeds", "watcher.cli.db", "watcher.cli.read", "watcher.cli.entities", "watcher.cli.web",
    "watcher.cli.try_match", "watcher.cli.analyze", "watcher.cli.check", "watcher.digest", "watcher.deliver",
    "watcher.web", "watcher.daemon", "email.mime", "smtplib", "rich", "jinja2", "alembic", "sqlalchemy.orm",
    "watcher.models",
}  # fmt: skip


def test_a_one_shot_poll_loads_only_what_its_pass_needs(tmp_path: Path, feed_server: FeedServer) -> None:
    # Nothing serves Prometheus metrics to a command that exits after one pass: prometheus_client (~7 ms of every
    # start) is not imported. A pass whose feeds are all unchanged parses nothing: no lxml (nor the page and sitemap
    # readers), and no urllib.request without a proxy configured. The pass is polled and stored all the same. Nor
    # what other commands drive: their CLI modules, the digest and its mail, the web page, the daemon, migrations.
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    env = {key: value for key, value in os.environ.items() if not key.lower().endswith("_proxy")}
    command = [sys.executable, "-X", "importtime", "-m", "watcher", "--config", str(config), "poll", "--once"]

    def poll() -> tuple[str, set[str]]:
        done = subprocess.run(command, capture_output=True, env=env, timeout=120, check=False)
        assert done.returncode == 0, done.stderr.decode()
        lines = done.stderr.decode().splitlines()
        return done.stdout.decode(), {line.rsplit("|", 1)[-1].strip() for line in lines if "|" in line}

    output, imported = poll()
    assert output.endswith("new items: 3; new matches: 4\n")
    assert {"watcher.poll", "lxml.etree"} <= imported
    assert not {"prometheus_client", "watcher.metrics"} & imported
    assert not _NOT_FOR_A_POLL & imported
    output, imported = poll()  # the same bytes again: unchanged
    assert output.endswith("(1 unchanged), 0 failed; new items: 0; new matches: 0\n")
    assert "watcher.poll" in imported
    assert not {"prometheus_client", "lxml", "lxml.etree", "lxml.html", "urllib.request"} & imported
    assert not _NOT_FOR_A_POLL & imported


_POLL_AND_LIST_CLI = """
import atexit, sys
from watcher.__main__ import main
atexit.register(lambda: print(sorted(name for name in sys.modules if name.startswith("watcher.cli.")), file=sys.stderr))
sys.argv = ["watcher", "--config", sys.argv[1], "poll", "--once"]
main()
"""


def test_a_poll_loads_the_cli_module_of_its_command_only(tmp_path: Path, feed_server: FeedServer) -> None:
    # Seen in sys.modules: -X importtime (above) does not time importlib.import_module, which loads the commands.
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    done = _run_python(_POLL_AND_LIST_CLI, str(config))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "['watcher.cli.run']"


def test_each_command_is_found_in_the_module_that_registers_it() -> None:
    # The top group imports a command's module when the command is looked up (watcher.cli._COMMAND_MODULES): a
    # command missing from that table, or put under another module, would be unknown to `watcher`.
    from watcher.cli import _COMMAND_MODULES, load_all_commands, main

    load_all_commands()
    assert set(main.commands) == set(_COMMAND_MODULES)
    for name, module in _COMMAND_MODULES.items():
        assert getattr(main.commands[name].callback, "__module__", None) == f"watcher.cli.{module}", name


def test_a_proxy_is_looked_for_only_where_one_could_be_found(monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.request

    from watcher.fetch.client import _behind_proxy

    for name in [name for name in os.environ if name.lower().endswith("_proxy")]:
        monkeypatch.delenv(name)
    assert _behind_proxy() is False
    for name, value in [("no_proxy", "localhost"), ("HTTPS_PROXY", ""), ("HTTPS_PROXY", "http://127.0.0.1:3128")]:
        monkeypatch.setenv(name, value)
        assert _behind_proxy() is bool(urllib.request.getproxies())
    assert _behind_proxy() is True


_POLL_AND_LIST_ORM = """
import atexit, sys
from watcher.__main__ import main
prefix = sys.argv[2]  # taken before sys.argv is the command's (below): at exit, sys.argv[2] is the config's path
atexit.register(lambda: print(sorted(name for name in sys.modules if name.startswith(prefix)), file=sys.stderr))
sys.argv = ["watcher", "--config", sys.argv[1], "poll", "--once"]
main()
"""


@pytest.mark.parametrize("prefix", ["sqlalchemy.orm", "watcher.models"])
def test_a_one_shot_poll_imports_no_orm(tmp_path: Path, feed_server: FeedServer, prefix: str) -> None:
    # The polling path reads and writes the Core tables (watcher/tables.py): neither SQLAlchemy's ORM nor the classes
    # mapped onto the tables (~0.1 CPU-s of a start) are imported by a pass that stores and analyses matches (config's
    # feeds made rows, the stories stored), nor by one that finds nothing new. Seen in sys.modules at exit.
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    outputs = []
    for _ in range(2):
        done = _run_python(_POLL_AND_LIST_ORM, str(config), prefix)
        assert done.returncode == 0, done.stderr
        assert done.stderr.splitlines()[-1] == "[]"
        outputs.append(done.stdout.strip())
        if len(outputs) == 1:
            assert _stored_story_items(config) == 2
    assert outputs[0].endswith("new items: 3; new matches: 4")
    assert outputs[1].endswith("(1 unchanged), 0 failed; new items: 0; new matches: 0")


# Runs watcher's entry point as `python -m watcher` does, noting the collections made before the first connection
# (the pass's first request), and whether the collector was on when the config file was read and at that connection.
COUNTING_MAIN = """
import gc, json, sys
config = sys.argv[2]
seen = {"before": 0, "enabled_at_read": None, "enabled_at_connect": None}
def count(phase, info):
    if phase == "start" and seen["enabled_at_connect"] is None:
        seen["before"] += 1
gc.callbacks.append(count)
def hook(event, args):
    if event == "open" and args[0] == config and seen["enabled_at_read"] is None:
        seen["enabled_at_read"] = gc.isenabled()
    if event == "socket.connect" and seen["enabled_at_connect"] is None:
        seen["enabled_at_connect"] = gc.isenabled()
sys.addaudithook(hook)
import atexit
atexit.register(lambda: sys.stderr.write("SEEN " + json.dumps(seen) + "\\n"))
from watcher.__main__ import main
sys.argv = ["watcher", *sys.argv[1:]]
main()
"""


def counted(*args: str) -> tuple[str, dict[str, object]]:
    done = subprocess.run([sys.executable, "-c", COUNTING_MAIN, *args], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode(), json.loads(done.stderr.decode().split("SEEN ", 1)[1])


def test_a_one_shot_poll_starts_without_collecting(tmp_path: Path, feed_server: FeedServer) -> None:
    # Importing the CLI, pydantic and SQLAlchemy and loading the config made ~160 collections (~0.03-0.07 CPU-s) of
    # a start whose objects all live as long as the process: the collector is off until the command has loaded its
    # modules and config, and on again for the pass (Watcher.open's backfill and the pass make garbage to collect).
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    output, seen = counted("--config", str(config), "poll", "--once")
    assert output.endswith("new items: 3; new matches: 4\n")
    assert seen["enabled_at_read"] is False and seen["enabled_at_connect"] is True, seen
    # Once the schema is current (no Alembic, no migration before the pass): a handful, ~160 with the collector on.
    output, seen = counted("--config", str(config), "poll", "--once")
    assert output.endswith("(1 unchanged), 0 failed; new items: 0; new matches: 0\n")
    assert isinstance(seen["before"], int) and seen["before"] < 30, seen


def test_other_commands_collect_from_their_start(tmp_path: Path) -> None:
    config = write_config(tmp_path, feeds=[])
    output, seen = counted("--config", str(config), "check-config")
    assert "ok" in output.lower(), output
    assert seen["enabled_at_read"] is True, seen


def test_a_poll_whose_config_comes_from_the_cache_imports_no_pydantic(tmp_path: Path, feed_server: FeedServer) -> None:
    # The cached config is plain data made into objects with the models' methods (watcher/config/cache.py): a start
    # that finds it imports neither pydantic nor the config's models (~0.1 CPU-s), through a pass that stores,
    # matches and analyses new items (the analysis' tables, the stories). The first start validates config.yaml.
    feed_server.routes["/it.xml"] = Route(body=rss({"title": "Fibra ottica", "link": "https://example.it/fibra/"}))
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    listed = []
    for body in (None, founding_feed()):
        if body is not None:
            feed_server.routes["/it.xml"] = Route(body=body)
        done = _run_python(_POLL_AND_LIST_ORM, str(config), "pydantic")
        assert done.returncode == 0, done.stderr
        listed.append(done.stderr.splitlines()[-1])
        assert done.stdout.strip().endswith("new matches: 0" if body is None else "new items: 3; new matches: 4")
    assert listed[0] != "[]" and listed[1] == "[]"
    assert _stored_story_items(config) == 2


def _stored_story_items(config: Path) -> int:
    """How many items the analysis filed into stories in this config's database."""
    database = Database(load_config(config).database_url)
    try:
        with database.transaction() as connection:
            return connection.scalar(select(func.count()).select_from(tables.story_items))
    finally:
        database.dispose()


def _run_python(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -c script args...` in a child process, its output as text."""
    return subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_a_one_shot_poll_of_plain_feeds_imports_no_feedparser(tmp_path: Path, feed_server: FeedServer) -> None:
    # A plain RSS document is read by parse_fast in the polling process, with feedparser's rules copied
    # (watcher/parse_fast/copied.py): feedparser's package (~10 ms of importtime) is not imported, for a new feed nor
    # for one that changed; one the fast reader leaves to feedparser (a DOCTYPE) still is read, in a parse worker.
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    changed = rss({"title": "Fibra ottica", "link": "https://example.it/fibra/"}).replace(
        b"<rss", b"<!DOCTYPE rss>\n<rss"
    )
    for body in (None, founding_feed() + b"\n", changed):
        if body is not None:
            feed_server.routes["/it.xml"] = Route(body=body)
        done = _run_python(_POLL_AND_LIST_ORM, str(config), "feedparser")
        assert done.returncode == 0, done.stderr
        assert done.stderr.splitlines()[-1] == "[]", done.stderr[-2000:]
    assert "new items: 1" in done.stdout, done.stdout  # the DOCTYPE's document was read, by feedparser
