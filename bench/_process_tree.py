"""A child process measured from outside (bench/poll, bench/peak_rss.py): wall, CPU and peak RSS of its whole tree."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CYCLE_TIMEOUT = 900.0  # seconds: one cycle that takes longer is stopped (bounded run)


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def tree_rss_mb(pid: int, seen: set[int] | None = None) -> float:
    """VmRSS summed over the process tree of pid, a copy of pid not yet exec'd counted as zero; the pids found are
    added to `seen`.

    A child between (v)fork and exec (the parse worker's, the resource tracker's or the forkserver's start) shares
    the command's memory, and its VmRSS counts that again: caught under load, 155-163 MB for 139 (bench/peak_rss.py,
    docs/benchmarks.md, issue 12). It is known by its command line, still the command's; its cmdline is read before
    its VmRSS, so one that execs in between counts zero, not twice. Matched against the command, not the parent: a
    forkserver's children never exec and carry their parent's command line, and their memory is their own. Not Pss
    (smaps_rollup), which splits pages shared in the tree but also those shared with processes outside it (the
    interpreter and libraries other Python processes map): a lone `watcher poll --once` read ~12 MB lower on this
    shared machine, by an amount that depends on what else runs. rss2email's tree is summed by the same rule."""
    total, todo, found = 0, [pid], set()
    command = _cmdline(pid)
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        if current == pid or _cmdline(current) != command:
            total += _rss_kb(current)
        todo += _children(current)
    if seen is not None:
        seen |= found
    return total / 1024


def become_subreaper() -> bool:
    """Orphaned descendants (a forkserver outliving its parent) become this process's children, so reaping them
    adds their CPU, and their reaped children's, to RUSAGE_CHILDREN: the whole tree is counted."""
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _reap_orphans(pids: set[int], deadline: float) -> None:
    """Wait (bounded) for the descendants seen to exit, reaping those handed to this process."""
    while pids and time.monotonic() < deadline:
        for pid in list(pids):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # not (or no longer) our child: reaped by its own parent, or gone
                done = pid if not Path(f"/proc/{pid}").exists() else 0
            if done:
                pids.discard(pid)
        if pids:
            time.sleep(0.02)


WATCHER_ENV: dict[str, str] | None = None  # the environment of watcher's processes (None: this one's)


def compiled_watcher(work: Path) -> None:
    """Run watcher's processes as an installed watcher runs: on compiled bytecode (pip compiles a package when it
    installs it; rss2email's venv and watcher's dependencies have their .pyc files). In the repository, with
    PYTHONDONTWRITEBYTECODE set (as on this machine), every `watcher poll` compiled its ~90 modules again, ~0.1-0.25
    CPU-s of each process start. compileall writes watcher/**/__pycache__ (ignored by git) before the clock;
    Python reads .pyc files whatever PYTHONDONTWRITEBYTECODE says, and recompiles a module whose source changed."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "watcher")], check=True, cwd=work)


def run_measured(
    command: list[str], *, stdout: int | None = subprocess.PIPE, log: Path | None = None, env: dict | None = None
) -> dict:
    """Run a child to completion (bounded by CYCLE_TIMEOUT); wall, CPU and peak RSS of its process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    errors = log.open("ab") if log else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=stdout, stderr=errors, cwd=ROOT, env=env)
    peak = 0.0
    stop = threading.Event()
    descendants: set[int] = set()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.1):
            peak = max(peak, tree_rss_mb(process.pid, descendants))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        output, _ = process.communicate(timeout=CYCLE_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise SystemExit(f"{command[:3]} took longer than {CYCLE_TIMEOUT:g}s; stopped") from None
    finally:
        stop.set()
        sampler.join()
        if log:
            errors.close()
    wall = time.perf_counter() - started
    _reap_orphans(descendants - {process.pid}, time.monotonic() + 10)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed with exit status {process.returncode} (see {log})")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_outside": wall, "cpu_outside": cpu, "tree_peak_mb": peak, "output": output}
