"""What bench/poll's cycles run on: the feed server's process (bench/_feedserver.py) and watcher's config."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import _feedserver

BENCH = Path(__file__).resolve().parent


class FeedServer:
    def __init__(self, feeds: int, log: Path, shape: tuple[str, ...] = ()) -> None:
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, str(BENCH / "_feedserver.py"), "--feeds", str(feeds), "--max-seconds", "3600", *shape],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        line = self.process.stdout.readline().split()
        if not line or line[0] != "ready":
            raise SystemExit("the feed server did not start")
        self.port = int(line[1])

    def command(self, text: str) -> str:
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def stats(self) -> tuple[int, int, int, int]:
        _, requests, ok, not_modified, missing = self.command("stats").split()
        return int(requests), int(ok), int(not_modified), int(missing)

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.command("quit")
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self.log.close()


def write_config(directory: Path, feeds: int, port: int) -> Path:
    import yaml

    directory.mkdir(parents=True, exist_ok=True)
    config = {
        "state_dir": str(directory / "state"),
        "log_level": "warning",
        "poll": {"block_private_addresses": False},  # 127.0.0.x; concurrency 16 and per_host 2 are the defaults
        "entities": [{"name": name} for name in _feedserver.ENTITIES],
        # full_text: never, as for feeds that carry their whole text: the bench feeds' 300-character descriptions
        # read as teasers, and `auto` would fetch each new item's article (links to news.example, which does
        # not resolve) -- work rss2email never does. bench/fulltext measures what full text costs.
        "feeds": [{"url": _feedserver.feed_url(index, port), "full_text": "never"} for index in range(feeds)],
    }
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def rss2email_setup(directory: Path, feeds: int, port: int) -> tuple[str, Path, Path] | None:
    """rss2email's config and state over the same feeds (as `r2e add` writes them: one `r2e add` per feed would start
    1,000 interpreters); (r2e, config, data), or None where rss2email is not installed."""
    # In the venv, else on PATH (a venv of its own keeps its feedparser pin out of watcher's).
    r2e = shutil.which("r2e", path=str(Path(sys.executable).parent)) or shutil.which("r2e")
    if r2e is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    config, data = directory / "r2e.cfg", directory / "r2e.json"
    subprocess.run(
        [r2e, "-c", str(config), "-d", str(data), "new", "bench@example.invalid"], check=True, stderr=subprocess.DEVNULL
    )
    with config.open("a", encoding="utf-8") as handle:
        for index in range(feeds):
            handle.write(f"\n[feed.f{index}]\nurl = {_feedserver.feed_url(index, port)}\n")
    state = {
        "version": 2,
        "feeds": [{"name": f"f{i}", "etag": None, "modified": None, "seen": {}} for i in range(feeds)],
    }
    data.write_text(json.dumps(state), encoding="utf-8")
    return r2e, config, data
