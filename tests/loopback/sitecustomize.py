"""Run by Python at start where tests/conftest.py put this directory on PYTHONPATH: see loopback_guard.py."""

import loopback_guard  # noqa: F401
