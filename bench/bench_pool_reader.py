#!/usr/bin/env python3
"""What one parse result costs this process's side of the parse pool, apart from the rest of a poll.

Run from the repository root:  .venv/bin/python bench/bench_pool_reader.py [--results 1000] [--ahead 4]

The pool is watcher's own (make_parse_pool: one worker, matching with bench/poll's entities), the jobs the
harness's all-new feeds (bench/_feedserver.py, 50 items, every item naming two entities: ~57 KB a result pickled),
--ahead of them in the pool at once, the parent otherwise idle. Printed: the CPU of each of this process's threads
per result (/proc/self/task: the executor's manager thread, which reads and unpickles each result; its queue feeder,
which pickles each job; the main thread, which submits and waits), then unpickling alone: a result dropped at once,
and kept (as the poll keeps it until its store: fresh memory, and the collector's scans of what is alive).

Why: in the 10,000-feed first cycle the manager thread takes ~7 CPU-s (~700 µs a result) of the watcher process's
~45, under the GIL; this says how much of that is the pool's own machinery and how much the poll's load around it.
For instruction counts, under callgrind (the worker is not traced; the manager thread is the second thread file):
  valgrind --tool=callgrind --separate-threads=yes .venv/bin/python bench/bench_pool_reader.py --results 200
Not a test: it prints a few lines.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import pickle
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _feedserver  # noqa: E402 -- after the path

from watcher.parse.feed import parse_feed  # noqa: E402
from watcher.parse_pool import make_parse_pool  # noqa: E402
from watcher.worker import read_and_match  # noqa: E402


def thread_cpu() -> dict[int, tuple[float, float]]:
    """(CPU seconds, of which system) of each thread of this process, by native id."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(tid)] = ((int(fields[11]) + int(fields[12])) / tick, int(fields[12]) / tick)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=1000)
    parser.add_argument("--ahead", type=int, default=2, help="jobs in the pool at once (watcher: QUEUED per worker)")
    args = parser.parse_args()
    _feedserver.configure(50, 200, "all")
    entities = tuple((name, ((name, False, None),), (), (), None) for name in _feedserver.ENTITIES)
    bodies = [_feedserver.feed_body(index, 0) for index in range(50)]
    job = functools.partial(read_and_match, parse_feed, content_type="application/rss+xml", url="http://x/", key="k")
    pool = make_parse_pool(workers=1, entities=entities, key="k")
    try:
        results = [pool.submit(job, body).result(timeout=60) for body in bodies]  # the worker is up; kept for below
        before = thread_cpu()
        started = time.perf_counter()
        pending: list[Future] = []
        for index in range(args.results):
            pending.append(pool.submit(job, bodies[index % len(bodies)]))
            if len(pending) >= args.ahead:
                pending.pop(0).result(timeout=60)
        for future in pending:
            future.result(timeout=60)
        wall = time.perf_counter() - started
        after = thread_cpu()
        names = {
            thread.native_id: "manager thread (reads results)" if "Manager" in type(thread).__name__ else thread.name
            for thread in threading.enumerate()
        }
    finally:
        pool.shutdown(wait=True)
    print(f"{args.results} results, {args.ahead} ahead: {wall:.2f} s wall; per result, each thread's CPU (system):")
    for tid, (cpu, system) in sorted(after.items(), key=lambda item: -item[1][0]):
        was_cpu, was_system = before.get(tid, (0.0, 0.0))
        if cpu - was_cpu >= 0.01:
            per_result, system_part = ((cpu - was_cpu) * 1e6 / args.results, (system - was_system) * 1e6 / args.results)
            print(f"  {names.get(tid, tid)!s:32s} {per_result:6.0f} µs ({system_part:4.0f})")
    blobs = [pickle.dumps(result, protocol=pickle.DEFAULT_PROTOCOL) for result in results]
    print(f"unpickling a result alone ({sum(map(len, blobs)) / len(blobs) / 1024:.1f} KB), µs:")
    rounds = max(args.results // len(blobs), 1)
    for keep in (False, True):
        kept = []
        started = time.thread_time()
        for _ in range(rounds):
            for blob in blobs:
                loaded = pickle.loads(blob)
                if keep:
                    kept.append(loaded)
        per_result = (time.thread_time() - started) / (rounds * len(blobs)) * 1e6
        print(f"  {'kept' if keep else 'dropped at once':32s} {per_result:6.0f}")
        del kept
        gc.collect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
