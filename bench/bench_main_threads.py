#!/usr/bin/env python3
"""Where the watcher process's own CPU goes in one all-new `watcher poll --once` of issue 12's harness shape.

Run from the repository root:  .venv/bin/python bench/bench_main_threads.py [--feeds 2000] [--hosts 50] [--rate 200]
                                   [--root OTHER_TREE] [--py-spy OUT.raw]

The cycle is bench/poll's own (its FeedServer, write_config, run_measured and compiled bytecode; every feed with
ETag and Last-Modified, --rate matches per 100 items), `watcher poll --once` in a fresh process. Beside the whole
tree's CPU (parse workers included) it prints the watcher process's own (getrusage at its exit), the CPU of each of
its threads (/proc/PID/task/TID/stat, sampled every 0.2 s: the event loop, the asyncio.to_thread workers that run
the writer, the process pool's result reader and queue feeder), the time its garbage collections took, and what
the parse workers did (worker_states, sampled every 10 ms: running, or blocked sending a result, or waiting for
work, from /proc/PID/stat and wchan). A/B on a
loaded machine: --root another checkout (its watcher/ and bench/ are used; this Python's packages), runs
alternated in the same minutes; the process's own CPU is steadier than wall time.

Why: the main process (writer, event loop, result reader under one GIL) is the floor of the 10,000-feed first
cycle (docs/benchmarks.md, "Issue 12, heavy cycles"); this says which of its parts to work on.
Not a test: it prints one JSON line.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent.parent

# Run inside the watcher process, before `python -m watcher`: its own CPU at exit, each thread's native id and
# name as it starts (the asyncio workers are named; the pool's manager thread overrides run() and stays unnamed),
# and the collector's time per generation.
PROBE = """\
import atexit, gc, os, resource, runpy, sys, threading, time
_gc = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}
_started = [0.0]
def _collected(phase, info):
    if phase == "start":
        _started[0] = time.thread_time()
    else:
        _gc[info["generation"]][0] += 1
        _gc[info["generation"]][1] += time.thread_time() - _started[0]
gc.callbacks.append(_collected)
def _report():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    sys.stderr.write("PROBE-CPU %.3f %.3f\\n" % (usage.ru_utime, usage.ru_stime))
    sys.stderr.write("PROBE-GC %s\\n" % " ".join("%d:%d:%.3f" % (g, n, s) for g, (n, s) in _gc.items()))
    with open("/proc/self/io") as io:  # SQLite's page reads and WAL writes (and the pipes' and sockets' bytes)
        sys.stderr.write("PROBE-IO %s\\n" % " ".join(line.replace(": ", "=") for line in io.read().splitlines()))
    sys.stderr.flush()
atexit.register(_report)
_run = threading.Thread.run
def _named_run(self):
    sys.stderr.write("PROBE-THREAD %d %s\\n" % (threading.get_native_id() - os.getpid(), self.name))
    return _run(self)
threading.Thread.run = _named_run
sys.argv = ["watcher", "--config", CONFIG, "poll", "--once"]
runpy.run_module("watcher", run_name="__main__", alter_sys=True)
"""


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read()
    except OSError:
        return b""


def load_bench_poll(root: Path) -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("bench_poll", str(root / "bench" / "poll"))
    spec = importlib.util.spec_from_loader("bench_poll", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def thread_cpu(pid: int) -> dict[int, tuple[float, float]]:
    """(CPU seconds, of which system) of each thread of `pid`, by native id less the pid (0: the main thread)."""
    found: dict[int, tuple[float, float]] = {}
    tick = os.sysconf("SC_CLK_TCK")
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(tid) - pid] = ((int(fields[11]) + int(fields[12])) / tick, int(fields[12]) / tick)
    return found


def worker_state(pid: int) -> str | None:
    """What a parse worker's main thread is doing now: "running" (on or waiting for a CPU), "sending" (blocked
    writing its result pipe: full), "waiting" (blocked reading its job pipe: nothing to parse), or "other"."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
        with open(f"/proc/{pid}/wchan") as wchan:
            blocked_in = wchan.read()
    except OSError:
        return None
    if state == "R":
        return "running"
    return {"pipe_write": "sending", "pipe_read": "waiting"}.get(blocked_in.removeprefix("anon_"), "other")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout to run (default: this one)")
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--rate", type=float, default=200, help="matches per 100 items")
    parser.add_argument("--label", default="")
    parser.add_argument("--py-spy", dest="py_spy", help="also record the watcher process with py-spy (raw format)")
    args = parser.parse_args()
    root = args.root.resolve()
    bench = load_bench_poll(root)
    work = Path(tempfile.mkdtemp(prefix="watcher-bench-threads-"))
    log = work / "log"
    bench.compiled_watcher(work)
    bench._feedserver.configure(args.hosts, args.rate, "all")
    shape = ("--hosts", str(args.hosts), "--match-rate", f"{args.rate:g}", "--validators", "all")
    server = bench.FeedServer(args.feeds, log, shape)
    threads: dict[int, tuple[float, float]] = {}
    states: dict[str, int] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):
            mine = bench._children(os.getpid())
            for child in mine + [grandchild for pid in mine for grandchild in bench._children(pid)]:  # py-spy's too
                try:
                    with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                        words = cmdline.read().split(b"\0")
                except OSError:
                    continue
                if b"PROBE-CPU" in b" ".join(words) and b"py-spy" not in words[0]:
                    threads.update(thread_cpu(child))

    def sample_workers() -> None:
        # Every 10 ms: the parse workers' states, which say whether the worker waited on its result pipe
        # (the parent not reading) or for work (the parent not sending), the two ways it idles.
        workers: list[int] = []
        while not stop.wait(0.01):
            if not workers or stop.is_set():
                for child in bench._children(os.getpid()):
                    workers = [
                        pid
                        for pid in bench._children(child)
                        if b"spawn_main" in _cmdline(pid) and b"resource_tracker" not in _cmdline(pid)
                    ] or workers
            for pid in workers:
                state = worker_state(pid)
                if state is not None:
                    states[state] = states.get(state, 0) + 1

    try:
        config = bench.write_config(work / "watcher", args.feeds, server.port)
        command = [sys.executable, "-c", f"CONFIG = {str(config)!r}\n" + PROBE]
        if args.py_spy:
            command = ["py-spy", "record", "-r", "50", "-f", "raw", "-o", args.py_spy, "--", *command]
        server.stats()
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        worker_sampler = threading.Thread(target=sample_workers, daemon=True)
        worker_sampler.start()
        try:
            outcome = bench.run_measured(command, log=log, env=bench.WATCHER_ENV)
        finally:
            stop.set()
            sampler.join()
            worker_sampler.join()
        found = bench.POLL_SUMMARY.search(outcome["output"].decode())
        if found is None:
            raise SystemExit(f"`watcher poll --once` printed no summary (see {log})")
        _ok, _unchanged, failed, items, matches = (int(group) for group in found.groups())
        lines = log.read_text(errors="replace").splitlines()
        names = {0: "main (event loop)"}
        user = system = 0.0
        collections = ""
        io: dict[str, int] = {}
        for line in lines:
            if line.startswith("PROBE-THREAD "):
                _, offset, name = line.split(maxsplit=2)
                names[int(offset)] = name
            elif line.startswith("PROBE-CPU "):
                user, system = (float(value) for value in line.split()[1:3])
            elif line.startswith("PROBE-GC "):
                collections = line.split(maxsplit=1)[1]
            elif line.startswith("PROBE-IO "):
                io = {key: int(value) for key, value in (pair.split("=") for pair in line.split()[1:])}
        own = user + system
        print(
            json.dumps(
                {
                    "label": args.label or root.name,
                    "utc": time.strftime("%H:%M:%S", time.gmtime()),
                    "load": round(os.getloadavg()[0], 1),
                    "feeds": args.feeds,
                    "items": items,
                    "matches": matches,
                    "failed": failed,
                    "wall_s": round(outcome["wall_outside"], 2),
                    "tree_cpu_s": round(outcome["cpu_outside"], 2),
                    "watcher_process_s": [round(user, 2), round(system, 2)],
                    "others_s": round(outcome["cpu_outside"] - own, 2),
                    "watcher_process_us_per_item": round(own / max(items, 1) * 1e6, 1),
                    "peak_tree_mb": round(outcome["tree_peak_mb"]),
                    "gc_generation_count_s": collections,
                    # the watcher process's own I/O: MB and calls read, MB and calls written
                    "io_read_mb_calls": [round(io.get("rchar", 0) / 1e6), io.get("syscr", 0)],
                    "io_written_mb_calls": [round(io.get("wchar", 0) / 1e6), io.get("syscw", 0)],
                    # the parse workers' main threads, sampled every 10 ms: shares of the samples
                    "worker_states": {
                        state: round(count / max(sum(states.values()), 1), 2) for state, count in sorted(states.items())
                    },
                    # each thread's CPU seconds, and of them system time (its syscalls: I/O, the GIL's futexes)
                    "threads_s": sorted(
                        (
                            (round(cpu, 2), round(system, 2), names.get(offset, "?"))
                            for offset, (cpu, system) in threads.items()
                            if cpu >= 0.05
                        ),
                        reverse=True,
                    ),
                }
            ),
            flush=True,
        )
    finally:
        server.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
