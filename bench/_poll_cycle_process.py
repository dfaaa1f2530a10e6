"""bench/poll --cycle: one watcher cycle through the Python API, in a fresh process, and its CPU."""

from __future__ import annotations

import asyncio
import os
import resource
import time
import urllib.request
from pathlib import Path


def run_cycle(spec: dict) -> dict:
    """One watcher cycle in this (fresh) process; prints nothing, returns the figures."""
    import multiprocessing.forkserver

    import httpx

    from watcher.app import Watcher
    from watcher.config import load_config
    from watcher.fetch.client import make_client
    from watcher.poll.poller import Poller, fetch_limits

    config = load_config(spec["config"])
    watcher = Watcher.open(config)
    client = base = None
    if spec.get("limits"):
        limits = fetch_limits(config)
        base = make_client(limits, config.poll.user_agent, config.poll.concurrency)
        connections, keepalive = spec["limits"]
        client = httpx.AsyncClient(
            headers=base.headers,
            timeout=httpx.Timeout(limits.timeout, connect=limits.connect_timeout),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=keepalive),
        )
        watcher._poller = Poller(watcher.db, config, watcher.matcher, client=client)
    watcher.poller  # noqa: B018 -- built before the window: it reads the entity ids once

    warm: dict[str, float] = {}

    def control(path: str) -> None:
        with urllib.request.urlopen(f"{spec['control']}{path}", timeout=10) as response:
            response.read()

    async def cycle() -> tuple[object, float]:
        if spec.get("warm"):
            # Steady state: a first 90%-unchanged pass, unmeasured, starts the parse pool, imports what is
            # imported lazily and fills SQLAlchemy's statement cache; the second pass is measured. Children
            # CPU is then read from /proc for the live workers (RUSAGE_CHILDREN cannot split the two passes).
            await watcher.poll(everything=True)
            await asyncio.to_thread(control, f"/_control/bump/{spec['warm']}")
            await asyncio.to_thread(control, "/_control/reset")
            warm["self"], warm["children"] = _cpu(resource.RUSAGE_SELF), _pool_cpu(watcher.poller)
        started = time.perf_counter()
        summary = await watcher.poll(everything=True)
        wall = time.perf_counter() - started
        if spec.get("warm"):
            warm["self"] = _cpu(resource.RUSAGE_SELF) - warm["self"]
            warm["children"] = _pool_cpu(watcher.poller) - warm["children"]
        await watcher.aclose()  # shuts the parse pool down and joins its workers
        for own in (client, base):
            if own is not None:
                await own.aclose()
        return summary, wall

    self0, children0 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    summary, poll_wall = asyncio.run(cycle())
    multiprocessing.forkserver._forkserver._stop()  # reap the forkserver: its workers' CPU joins RUSAGE_CHILDREN
    total_wall = time.perf_counter() - started
    self1, children1 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    usage_self, usage_children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall": poll_wall,
        "wall_with_shutdown": total_wall,
        "cpu_self": warm.get("self", self1 - self0),
        "cpu_children": warm.get("children", children1 - children0),
        "maxrss_self_mb": usage_self.ru_maxrss / 1024,
        "maxrss_child_mb": usage_children.ru_maxrss / 1024,
        "ok": summary.feeds_ok,
        "unchanged": summary.feeds_unchanged,
        "failed": summary.feeds_failed,
        "new_items": summary.new_items,
        "new_matches": summary.new_matches,
        "errors": summary.errors[:3],
    }


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _pool_cpu(poller: object) -> float:
    """CPU seconds so far of the live parse workers and the forkserver, from /proc/<pid>/stat."""
    import multiprocessing.forkserver

    pool = poller.parse_pool
    pids = list(pool._processes) if pool is not None else []
    forkserver = multiprocessing.forkserver._forkserver._forkserver_pid
    total = 0
    for pid in [*pids, *([forkserver] if forkserver else [])]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")
