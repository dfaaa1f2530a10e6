"""Whether the daemon is healthy, and telling systemd (Type=notify, WatchdogSec=).

Healthy means polling makes progress: a feed finished, however long its tick lasts, or a tick ended (one
that finds nothing due ends at once). The daemon answers /healthz and pings the watchdog by it; here are
the notify protocol, the limits, and `watchdog_problems`, which check-config and the daemon's start use
to say which settings cannot work with them.
"""

from __future__ import annotations

import logging
import os
import socket

from watcher.config import Config
from watcher.poll.parsing import PARSE_TIMEOUT

log = logging.getLogger(__name__)

# Seconds without polling progress (a feed finished, or a tick ended) after which watcher counts itself
# wedged: /healthz answers 503 and the systemd watchdog is no longer pinged. Longer than one feed may
# take (poll.timeout + PARSE_TIMEOUT + STORE_MARGIN) and than poll.tick: watchdog_problems checks both.
HEALTHY_WITHIN = 600.0
STORE_MARGIN = 60.0  # storing one feed's items, the write lock included (as in Poller.lease)
# Pings come every WatchdogSec/3 from the event loop, which also decompresses and hashes each response
# (~30 ms per 10 MB, 16 at once at most by default): a ping may be late by half a second.
WATCHDOG_MIN_SECONDS = 1.0
SHIPPED_WATCHDOG_SECONDS = 600.0  # deploy/watcher.service: WatchdogSec=10min


def sd_notify(state: str) -> None:
    """Tell systemd (Type=notify) how we are doing; a no-op outside systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(state.encode())
    except OSError as exc:
        log.warning("systemd.notify_failed", extra={"fields": {"error": str(exc)}})


def watchdog_seconds() -> float | None:
    """WatchdogSec= of our unit, if systemd set one for this process."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or (pid.isdigit() and int(pid) != os.getpid()):
        return None
    return int(usec) / 1_000_000


def configured_watchdog_seconds() -> float:
    """For check-config, run from a shell: WatchdogSec as systemd passes it (WATCHDOG_USEC), else the shipped unit's."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    return int(usec) / 1_000_000 if usec.isdigit() else SHIPPED_WATCHDOG_SECONDS


def watchdog_problems(config: Config, watchdog_seconds: float | None) -> list[str]:
    """Settings with which a healthy daemon would count itself wedged (and systemd would restart it), or the
    watchdog could not be pinged in time. Empty when everything can work."""
    limit = _duration(HEALTHY_WITHIN)
    wedged = (
        f"the {limit} without polling progress after which watcher counts itself wedged (/healthz answers 503, "
        "the systemd watchdog is no longer pinged and systemd restarts it)"
    )
    problems = []
    tick = config.poll.tick.total_seconds()
    if tick >= HEALTHY_WITHIN:
        problems.append(
            f"poll.tick: {_duration(tick)}: an idle daemon shows progress once a tick; that is {wedged}; "
            f"keep it under {limit}"
        )
    timeout = config.poll.timeout.total_seconds()
    if timeout + PARSE_TIMEOUT + STORE_MARGIN >= HEALTHY_WITHIN:
        problems.append(
            f"poll.timeout: {_duration(timeout)}: one feed may take that long to fetch, {PARSE_TIMEOUT:g} s to parse "
            f"and {STORE_MARGIN:g} s to store, and while only slow feeds are in flight nothing finishes; that "
            f"reaches {wedged}; keep it under {_duration(HEALTHY_WITHIN - PARSE_TIMEOUT - STORE_MARGIN)}"
        )
    if watchdog_seconds is not None and watchdog_seconds < WATCHDOG_MIN_SECONDS:
        problems.append(
            f"WatchdogSec={_duration(watchdog_seconds)}: watcher pings every WatchdogSec/3 from its event loop, "
            "which also decompresses and hashes responses, so a ping can be half a second late and systemd "
            f"would kill a healthy daemon; use {_duration(WATCHDOG_MIN_SECONDS)} or more "
            f"(the shipped unit: {_duration(SHIPPED_WATCHDOG_SECONDS)})"
        )
    return problems


def _duration(seconds: float) -> str:
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"
