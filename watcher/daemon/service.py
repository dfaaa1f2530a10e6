"""The daemon: signals first, then the database, the scheduler and its jobs, the web endpoint; a clean stop that
lets running jobs finish."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from watcher import clock, health, signals
from watcher.app import Watcher
from watcher.clock import utcnow
from watcher.config import Config
from watcher.daemon.jobs import DaemonJobs
from watcher.daemon.reload import CONFIG_WATCH_SECONDS, ConfigReload, _config_signature
from watcher.web.auth import access_policy
from watcher.web.endpoint import HttpEndpoint
from watcher.web.server import WebServer

# One logger for the package, as when it was one module (the JSON logs name it).
log = logging.getLogger("watcher.daemon")

DIGEST_CATCH_UP_MINUTES = 1  # also how soon a digest's retry time is noticed
STOP_GRACE_SECONDS = 20.0
PRUNE_HOURS = 6


class Daemon(DaemonJobs, ConfigReload):
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
        # starting -> running (scheduler, jobs and endpoint up: `daemon.started`) -> stopping. Only a running daemon
        # reloads: a scheduler exists before the endpoint is up, and a reload then moved an endpoint not yet there.
        self.state = "starting"

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
        self.state = "running"
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
        self.state = "stopping"
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
