"""bench/poll's measured runs: a watcher cycle in a fresh process, rss2email and a naive feedparser loop."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import _feedserver
from _poll_fixture import FeedServer, rss2email_setup
from _process_tree import WATCHER_ENV, run_measured

BENCH = Path(__file__).resolve().parent


def watcher_cycle(
    label: str, config: Path, server: FeedServer, log: Path, limits: tuple[int, int] | None = None, warm: str = ""
) -> dict:
    server.stats()  # reset the server's counters
    spec = {
        "config": str(config),
        "limits": limits,
        "warm": warm,
        "control": f"http://127.0.0.1:{server.port}",
    }
    command = [sys.executable, str(BENCH / "poll"), "--cycle", json.dumps(spec)]
    outcome = run_measured(command, log=log, env=WATCHER_ENV)
    figures = json.loads(outcome.pop("output"))
    figures.update(outcome)
    figures["label"] = label
    figures["requests"], figures["http_200"], figures["http_304"], _ = server.stats()
    if figures["failed"]:
        print(f"  warning: {figures['failed']} feeds failed in {label}: {figures['errors']}", flush=True)
    return figures


def peer_rss2email(directory: Path, feeds: int, port: int, server: FeedServer, log: Path) -> list[dict]:
    """rss2email over the same feeds: first run, every feed changed, 90% unchanged. Nothing is mailed."""
    peer = rss2email_setup(directory, feeds, port)
    if peer is None:
        print(
            "  rss2email not installed (.venv/bin/pip install rss2email, or a venv of its own on PATH): skipped",
            flush=True,
        )
        return []
    r2e, config, data = peer
    results = []
    for label, bump in (("first", None), ("changed", "all"), ("90%", "10")):
        if bump:
            server.command(f"bump {bump}")
        server.stats()
        outcome = run_measured([r2e, "-c", str(config), "-d", str(data), "run", "--no-send"], log=log)
        outcome.pop("output")
        requests, ok, not_modified, _ = server.stats()
        outcome.update(label=label, requests=requests, http_200=ok, http_304=not_modified)
        results.append(outcome)
        print(f"  rss2email {label}: {outcome['wall_outside']:.1f} s wall", flush=True)
    return results


NAIVE_LOOP = """
import json, resource, sys, time, feedparser
urls = json.loads(sys.argv[1])
started = time.perf_counter()
entries = sum(len(feedparser.parse(url).entries) for url in urls)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall": time.perf_counter() - started, "cpu": usage.ru_utime + usage.ru_stime, "entries": entries}))
"""


def peer_naive(feeds: int, port: int, server: FeedServer, log: Path) -> dict:
    """for url in urls: feedparser.parse(url): no state, so every cycle costs the same."""
    server.stats()
    urls = [_feedserver.feed_url(index, port) for index in range(feeds)]
    outcome = run_measured([sys.executable, "-c", NAIVE_LOOP, json.dumps(urls)], log=log)
    figures = json.loads(outcome.pop("output"))
    figures.update(outcome)
    figures["requests"], figures["http_200"], figures["http_304"], _ = server.stats()
    return figures
