"""The parse pool runs one worker until feeds wait too long for it, or it is busy on the CPU, then the others; its
pipes hold many feeds' results where the system lets them (watcher/parse_pool.py)."""

from __future__ import annotations

import asyncio
import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from watcher.parse_pool import PIPE_BYTES, ParseSlots, enlarge_pipe, make_parse_pool, parse_workers


async def _parses(slots: ParseSlots, count: int, seconds: float) -> int:
    """Run `count` parses of `seconds` each through the slots at once; → the most in flight together."""
    running = peak = 0

    async def parse() -> None:
        nonlocal running, peak
        async with slots.slot():
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(seconds)
            running -= 1

    await asyncio.gather(*(parse() for _ in range(count)))
    return peak


def test_a_few_quick_parses_go_one_at_a_time() -> None:
    opened: list[int] = []
    slots = ParseSlots(2, patience=5.0, on_open=opened.append)
    assert asyncio.run(_parses(slots, 5, 0.01)) == 1
    assert opened == [] and slots.open == 1


def test_the_other_slots_open_once_a_feed_waited_past_patience() -> None:
    opened: list[int] = []
    slots = ParseSlots(2, patience=0.05, on_open=opened.append)
    assert asyncio.run(_parses(slots, 6, 0.1)) == 2
    assert opened == [2] and slots.open == 2


def test_once_open_each_worker_may_have_its_next_parse_queued() -> None:
    opened: list[int] = []
    slots = ParseSlots(2, patience=0.05, on_open=opened.append, queued=2)
    assert asyncio.run(_parses(slots, 8, 0.1)) == 4
    assert opened == [2] and slots.open == 2  # still two workers: the other two parses wait in their queue


def test_one_worker_too_has_its_next_parse_queued_once_open() -> None:
    # On 2 CPUs there is one worker (parse_workers): opening gives it no company, but its next feed waits in its queue.
    opened: list[int] = []
    slots = ParseSlots(1, patience=0.05, on_open=opened.append, queued=2)
    assert asyncio.run(_parses(slots, 6, 0.1)) == 2
    assert opened == [1] and slots.open == 1


@pytest.mark.parametrize(("cpus", "workers"), [(None, 1), (1, 1), (2, 1), (4, 3), (8, 7)])
def test_the_workers_leave_a_cpu_to_the_polling_process(
    monkeypatch: pytest.MonkeyPatch, cpus: int | None, workers: int
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    assert parse_workers() == workers


def test_the_other_slots_open_when_the_one_never_rests() -> None:
    # Three feeds at a time, none waiting as long as patience, but the one slot never free: the all-new pass.
    opened: list[int] = []
    slots = ParseSlots(2, patience=0.2, on_open=opened.append)

    async def producer() -> None:
        for _ in range(12):
            async with slots.slot():
                await asyncio.sleep(0.03)

    async def run() -> None:
        await asyncio.gather(*(producer() for _ in range(3)))

    asyncio.run(run())
    assert opened == [2]


def test_a_slot_kept_busy_by_this_process_while_the_worker_idles_opens_no_other() -> None:
    # The same never-resting slot, but the worker's CPU time stands still (the parses wait on the event loop
    # and the writer): a second worker would wait too. The same worker on the CPU all along opens them.
    async def producer(slots: ParseSlots) -> None:
        for _ in range(12):
            async with slots.slot():
                await asyncio.sleep(0.03)

    async def run(slots: ParseSlots) -> None:
        await asyncio.gather(*(producer(slots) for _ in range(3)))

    idle: list[int] = []
    slots = ParseSlots(2, patience=0.2, on_open=idle.append, worker_cpu=lambda: 1.5)
    asyncio.run(run(slots))
    assert idle == [] and slots.open == 1
    working: list[int] = []
    asyncio.run(run(ParseSlots(2, patience=0.2, on_open=working.append, worker_cpu=time.monotonic)))
    assert working == [2]


def test_a_stuck_parse_does_not_hold_the_waiting_feeds_until_it_times_out() -> None:
    # No feed arrives or finishes while the first is stuck: the waiting one's own timer opens the slots.
    slots = ParseSlots(2, patience=0.05)

    async def run() -> float:
        stuck_started = asyncio.Event()

        async def stuck() -> None:
            async with slots.slot():
                stuck_started.set()
                await asyncio.sleep(60.0)  # cancelled once the other got its slot

        task = asyncio.create_task(stuck())
        await stuck_started.wait()
        started = time.monotonic()
        async with slots.slot():
            waited = time.monotonic() - started
        task.cancel()
        return waited

    assert asyncio.run(run()) < 10.0  # its patience (0.05 s), loaded machine or not; not the stuck one's 60 s


def test_the_pool_starts_only_the_workers_it_is_allowed() -> None:
    pool = make_parse_pool(workers=2, allowed=1)
    try:
        for future in [pool.submit(time.sleep, 0.05) for _ in range(4)]:
            future.result(timeout=60)
        assert len(pool._processes) == 1
        pool.allow(2)  # (the executor counts a worker idle per job done: the first four submitted take those)
        for future in [pool.submit(time.sleep, 0.1) for _ in range(8)]:
            future.result(timeout=60)
        assert len(pool._processes) == 2
    finally:
        pool.shutdown(wait=True)


def test_the_pool_tells_its_workers_cpu_time() -> None:
    pool = make_parse_pool(workers=1)
    try:
        pool.submit(time.sleep, 0).result(timeout=60)  # the worker is up
        before = pool.cpu_seconds()
        pool.submit(sum, range(10**7)).result(timeout=60)  # ~0.1-0.3 s on the CPU
        after = pool.cpu_seconds()
        assert before is not None and after is not None and after - before >= 0.05
    finally:
        pool.shutdown(wait=True)


def _capacity(fd: int) -> int:
    return fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ)


@pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="pipe capacities are Linux's")
def test_the_pools_pipes_hold_many_feeds_results() -> None:
    pool = make_parse_pool(workers=1)
    try:
        # Larger than the 64 KB default: a worker's ~57 KB result does not wait for the parent to read the last.
        assert _capacity(pool._result_queue._writer.fileno()) >= PIPE_BYTES
        assert _capacity(pool._call_queue._writer.fileno()) >= PIPE_BYTES
        assert pool.submit(bytes, 3 * 2**20).result(timeout=60) == bytes(3 * 2**20)  # larger than the pipe: still whole
    finally:
        pool.shutdown(wait=True)


@pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="pipe capacities are Linux's")
def test_a_refused_enlargement_leaves_the_pipe_as_it_was(tmp_path: Path) -> None:
    reader, writer = os.pipe()
    try:
        before = _capacity(writer)
        assert enlarge_pipe(writer, 4096) == before  # never made smaller
        assert enlarge_pipe(writer, 2**40) >= before  # beyond what any kernel takes (and what fcntl passes on)
        assert _capacity(writer) >= before
        with (tmp_path / "plain").open("wb") as plain:
            assert enlarge_pipe(plain.fileno()) is None  # not a pipe: refused, nothing raised
    finally:
        os.close(reader)
        os.close(writer)


UNPRIVILEGED = """
import os
from watcher.parse_pool import _pipe_max_size, enlarge_pipe  # imported first: nobody may not read the venv
if os.getuid() == 0:
    os.setgid(65534)
    os.setuid(65534)
reader, writer = os.pipe()
print(enlarge_pipe(writer, 4 * _pipe_max_size()), _pipe_max_size())
"""


@pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="pipe capacities are Linux's")
def test_an_unprivileged_process_gets_the_largest_pipe_it_may_have() -> None:
    # Above /proc/sys/fs/pipe-max-size the kernel refuses an unprivileged process (EPERM): it gets the limit.
    done = subprocess.run(
        [sys.executable, "-c", UNPRIVILEGED],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent.parent,
    )
    if done.returncode != 0 and "PermissionError" in done.stderr:
        pytest.skip("cannot drop privileges here")
    assert done.returncode == 0, done.stderr
    got, limit = done.stdout.split()
    assert got == limit  # refused the size asked (EPERM), then given the limit
