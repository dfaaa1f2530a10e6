"""Signals that arrive while `watcher` starts, before the command that handles them is known or ready.

Python's defaults end the process on SIGHUP (status 129) and SIGTERM (143). `watcher run` spends its
first seconds importing, reading config.yaml and building the matcher (~1.4 s; ~6 s with 5,000
entities), and a `systemctl reload` then killed it. So `defer()` is the first thing `watcher` does
(watcher/__main__.py): from then on SIGHUP, SIGTERM and SIGINT are only noted. Then either

- the daemon takes them over (`take_over`): its event loop handles them, and it acts on those noted
  meanwhile (a stop ends the start cleanly, status 0; a reload is done once it runs, unless it came
  before the daemon read its config — `forget`), or
- any other command gets the previous handlers back (`restore`), and a signal noted meanwhile is
  delivered again: Ctrl-C still interrupts `watcher feeds`, SIGTERM still ends `watcher check-config`.

Standard library only: this module is imported before anything else.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

DEFERRED = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)

_noted: list[int] = []
_previous: dict[int, Any] = {}


def _note(signum: int, frame: FrameType | None) -> None:
    _noted.append(signum)


def defer() -> None:
    """Note SIGHUP, SIGTERM and SIGINT instead of acting on them, until `take_over` or `restore`."""
    for signum in DEFERRED:
        previous = signal.signal(signum, _note)
        _previous.setdefault(signum, previous)


def restore() -> None:
    """Give the signals their previous handlers back, then deliver again those noted meanwhile."""
    for signum, previous in _previous.items():
        signal.signal(signum, previous)
    _previous.clear()
    noted = list(dict.fromkeys(_noted))
    _noted.clear()
    for signum in noted:
        signal.raise_signal(signum)


def take_over() -> set[int]:
    """The caller now handles the signals itself (its handlers are installed): → those noted so far."""
    noted = set(_noted)
    _noted.clear()
    _previous.clear()
    return noted


def forget(signum: int) -> bool:
    """Drop a noted signal the caller has just satisfied (a reload, by reading the config): → it was noted."""
    noted = signum in _noted
    _noted[:] = [other for other in _noted if other != signum]
    return noted
