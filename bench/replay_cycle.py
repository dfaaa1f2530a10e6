#!/usr/bin/env python3
"""Issue 12's 10%-changed `watcher poll --once` cycle, prepared once and replayed N times on copies of its state.

Run from a checkout root:  REPLAY_DIR=/tmp/NAME .venv/bin/python bench/replay_cycle.py HOSTS RATE N [WRAPPER ...]

bench/poll --harness runs each cycle once, after the all-new cycle, so one slow run (a parse worker started, a busy
machine) decides a cell. Here the feed server of bench/poll (HOSTS loopback addresses, RATE% of items naming an
entity, ETag + Last-Modified on every feed) serves 1,000 feeds; one untimed all-new `poll --once` fills a state,
10% of the feeds change, and the same cycle runs N times, each on a fresh copy of that state. WRAPPER prefixes the
command (`env PYTHONPROFILEIMPORTTIME=1`, `valgrind --tool=callgrind ...`); run i's stderr goes to
REPLAY_DIR/stderr{i}.txt. WPY chooses the Python (default: this checkout's .venv); with PYTHONPATH set to another
checkout, the same venv runs that checkout's watcher (A/B). CPU: RUSAGE_CHILDREN around the command, its whole tree.
With REPLAY_PEER=rss2email, rss2email (`r2e run --no-send`, found as bench/poll finds it) gets the same treatment on
the same server: its all-new run before the bump, then its 10%-changed run replayed after each of watcher's, on a
fresh copy of its state (one more line a run). Only 127.0.0.x is contacted. Not a test: it prints one line a run.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _feedserver
from _poll_fixture import FeedServer, rss2email_setup, write_config

FEEDS = 1000


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    hosts, rate, runs = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    wrapper = sys.argv[4:]
    work = Path(os.environ.get("REPLAY_DIR", "/tmp/watcher-replay")) / f"{hosts}-{rate:g}"
    work.parent.mkdir(parents=True, exist_ok=True)
    python = os.environ.get("WPY", str(Path.cwd() / ".venv" / "bin" / "python"))
    _feedserver.configure(hosts, rate, "all")
    shape = ("--hosts", str(hosts), "--match-rate", f"{rate:g}", "--validators", "all")
    server = FeedServer(FEEDS, work.parent / "replay.log", shape)
    try:
        shutil.rmtree(work, ignore_errors=True)
        config = write_config(work / "watcher", FEEDS, server.port)
        command = [python, "-m", "watcher", "--config", str(config), "poll", "--once"]
        subprocess.run(command, check=True, capture_output=True)
        peer = rss2email_setup(work / "rss2email", FEEDS, server.port) if os.environ.get("REPLAY_PEER") else None
        if os.environ.get("REPLAY_PEER") and peer is None:
            raise SystemExit("rss2email not found (PATH=/path/to/r2e-venv/bin:$PATH)")
        if peer is not None:
            r2e, r2e_config, r2e_data = peer
            peer_command = [r2e, "-c", str(r2e_config), "-d", str(r2e_data), "run", "--no-send"]
            subprocess.run(peer_command, check=True, capture_output=True)
            shutil.copyfile(r2e_data, work / "r2e-snapshot.json")
        server.command("bump 10")
        state, snapshot = work / "watcher" / "state", work / "snapshot"
        shutil.copytree(state, snapshot)
        for run in range(runs):
            shutil.rmtree(state)
            shutil.copytree(snapshot, state)
            cpu, started = children_cpu(), time.perf_counter()
            done = subprocess.run([*wrapper, *command], capture_output=True, text=True)
            wall, cpu = time.perf_counter() - started, children_cpu() - cpu
            (work.parent / f"stderr{run}.txt").write_text(done.stderr)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
            print(f"run {run}: wall {wall:.2f} cpu {cpu:.2f} maxrss(largest child so far) {peak:.0f} MB | {summary}")
            if peer is not None:
                shutil.copyfile(work / "r2e-snapshot.json", r2e_data)
                cpu, started = children_cpu(), time.perf_counter()
                subprocess.run(peer_command, check=True, capture_output=True)
                wall, cpu = time.perf_counter() - started, children_cpu() - cpu
                print(f"run {run} rss2email: wall {wall:.2f} cpu {cpu:.2f}")
    finally:
        server.close()


if __name__ == "__main__":
    main()
