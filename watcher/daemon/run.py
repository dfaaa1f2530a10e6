"""The daemon's entry points: `watcher run` (run_daemon) and `watcher run --once` (run_once)."""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
from pathlib import Path

from watcher import signals
from watcher.app import Watcher
from watcher.config import Config, load_config
from watcher.daemon.service import Daemon

# One logger for the package, as when it was one module (the JSON logs name it).
log = logging.getLogger("watcher.daemon")


async def run_once(config: Config) -> tuple[object, object]:
    """`watcher run --once`: poll every feed once, then build and send the digest now."""
    watcher = await asyncio.to_thread(functools.partial(Watcher.open, config, one_pass=True))
    from watcher.cli import settled

    settled()  # what the start loaded is out of the collector's reach
    try:
        summary = await watcher.poll(everything=True)
        await asyncio.to_thread(watcher.follow_up)
        outcome = await asyncio.to_thread(watcher.digest)
    finally:
        await watcher.aclose()
    return summary, outcome


def run_daemon(config_path: Path) -> int:
    # A reload asked for before this read is satisfied by it; one noted after is done once running.
    if signals.forget(signal.SIGHUP):
        log.info("config.reload_requested", extra={"fields": {"reason": "SIGHUP", "while": "starting: read now"}})
    config = load_config(config_path)
    return asyncio.run(Daemon(config_path, config).run())
