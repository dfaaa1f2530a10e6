"""A `watcher poll --once` on a SQLite database whose schema is current runs on the stdlib sqlite3 module
(watcher/store/lean.py): SQLAlchemy is never imported (~0.2 CPU-s of a start), while the pass stores new items and
matches, files them into stories, and finds an unchanged feed unchanged. Seen in sys.modules at exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import FeedServer, Route, founding_feed, write_config
from tests.test_one_shot_exit import _stored_story_items

_LISTED = """
import atexit, sys
from watcher.__main__ import main
config, package = sys.argv[1], sys.argv[2]
atexit.register(lambda: print(sorted(name for name in sys.modules if name.split(".")[0] == package), file=sys.stderr))
sys.argv = ["watcher", "--config", config, "poll", "--once"]
main()
"""

_ANOTHER_ITEM = (
    "<item><title>Xiaomi apre il primo negozio a Seul</title>"
    "<link>https://tecnonotizie.example.it/xiaomi-seul/</link>"
    "<guid>https://tecnonotizie.example.it/xiaomi-seul/</guid>"
    "<description>Xiaomi inaugura a Seul il suo primo negozio in Corea del Sud.</description></item>"
)


def _poll(config: Path, package: str) -> tuple[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _LISTED, str(config), package], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip(), eval(done.stderr.splitlines()[-1])  # our own child's list of names


def test_a_poll_on_a_current_sqlite_database_never_imports_sqlalchemy(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    output, _imported = _poll(config, "sqlalchemy")  # a new database: made, its feeds and entities synced
    assert output.endswith("new items: 3; new matches: 4")
    assert _stored_story_items(config) == 2
    body = founding_feed().replace(b"</channel>", _ANOTHER_ITEM.encode() + b"</channel>")
    feed_server.routes["/it.xml"] = Route(body=body)
    output, imported = _poll(config, "sqlalchemy")  # changed: one new item, its match stored and analysed
    assert output.endswith("new items: 1; new matches: 2"), output
    assert imported == []
    assert _stored_story_items(config) == 3
    output, imported = _poll(config, "sqlalchemy")  # unchanged
    assert output.endswith("(1 unchanged), 0 failed; new items: 0; new matches: 0"), output
    assert imported == []
    _output, imported = _poll(config, "sqlite3")  # what the pass ran on instead
    assert "sqlite3" in imported
