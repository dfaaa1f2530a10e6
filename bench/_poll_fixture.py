"""What bench/poll's cycles run on: the feed server's process (bench/_feedserver.py) and watcher's config."""

from __future__ import annotations

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
