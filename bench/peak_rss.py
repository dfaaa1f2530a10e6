#!/usr/bin/env python3
"""What sets the peak tree RSS of each `watcher poll --once` cycle of issue 12's harness (bench/poll --harness).

Run from the repository root:  .venv/bin/python bench/peak_rss.py [--feeds N] [--hosts H] [--rates 0 2 200]

The cycles of bench/poll's harness (all new, 10% changed, unchanged; every feed with ETag and Last-Modified), watcher
only (no rss2email), each in a fresh `watcher poll --once` process whose tree is sampled every 0.05 s from /proc:
each process's VmRSS, named by its role (the command itself, parse workers, the resource tracker). For each cycle:
the peak tree RSS, what made it (each role's share at that sample), the most parse workers alive at once, the
phase of the pass at the peak (the last log event before it), whole-tree CPU (RUSAGE_CHILDREN around the process,
as bench/poll counts it) and what the cycle stored. Not a test: it prints a table.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SAMPLE_SECONDS = 0.05


def _bench_poll() -> object:
    """bench/poll's helpers (feed server, config, harness cycles), imported from its file (it has no .py name)."""
    loader = importlib.machinery.SourceFileLoader("bench_poll", str(BENCH / "poll"))
    spec = importlib.util.spec_from_loader("bench_poll", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


poll = _bench_poll()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _role(pid: int, root: int, root_command: str) -> str:
    if pid == root:
        return "command"
    command = _cmdline(pid)
    if not command:
        return "gone"
    if command == root_command:
        # A child between (v)fork and exec: it shares the command's memory, and VmRSS counts it again (an artefact of
        # summing VmRSS, caught under load, when the child waits long for the CPU before its exec).
        return "pre-exec"
    if "resource_tracker" in command:
        return "resource tracker"
    if "forkserver" in command:
        return "forkserver"
    if "spawn_main" in command or "multiprocessing" in command:
        return "parse worker"
    return "other"


def sample_tree(root: int, roles: dict[int, str]) -> dict[int, int]:
    """VmRSS in kB of each process of root's tree; the pids' roles noted in `roles` (a pre-exec child's again: it
    becomes a worker). A pre-exec child is keyed by its negated pid."""
    found: dict[int, int] = {}
    todo = [root]
    root_command = roles.setdefault(-root, _cmdline(root))
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        if roles.get(pid) in (None, "pre-exec", "gone", "other"):
            roles[pid] = _role(pid, root, root_command)
        key = -pid if roles[pid] == "pre-exec" else pid
        found[key] = poll._rss_kb(pid)
        roles.setdefault(key, roles[pid])
        todo += poll._children(pid)
    return found


def measured_cycle(config: Path, log: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-m", "watcher", "--config", str(config), "--log-level", "info"]
    command += ["--log-format", "json", "poll", "--once"]
    started = time.time()
    with log.open("wb") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, cwd=ROOT, env=poll.WATCHER_ENV)
        samples: list[tuple[float, dict[int, int]]] = []
        roles: dict[int, str] = {}
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(SAMPLE_SECONDS):
                samples.append((time.time(), sample_tree(process.pid, roles)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        output, _ = process.communicate(timeout=poll.CYCLE_TIMEOUT)
        stop.set()
        sampler.join()
    wall = time.time() - started
    descendants = {pid for _, tree in samples for pid in tree} - {process.pid}
    poll._reap_orphans(descendants, time.monotonic() + 10)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"watcher poll failed ({process.returncode}); see {log}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = poll.POLL_SUMMARY.search(output.decode())
    assert found is not None, output
    items, matches = int(found.group(4)), int(found.group(5))
    timeline = log.with_suffix(".rss.json")  # each sample: seconds from the start, {role: [MB, ...]}
    timeline.write_text(json.dumps([[round(when - started, 2), _by_role(tree, roles)] for when, tree in samples]))
    at, tree = max(samples, key=lambda sample: sum(sample[1].values()))
    real = max(sum(kb for pid, kb in tree.items() if pid > 0) for _, tree in samples) / 1024
    shares: dict[str, list[int]] = {}
    for pid, kb in tree.items():
        shares.setdefault(roles.get(pid, "?"), []).append(kb)
    workers = max(sum(1 for pid in tree if pid > 0 and roles.get(pid) == "parse worker") for _, tree in samples)
    return {
        "wall": wall,
        "cpu": cpu,
        "items": items,
        "matches": matches,
        "peak_mb": sum(tree.values()) / 1024,
        "peak_without_pre_exec_mb": real,
        "peak_at_s": at - started,
        "shares": {role: [round(kb / 1024) for kb in kbs] for role, kbs in shares.items()},
        "workers": workers,
        "phase": _phase_at(log, at),
        "command_peak_mb": max(tree.get(process.pid, 0) for _, tree in samples) / 1024,
    }


def _by_role(tree: dict[int, int], roles: dict[int, str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for pid, kb in tree.items():
        found.setdefault(roles.get(pid, "?"), []).append(round(kb / 1024))
    return found


def _phase_at(log: Path, moment: float) -> str:
    """The last log event of the command logged before `moment` (JSON log lines carry their time)."""
    from datetime import datetime

    last = "start"
    for line in log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        stamp = record.get("time") or record.get("ts") or record.get("timestamp")
        if not stamp:
            continue
        try:
            when = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp()
        except ValueError:
            continue
        if when > moment:
            break
        last = str(record.get("event") or record.get("message") or record.get("msg"))
    return last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=1)
    parser.add_argument("--rates", type=float, nargs="+", default=[0, 2, 200])
    parser.add_argument("--first-only", action="store_true", help="the all-new cycle only")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each shape (fresh state each time)")
    args = parser.parse_args()
    poll.become_subreaper()
    work = Path(tempfile.mkdtemp(prefix="watcher-bench-peak-"))
    poll.compiled_watcher(work)
    print(f"load: {os.getloadavg()[0]:.2f}; work in {work}", flush=True)
    print(
        "| rate | cycle | items / matches | wall s | CPU s | peak tree MB | same, pre-exec children left out | at s "
        "| phase at peak | MB at peak by process | parse workers (most at once) |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---|---|---:|")
    for rate in args.rates:
        for run in range(args.repeat):
            poll._feedserver.configure(args.hosts, rate, "all")
            shape = ("--hosts", str(args.hosts), "--match-rate", f"{rate:g}", "--validators", "all")
            server = poll.FeedServer(args.feeds, work / "server.log", shape)
            try:
                directory = work / f"peak-{rate:g}-{run}"
                config = poll.write_config(directory, args.feeds, server.port)
                for label, bump in poll.HARNESS_CYCLES[: 1 if args.first_only else None]:
                    if bump == "10":
                        server.command("bump 10")
                    server.stats()
                    figures = measured_cycle(config, directory / f"{label.replace(' ', '-')}.log")
                    shares = ", ".join(f"{role} {'+'.join(map(str, mb))}" for role, mb in figures["shares"].items())
                    print(
                        f"| {rate:g}% | {label} | {figures['items']:,} / {figures['matches']:,} "
                        f"| {figures['wall']:.2f} | {figures['cpu']:.2f} | {figures['peak_mb']:.0f} "
                        f"| {figures['peak_without_pre_exec_mb']:.0f} "
                        f"| {figures['peak_at_s']:.1f} | {figures['phase']} | {shares} | {figures['workers']} |",
                        flush=True,
                    )
            finally:
                server.close()
    print(f"load after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
