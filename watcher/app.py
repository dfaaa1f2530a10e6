"""A running watcher for one config: database, matcher, poller and mailer, shared by the CLI and daemon.

Opening one upgrades the schema, makes the feeds and entities tables follow config.yaml and backfills
entities that are new or whose aliases changed. `apply` does the same for a reloaded config.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from watcher.clock import utcnow
from watcher.config.cache import write_waiting_cache
from watcher.coverage.generated import generated_feeds
from watcher.mailer import Mailer, OutboxMailer, SmtpMailer
from watcher.match.matcher import UNDETERMINED, Matcher
from watcher.poll.poller import Poller
from watcher.poll.summary import PollSummary, Progress
from watcher.store import (
    Database,
    add_matches,
    entity_ids,
    item_fields,
    item_ids_since,
    prune_unmatched_items,
    sync_entities,
    sync_feeds,
)

if TYPE_CHECKING:  # the digest stage (jinja2, css_inline: ~0.2 s to import) only when a digest is made
    from watcher.config import Config
    from watcher.deliver import DigestOutcome

log = logging.getLogger(__name__)
_STORY_KEEPER_LOCK = threading.Lock()  # made by the first of a polling pass and a reload's backfill

BACKFILL_BATCH = 500
PRUNE_BATCH = 5000  # items deleted per transaction: short ones, so polling is never held up for long


def make_mailer(config: Config) -> Mailer:
    smtp = config.smtp
    if not smtp.host:
        return OutboxMailer(config.outbox_path)
    return SmtpMailer(
        host=smtp.host,
        port=smtp.port,
        security=smtp.security,
        username=smtp.username,
        password=smtp.password(config.base_dir),
        timeout=smtp.timeout.total_seconds(),
    )


class Watcher:
    def __init__(
        self, config: Config, db: Database, matcher: Matcher, mailer: Mailer, *, one_pass: bool = False
    ) -> None:
        self.config = config
        self.one_pass = one_pass  # a command that polls once and exits (not the daemon): see parse_pool.py
        self.db = db
        self.matcher = matcher
        self.mailer = mailer
        self._poller: Poller | None = None
        self._story_keeper: Any = None  # watcher.storykeeper.StoryKeeper, made with the poller

    @classmethod
    def open(cls, config: Config, *, upgrade: bool = True, one_pass: bool = False) -> Watcher:
        matcher = Matcher.build(config.entities)  # before touching the database: bad aliases fail early
        mailer = make_mailer(config)
        config.state_path.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_waiting_cache(config)  # a new state directory: the config's cache, for the next start
        db = Database(config.database_url)
        if upgrade:
            db.upgrade()
        watcher = cls(config, db, matcher, mailer, one_pass=one_pass)
        now = utcnow()
        watcher._backfill_changed(watcher._sync_tables(config, now), now)
        return watcher

    def apply(self, config: Config) -> None:
        """Switch to a reloaded config: new feeds polled, removed ones stopped, new entities backfilled.

        All or nothing: a config the matcher, the mailer or the database refuses leaves the last one in
        use everywhere (the tables roll back; nothing is switched before they follow the new config).
        """
        matcher = Matcher.build(config.entities)
        mailer = make_mailer(config)
        now = utcnow()
        changed = self._sync_tables(config, now)
        self.config, self.matcher, self.mailer = config, matcher, mailer
        if self._poller is not None:
            self._poller.apply(config, matcher)  # before the backfill: items polled meanwhile get new matches
        if self._story_keeper is not None:
            self._story_keeper.apply(config)
        self._backfill_changed(changed, now)

    def _sync_tables(self, config: Config, now: datetime) -> list[str]:
        """Make the feeds and entities tables follow `config`, in one transaction. → entities to backfill."""
        with self.db.exclusive_transaction() as session:
            generated = generated_feeds(config)  # the news searches following the entities
            sync_feeds(session, config.feeds, now, generated=generated.feeds, first_polls=generated.first_polls())
            return sync_entities(session, config.entities, now)

    def _backfill_changed(self, changed: list[str], now: datetime) -> None:
        if changed and self.config.matching.backfill_days:
            self.backfill(changed, self.config.matching.backfill_days, now)

    @property
    def poller(self) -> Poller:
        if self._poller is None:
            self._poller = Poller(
                self.db, self.config, self.matcher, inline_parse=self.one_pass, record_metrics=not self.one_pass
            )
            # The analyze stage (numpy, the USE model) is imported after the first pass that stored a match.
            self._poller.after_pass = lambda: self.story_keeper.run()
        return self._poller

    @property
    def story_keeper(self) -> Any:
        """The analyze stage (watcher/storykeeper.py): made when polling or a backfill first needs it."""
        with _STORY_KEEPER_LOCK:
            if self._story_keeper is None:
                from watcher.storykeeper import StoryKeeper

                self._story_keeper = StoryKeeper(self.db, self.config, one_pass=self.one_pass)
        return self._story_keeper

    async def poll(self, *, everything: bool = False, progress: Progress | None = None) -> PollSummary:
        return await self.poller.poll(everything=everything, progress=progress)

    def follow_up(self, now: datetime | None = None) -> Any:
        """After a polling pass: search index, holds like rejected matches, instant alerts (watcher/followup.py)."""
        from watcher.followup import follow_up

        return follow_up(self.db, self.config, now or utcnow())

    def digest(self, now: datetime | None = None, *, scheduled: bool = False) -> list[DigestOutcome]:
        """One digest per route (see deliver.run_digests); `scheduled` makes it the day's, sent once."""
        from watcher.deliver import run_digests

        return run_digests(self.db, self.config, self.mailer, now or utcnow(), scheduled=scheduled)

    def backfill(
        self, entity_names: Sequence[str], days: int, now: datetime | None = None, progress: Progress | None = None
    ) -> int:
        """Match stored items of the last `days` days against these entities; flag new matches as backfilled."""
        now = now or utcnow()
        entities = [entity for entity in self.config.entities if entity.name in set(entity_names)]
        if not entities:
            return 0
        matcher = Matcher.build(entities)
        since = now - timedelta(days=days)
        with self.db.transaction() as session:
            item_ids = item_ids_since(session, since)
            ids = entity_ids(session)
        added = 0
        for start in range(0, len(item_ids), BACKFILL_BATCH):
            with self.db.transaction() as session:
                for item_id, fields, language in item_fields(session, item_ids[start : start + BACKFILL_BATCH]):
                    found = matcher.match(fields, language=language or UNDETERMINED)
                    added += add_matches(session, item_id, fields, found, ids, now, backfilled=True)
            if progress is not None:
                progress(min(start + BACKFILL_BATCH, len(item_ids)), len(item_ids))
        if added:
            try:  # the items it matched join or form stories now, as polled ones do; already analysed ones again
                self.story_keeper.run(now, since=since)
            except Exception:  # analysis is an extra: the matches are stored and will be mailed regardless
                log.exception("analyze.failed")
        log.info(
            "backfill.done",
            extra={
                "fields": {
                    "entities": ",".join(entity_names),
                    "days": days,
                    "items": len(item_ids),
                    "new_matches": added,
                }
            },
        )
        return added

    def prune(self, now: datetime | None = None) -> int:
        """Delete unmatched items older than retention.unmatched_days, in short transactions."""
        days = self.config.retention.unmatched_days
        if not days:
            return 0
        cutoff = (now or utcnow()) - timedelta(days=days)
        total = 0
        while True:
            with self.db.transaction() as session:
                deleted = prune_unmatched_items(session, cutoff, limit=PRUNE_BATCH)
            total += deleted
            if deleted < PRUNE_BATCH:
                break
        if total:
            log.info("retention.pruned", extra={"fields": {"items": total, "older_than_days": days}})
        return total

    async def aclose(self) -> None:
        if self._poller is not None:
            await self._poller.aclose()
        self.db.dispose()

    def close(self) -> None:
        self.db.dispose()
