"""Tests only: hold a Python process just before it imports one module, until the test lets it go on.

With WATCHER_TEST_HOLD_IMPORT=watcher.cli and WATCHER_TEST_HOLD_DIR=<dir> in its environment, the process writes
<dir>/held (its pid) as it is about to import that module, then waits until <dir>/go exists (at most
HOLD_SECONDS). A test acts on it at a known point of its start (a signal sent after `watcher` deferred signals and
before it imported its CLI) instead of guessing that moment from the clock, which a loaded machine made wrong.
Signal handlers still run while it waits. The variables are taken out of the environment: its children don't hold.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

MODULE_ENV = "WATCHER_TEST_HOLD_IMPORT"
DIRECTORY_ENV = "WATCHER_TEST_HOLD_DIR"
HOLD_SECONDS = 120.0  # a test that never lets go fails on its own deadline; the process then goes on


class Hold:
    def __init__(self, module: str, directory: str) -> None:
        self.module = module
        self.directory = directory
        self.done = False

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name != self.module or self.done:
            return None
        self.done = True  # not taken off sys.meta_path: importlib is going through that list right now
        with open(os.path.join(self.directory, "held"), "w", encoding="ascii") as held:
            held.write(str(os.getpid()))
        go = os.path.join(self.directory, "go")
        deadline = time.monotonic() + HOLD_SECONDS
        while not os.path.exists(go) and time.monotonic() < deadline:
            time.sleep(0.01)
        return None  # the usual finders import it


def install() -> None:
    module, directory = os.environ.pop(MODULE_ENV, ""), os.environ.pop(DIRECTORY_ENV, "")
    if module and directory:
        sys.meta_path.insert(0, Hold(module, directory))
