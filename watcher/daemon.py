"""`watcher run`: the long-running service.

APScheduler 3 (AsyncIOScheduler, in-memory job store rebuilt from config, fixed job ids) drives four
jobs: a polling tick that polls the feeds that are due (each feed's next poll time lives in the
database, not in one job per feed), the daily digest at the configured local time, a catch-up check
every few minutes (so downtime, a missed firing or a DST change still yields the day's digest once),
and a watch on config.yaml. SIGTERM/SIGINT stop it cleanly; SIGHUP reloads the config. Both are
handled from the process's first instruction (watcher/signals.py): a stop noted while starting ends the
start with status 0, a reload noted after the config was read is done once the daemon runs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from watcher import clock, health, signals
from watcher.app import Watcher
from watcher.clock import utcnow
from watcher.config import Config, load_config
from watcher.deliver import digest_due, retry_pending
from watcher.errors import WatcherError
from watcher.store.digests import feeds_not_polled_since
from watcher.web.auth import access_policy
from watcher.web.endpoint import HttpEndpoint
from watcher.web.server import WebServer

log = logging.getLogger(__name__)

DIGEST_CATCH_UP_MINUTES = 1  # also how soon a digest's retry time is noticed
CONFIG_WATCH_SECONDS = 2.0
RELOAD_RETRY_SECONDS = 30.0  # a reload the database refused is tried again after this
STOP_GRACE_SECONDS = 20.0
PRUNE_HOURS = 6
# How long after a start the day's digest waits for the feeds due then to be polled. A first pass over
# 1,000 feeds takes ~15 s (docs/benchmarks.md) and a dead instance's lease lapses within 2 × poll.timeout
# + 2 min; a feed still unpolled after this is stuck, and the digest goes out with what is stored.
DIGEST_WAIT_LIMIT = timedelta(minutes=30)


def _config_signature(path: Path) -> tuple[int, int, int] | None:
    # Editors replace the file (new inode) rather than rewrite it; watch all three.
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


class Daemon:
    def __init__(self, config_path: Path, config: Config) -> None:
        self.config_path = config_path
        self.config = config
        self.watcher: Watcher | None = None
        self.scheduler: AsyncIOScheduler | None = None
        self.stop_requested = asyncio.Event()
        self.inflight: set[asyncio.Task[None]] = set()
        self.config_signature = _config_signature(config_path)
        self.reload_retry_at = 0.0  # monotonic time before which a refused reload is not retried
        self.started_at: datetime | None = None  # when the feeds table matched our config (Watcher.open)
        self.digest_ready = False  # every feed due at started_at has been polled since, by any instance
        self.digest_waiting_logged = False
        self.last_tick_done = time.monotonic()
        self.watchdog_seconds = health.watchdog_seconds()
        self.http = HttpEndpoint(self._web_app)  # the page, /metrics and /healthz at http.listen
        self.reload_pending = False  # a SIGHUP while starting: reload once running

    async def run(self) -> int:
        # Signals first (the loop's handlers, then those noted before the loop ran): a SIGTERM while the
        # schema is upgraded or the config synced ends the start cleanly.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.stop_requested.set)
        loop.add_signal_handler(signal.SIGHUP, self._on_sighup)
        noted = signals.take_over()
        if noted & {signal.SIGTERM, signal.SIGINT}:
            log.info("daemon.stop_requested", extra={"fields": {"while": "starting"}})
            return await self.shutdown()
        if signal.SIGHUP in noted:
            self.reload_pending = True
        access_policy(self.config)  # a page open to the network without a login: refused before anything starts
        self.watcher = await asyncio.to_thread(Watcher.open, self.config)
        self.started_at = utcnow()
        self.last_tick_done = time.monotonic()  # progress is counted from the moment polling can start
        for problem in health.watchdog_problems(self.config, self.watchdog_seconds):
            log.warning("config.cannot_work", extra={"fields": {"problem": problem}})
        if self.stop_requested.is_set():
            return await self.shutdown()
        self.scheduler = AsyncIOScheduler(
            timezone="UTC",
            # misfire_grace_time=None: a late job still runs (the default, 1 s, silently skips it).
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self._schedule_jobs()
        self.scheduler.start()  # needs the running loop: we are inside it
        await self.http.start(self.config)
        log.info(
            "daemon.started",
            extra={
                "fields": {
                    "config": str(self.config_path),
                    "feeds": len(self.config.feeds),
                    "entities": len(self.config.entities),
                    "database": self.watcher.db.url.render_as_string(hide_password=True),
                    "pid": os.getpid(),
                    # Only tests set WATCHER_CLOCK_OFFSET; a log that reads a year ahead says why.
                    "clock_offset": f"{clock.OFFSET.total_seconds():+.0f}s" if clock.OFFSET else None,
                }
            },
        )
        health.sd_notify("READY=1\nSTATUS=polling")
        if self.reload_pending:
            self._on_sighup()
        await self.stop_requested.wait()
        await self.http.stop()
        return await self.shutdown()

    def _schedule_jobs(self) -> None:
        assert self.scheduler is not None
        config = self.config
        self.scheduler.add_job(
            self._job(self.poll_tick),
            IntervalTrigger(seconds=config.poll.tick.total_seconds()),
            id="poll",
            replace_existing=True,
            # APScheduler runs on the machine's time, never on watcher's shifted clock: "at once" is its now.
            next_run_time=datetime.now(UTC),
        )
        self.scheduler.add_job(
            self._job(self.digest_tick),
            CronTrigger(hour=config.digest.time.hour, minute=config.digest.time.minute, timezone=config.digest.zone),
            id="digest",
            replace_existing=True,
        )
        # After a start, the day's digest (scheduled or caught up) waits until the feeds due then have
        # been polled, by whichever instance (see digest_tick): it carries what was published meanwhile.
        self.scheduler.add_job(
            self._job(self.digest_tick),
            IntervalTrigger(minutes=DIGEST_CATCH_UP_MINUTES),
            id="digest-catch-up",
            replace_existing=True,
        )
        self.scheduler.add_job(
            self._job(self.prune),
            IntervalTrigger(hours=PRUNE_HOURS),
            id="prune",
            replace_existing=True,
        )
        if self.watchdog_seconds:
            self.scheduler.add_job(
                self._job(self.watchdog),
                IntervalTrigger(seconds=self.watchdog_seconds / 3),
                id="watchdog",
                replace_existing=True,
            )
        self.scheduler.add_job(
            self._job(self.watch_config),
            IntervalTrigger(seconds=CONFIG_WATCH_SECONDS),
            id="config-watch",
            replace_existing=True,
        )

    def _job(self, function: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            if self.stop_requested.is_set():
                return
            task = asyncio.current_task()
            if task is not None:
                self.inflight.add(task)
            try:
                await function()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a job must never die silently; the next firing tries again
                log.exception("job.crashed", extra={"fields": {"job": function.__name__, "error": str(exc)}})
            finally:
                if task is not None:
                    self.inflight.discard(task)

        job.__name__ = function.__name__
        return job

    def _spawn(self, function: Callable[[], Awaitable[None]]) -> None:
        task = asyncio.ensure_future(self._job(function)())
        self.inflight.add(task)  # held until done, so the task is not garbage-collected mid-run
        task.add_done_callback(self.inflight.discard)

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

    async def watch_config(self) -> None:
        if time.monotonic() < self.reload_retry_at:
            return
        signature = _config_signature(self.config_path)
        if signature is not None and signature != self.config_signature:
            self.config_signature = signature
            await self.reload("file changed")

    def _on_sighup(self) -> None:
        if self.scheduler is None:  # still starting: the config it opens with may be older than the signal
            self.reload_pending = True
            return
        self.reload_pending = False
        self._spawn(self.reload_on_signal)

    async def reload_on_signal(self) -> None:
        await self.reload("SIGHUP")

    async def reload(self, reason: str) -> None:
        assert self.watcher is not None and self.scheduler is not None
        self.config_signature = _config_signature(self.config_path)
        try:
            config = await asyncio.to_thread(load_config, self.config_path)
            access_policy(config)
            await asyncio.to_thread(self.watcher.apply, config)
        except WatcherError as exc:
            log.error(
                "config.rejected",
                extra={"fields": {"reason": reason, "error": str(exc), "keeping": "the last good config"}},
            )
            return
        except SQLAlchemyError as exc:
            # Not the config's fault (database down or locked): apply changes nothing until it succeeds,
            # so keep the last good config and try the same file again a little later.
            self.config_signature = None
            self.reload_retry_at = time.monotonic() + RELOAD_RETRY_SECONDS
            log.error(
                "config.apply_failed",
                extra={"fields": {"reason": reason, "error": str(exc), "retry_in_s": RELOAD_RETRY_SECONDS}},
            )
            return
        self.reload_retry_at = 0.0
        old, self.config = self.config, config
        for problem in health.watchdog_problems(config, self.watchdog_seconds):
            log.warning("config.cannot_work", extra={"fields": {"problem": problem}})
        if (old.digest.time, old.digest.timezone, old.poll.tick) != (
            config.digest.time,
            config.digest.timezone,
            config.poll.tick,
        ):
            self._schedule_jobs()
        if old.http.address != config.http.address or old.web != config.web:
            await self.http.move(config, old.http.address, config.http.address)
        log.info(
            "config.reloaded",
            extra={"fields": {"reason": reason, "feeds": len(config.feeds), "entities": len(config.entities)}},
        )

    def _web_app(self, config: Config) -> object:
        """The page, /metrics and /healthz as http.listen serves them, with the access policy of `config`."""
        from watcher.feedback import link_secret
        from watcher.web.app import Site, create_app
        from watcher.web.auth import access_policy

        assert self.watcher is not None
        watcher = self.watcher
        site = Site(
            config=lambda: self.config,
            database=lambda: watcher.db,
            healthy=self.healthy,
            config_path=self.config_path,
            policy=access_policy(config),
            secret=link_secret(config.state_path),
        )
        return create_app(site)

    @property
    def http_server(self) -> WebServer | None:
        return self.http.server

    async def shutdown(self) -> int:
        health.sd_notify("STOPPING=1")
        log.info("daemon.stopping", extra={"fields": {"inflight_jobs": len(self.inflight)}})
        if self.watcher is not None and self.watcher._poller is not None:
            self.watcher.poller.stopping = True  # feeds not yet started are released for other instances
        if self.scheduler is not None:
            # Pause, not shut down, while jobs finish: APScheduler 3's shutdown cancels running coroutine jobs.
            self.scheduler.pause()
        if self.inflight:
            _, pending = await asyncio.wait(set(self.inflight), timeout=STOP_GRACE_SECONDS)
            for task in pending:  # their open transactions roll back
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5)
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        if self.watcher is not None:
            await self.watcher.aclose()
        log.info("daemon.stopped")
        return 0


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
