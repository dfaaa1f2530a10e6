"""Run by Python at start where tests/conftest.py put this directory on PYTHONPATH: see loopback_guard.py, and
startup_hold.py for a test that holds a process at a known point of its start."""

import os

import loopback_guard  # noqa: F401

if os.environ.get("WATCHER_TEST_HOLD_IMPORT"):
    import startup_hold

    startup_hold.install()
