"""bench/store --cycle: the daemon's all-new cycle in steady state, its CPU and its tree's peak RSS."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tree(pid: int) -> list[int]:
    found = [pid]
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                for child in handle.read().split():
                    found += _tree(int(child))
        except OSError:
            pass
    return found


def _proc_cpu(pid: int, field: int | None = None) -> float:
    """CPU seconds of a process: user + system, or only user (field 11) or system (12)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[field]) if field is not None else int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_cycle(feeds: int, match_rate: float) -> dict:
    """The daemon's all-new cycle in steady state (see --cycle above)."""
    import asyncio
    import resource
    import subprocess
    import threading

    import yaml

    sys.path.insert(0, str(ROOT / "bench"))
    import _feedserver

    from watcher.app import Watcher
    from watcher.config import load_config

    work = Path(tempfile.mkdtemp(prefix="watcher-bench-cycle-"))
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "_feedserver.py"), "--feeds", str(feeds), "--max-seconds", "900",
         "--match-rate", str(match_rate), "--hosts", "50"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        port = int(server.stdout.readline().split()[1])
        _feedserver.configure(hosts=50)
        config = {
            "state_dir": str(work / "state"),
            "log_level": "warning",
            "poll": {"block_private_addresses": False},
            "full_text": {"budget": 0},
            "entities": [{"name": name} for name in _feedserver.ENTITIES],
            "feeds": [{"url": _feedserver.feed_url(index, port)} for index in range(feeds)],
        }
        (work / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        watcher = Watcher.open(load_config(work / "config.yaml"))
        watcher.poller.after_pass = None
        peak, sampling = [0.0], [True]

        def sample() -> None:
            while sampling[0]:
                sizes = {pid: _rss_mb(pid) for pid in _tree(os.getpid()) if pid != server.pid}
                if sum(sizes.values()) > peak[0]:
                    peak[0] = sum(sizes.values())
                    if os.environ.get("BENCH_RSS"):
                        print({pid: round(mb) for pid, mb in sizes.items()}, flush=True)
                time.sleep(0.1)

        async def cycles() -> dict:
            await watcher.poll(everything=True)
            for _ in range(10):  # 10 × 5 new items: every feed's 50 items are new
                server.stdin.write("bump all\n")
                server.stdin.flush()
                server.stdout.readline()
            workers = [pid for pid in _tree(os.getpid()) if pid not in (os.getpid(), server.pid)]
            before = {pid: _proc_cpu(pid) for pid in workers}
            before_system = {pid: _proc_cpu(pid, 12) for pid in workers}
            usage, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
            summary = await watcher.poll(everything=True)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_SELF)
            pool = sum(
                _proc_cpu(pid) - before.get(pid, 0.0)
                for pid in _tree(os.getpid())
                if pid not in (os.getpid(), server.pid)
            )
            pool_system = sum(
                _proc_cpu(pid, 12) - before_system.get(pid, 0.0)
                for pid in _tree(os.getpid())
                if pid not in (os.getpid(), server.pid)
            )
            await watcher.aclose()
            user, system = after.ru_utime - usage.ru_utime, after.ru_stime - usage.ru_stime
            return {"wall": wall, "user": user, "system": system, "workers": pool, "workers_system": pool_system,
                    "items": summary.new_items,
                    "matches": summary.new_matches, "failed": summary.feeds_failed}  # fmt: skip

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        figures = asyncio.run(cycles())
        sampling[0] = False
        figures["peak_rss_mb"] = peak[0]
        return figures
    finally:
        if server.poll() is None:
            server.stdin.write("quit\n")
            server.stdin.flush()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
