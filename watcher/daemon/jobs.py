"""What the daemon's scheduled jobs do: the polling tick, the digest (once a start's due feeds are polled), pruning,
and the systemd watchdog's ping while polling makes progress."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta

from watcher import health
from watcher.app import Watcher
from watcher.clock import utcnow
from watcher.config import Config
from watcher.deliver import digest_due, retry_pending
from watcher.store.digests import feeds_not_polled_since

# One logger for the package, as when it was one module (the JSON logs name it).
log = logging.getLogger("watcher.daemon")

# How long after a start the day's digest waits for the feeds due then to be polled. A first pass over
# 1,000 feeds takes ~15 s (docs/benchmarks.md) and a dead instance's lease lapses within 2 × poll.timeout
# + 2 min; a feed still unpolled after this is stuck, and the digest goes out with what is stored.
DIGEST_WAIT_LIMIT = timedelta(minutes=30)


class DaemonJobs:
    """Daemon's jobs (a mixin: the state it uses is made in Daemon.__init__)."""

    config: Config
    watcher: Watcher | None
    started_at: datetime | None
    digest_ready: bool
    digest_waiting_logged: bool
    last_tick_done: float

    async def poll_tick(self) -> None:
        assert self.watcher is not None
        await self.watcher.poll()
        self.last_tick_done = time.monotonic()
        # The search index, holds like rejected matches, instant alerts: within the tick that stored the items.
        await asyncio.to_thread(self.watcher.follow_up)
        if not self.digest_ready and digest_due(self.watcher.config, utcnow()):
            await self.digest_tick()  # an overdue digest goes out as soon as the start's feeds are polled

    async def digest_tick(self) -> None:
        assert self.watcher is not None
        watcher, now = self.watcher, utcnow()
        if digest_due(watcher.config, now) and await self._polled_since_start(now):
            await asyncio.to_thread(watcher.digest, now, scheduled=True)
        else:
            await asyncio.to_thread(retry_pending, watcher.db, watcher.mailer, now)

    async def _polled_since_start(self, now: datetime) -> bool:
        """Every feed due when this instance started has been polled since, by any instance, or we stop waiting.

        This instance's own first pass is not enough: with several instances on one database, one that
        finds every due feed leased by the others "finishes" at once, and would take the day's digest
        (one per route and day) from a database still being filled.
        """
        if self.digest_ready:
            return True
        assert self.watcher is not None and self.started_at is not None
        db, started_at = self.watcher.db, self.started_at

        def count() -> int:
            with db.session() as session:
                return feeds_not_polled_since(session, started_at)

        waiting = await asyncio.to_thread(count)
        if waiting and now - started_at < DIGEST_WAIT_LIMIT:
            if not self.digest_waiting_logged:
                self.digest_waiting_logged = True
                log.info("digest.waiting", extra={"fields": {"feeds_not_polled_since_start": waiting}})
            return False
        if waiting:
            minutes = round(DIGEST_WAIT_LIMIT.total_seconds() / 60)
            log.warning(
                "digest.not_waiting",
                extra={"fields": {"feeds_not_polled_since_start": waiting, "waited_minutes": minutes}},
            )
        self.digest_ready = True
        return True

    def stalled_for(self) -> float:
        """Seconds since polling last made progress: a feed finished (in however long a tick), or a tick ended."""
        poller = self.watcher._poller if self.watcher else None
        progress = max(self.last_tick_done, poller.last_progress if poller else 0.0)
        return time.monotonic() - progress

    def healthy(self) -> bool:
        return self.stalled_for() < health.HEALTHY_WITHIN

    async def watchdog(self) -> None:
        """Ping systemd every WatchdogSec/3 while healthy, whatever a tick's length; a wedged poller goes unpinged
        and systemd restarts the service WatchdogSec later (a frozen event loop pings nothing either).

        Progress is judged over HEALTHY_WITHIN, not WatchdogSec: one feed may take poll.timeout to fetch and
        PARSE_TIMEOUT to parse, and a tick of slow feeds finishes none for that long while perfectly healthy.
        """
        stalled = self.stalled_for()
        if stalled < health.HEALTHY_WITHIN:
            health.sd_notify("WATCHDOG=1")
        else:
            log.error("watchdog.no_progress", extra={"fields": {"seconds": round(stalled)}})

    async def prune(self) -> None:
        assert self.watcher is not None
        await asyncio.to_thread(self.watcher.prune)
