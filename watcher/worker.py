"""Set-up of a parse worker process: what runs in it before any feed does.

Kept apart and light: unpickling the initializer in a fresh worker imports only this module.
"""

from __future__ import annotations

import contextlib
import os
import resource
import threading
import time

PARENT_CHECK_SECONDS = 2.0


def init_parse_worker(memory_limit: int, parent_pid: int) -> None:
    """Cap the worker's address space, and make it exit when the daemon that started it is gone.

    Without the second, a daemon killed with SIGKILL leaves its workers (and the forkserver and
    resource tracker they keep alive) running for ever: each worker holds its own task queue open.
    """
    with contextlib.suppress(ValueError, OSError, AttributeError):  # no RLIMIT_AS here: no cap
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_limit if hard == resource.RLIM_INFINITY else min(memory_limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    threading.Thread(target=_exit_with, args=(parent_pid,), name="watch-parent", daemon=True).start()


def _exit_with(parent_pid: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if not _alive(parent_pid):
            os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed parent nobody has reaped yet is a zombie: gone for our purpose
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True
