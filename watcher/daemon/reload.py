"""The daemon's config reload: when config.yaml changes (watched every few seconds) or on SIGHUP; a config that
fails to load or apply keeps the last good one."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import SQLAlchemyError

from watcher import health
from watcher.app import Watcher
from watcher.config import Config, load_config
from watcher.errors import WatcherError
from watcher.web.auth import access_policy
from watcher.web.endpoint import HttpEndpoint

# One logger for the package, as when it was one module (the JSON logs name it).
log = logging.getLogger("watcher.daemon")

CONFIG_WATCH_SECONDS = 2.0
RELOAD_RETRY_SECONDS = 30.0  # a reload the database refused is tried again after this


def _config_signature(path: Path) -> tuple[int, int, int] | None:
    # Editors replace the file (new inode) rather than rewrite it; watch all three.
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


class ConfigReload:
    """Daemon's reload (a mixin: the state it uses is made in Daemon.__init__)."""

    config_path: Path
    config: Config
    watcher: Watcher | None
    scheduler: AsyncIOScheduler | None
    config_signature: tuple[int, int, int] | None
    reload_retry_at: float
    reload_pending: bool
    state: str
    stop_requested: asyncio.Event
    watchdog_seconds: float | None
    http: HttpEndpoint

    async def watch_config(self) -> None:
        if self.state != "running" or time.monotonic() < self.reload_retry_at:
            return  # a change seen while starting is seen again once running (the signature is not taken)
        signature = _config_signature(self.config_path)
        if signature is not None and signature != self.config_signature:
            self.config_signature = signature
            await self.reload("file changed")

    def _on_sighup(self) -> None:
        if self.state == "stopping" or self.stop_requested.is_set():
            # Nothing left to reload into; the next start reads config.yaml anyway.
            log.info("config.reload_ignored", extra={"fields": {"reason": "SIGHUP", "while": "stopping"}})
            return
        if self.state != "running":
            # Still starting: the config it opens with may be older than the signal, and what a reload changes
            # (the endpoint, the jobs) is not all up yet: reloaded once running (Daemon.run).
            if not self.reload_pending:
                log.info(
                    "config.reload_requested", extra={"fields": {"reason": "SIGHUP", "while": "starting: once running"}}
                )
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
