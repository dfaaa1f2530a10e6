"""After each polling pass: the new matched items are analysed, placed into stories, and stored.

Runs in a worker thread (the encoder's work stays off the event loop) under the poller's write lock.
Only items with a match that can be mailed are analysed (not a new feed's silenced back-catalogue, not
unmatched items). Stories still open (a report in the last 72 hours) are read back from the database at
each pass, so several instances sharing one database place late reports into the same stories; the
analysis of their recent reports is kept in memory, so each item is analysed once per process.

A backfill (an entity added to config.yaml) runs it too, over the backfill's days: items it matched for
the first time are placed like polled ones, and items already analysed are analysed again with the new
entity. Such an item stays in its story, which gains the entity and the item's new events; one that was
its story's only report (it named no tracked organisation before: a country, a product) is placed afresh
and may join another story.

A one-pass process (`watcher poll --once`, `run --once`) analyses once and exits: it lets the Analyzer's tables
go (the country names' and cues' automata and tables, ~20 MB) once the texts are read, before the encoder loads
(numpy, the model's weights and its forward pass, ~45-55 MB), so the two never add up. `poll --once` of 1,000 feeds,
10% changed, 20 matches: peak RSS ~150-160 -> ~130-140 MB; the tables packed into few buffers (watcher/match/
packed.py), which go back to the system whole, ~138 -> ~127 MB, and with 500 items analysed ~153 -> ~142 MB
(docs/benchmarks.md). The daemon keeps them for its next pass.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from watcher import clock
from watcher.analyze import MOST_REPORTS, STORY_WINDOW, Analyzer, ItemAnalysis, ItemFacts, ItemInput, Story, StoryBook
from watcher.analyze.analyzer import embed_facts
from watcher.analyze.corroborate import corroborate
from watcher.analyze.embed import Encoder
from watcher.analyze.markets import market_finder
from watcher.analyze.sentences import cue_finder
from watcher.store import Database
from watcher.store.stories import ItemToAnalyse, items_to_analyse, open_story_members
from watcher.store.story_saving import AnalysedItem, save_analysis

if TYPE_CHECKING:
    from watcher.config import Config

log = logging.getLogger(__name__)

CATCH_UP = timedelta(days=7)  # matched items not analysed yet (a crash, a restart) are taken this far back


def _input(row: ItemToAnalyse) -> ItemInput:
    return ItemInput(
        id=f"item:{row.id}",
        title=row.title,
        summary=row.summary,
        content=row.content,
        published=row.published,
        feed=row.feed,
        language=row.language,
    )


class StoryKeeper:
    def __init__(self, db: Database, config: Config, *, one_pass: bool = False) -> None:
        self.db = db
        self.one_pass = one_pass  # a process that exits after its pass: the tables go before the encoder loads
        self.facts: dict[int, ItemFacts] = {}  # item id → analysis, for recent reports of open stories
        self._entities = config.entities
        self._encoder = Encoder()  # loads its model when it first encodes
        self._analyzer: Analyzer | None = None
        self._lock = threading.Lock()  # a polling pass and a backfill may both run it

    @property
    def analyzer(self) -> Analyzer:
        """Built when an item first waits: a pass whose matches are all silenced (a new feed's back-catalogue,
        the all-new pass of `watcher poll`) analyses nothing, and so pays neither the build (~0.2-0.3 CPU-s)
        nor its tables and automata (~30 MB)."""
        if self._analyzer is None:
            with _collector_paused():
                self._analyzer = Analyzer(self._entities, self._encoder)
        return self._analyzer

    def apply(self, config: Config) -> None:
        with self._lock:
            self._entities = config.entities
            self._analyzer = None  # built again when next needed; the encoder and its model stay loaded
            self.facts.clear()

    def run(self, now: datetime | None = None, since: datetime | None = None) -> tuple[int, int]:
        """Analyse what waits, first seen since `since` (default: CATCH_UP ago); → (items analysed, events stored)."""
        # A one-pass command exits seconds after: no collection during the run, and what it keeps (numpy's modules, the
        # model) is then put out of the collector's reach, as what the command loaded at its start (cli.settled).
        paused = _collector_paused(settle=True) if self.one_pass else contextlib.nullcontext()
        with self._lock, paused:
            return self._run(now or clock.utcnow(), since)

    def _run(self, now: datetime, since: datetime | None) -> tuple[int, int]:
        started = time.process_time()
        with self.db.transaction() as session:
            waiting = items_to_analyse(session, since if since is not None else now - CATCH_UP)
        if not waiting:
            return 0, 0
        inputs = [_input(row) for row in waiting]
        analyses = self.analyzer.analyse(inputs, embed=False)
        # Only the open stories these items could join (one naming a tracked organisation they name) or already
        # belong to are read and, in a new process, analysed again: a poll --once after a busy cycle would
        # otherwise analyse every report of the last 72 hours to place a few new ones.
        actors = frozenset().union(*(analysis.facts.actors for analysis in analyses))
        own = frozenset(row.story_key for row in waiting if row.story_key is not None)
        oldest = min(row.published for row in waiting)
        with self.db.transaction() as session:
            members, open_ids = open_story_members(
                session, min(oldest, now) - STORY_WINDOW, set(self.facts), actors, own, per_story=MOST_REPORTS
            )
        # Analysed before and the only report of its story: placed afresh, it may join another story.
        afresh = {row.id for row in waiting if row.story_key is not None and row.story_reports <= 1}
        book = self._book([row for row in members if row.id not in afresh], open_ids)
        # The vectors last: every text is read by then, so a one-pass process no longer needs the tables.
        if self.one_pass:
            self._release_tables()
        ordered = sorted(analyses, key=lambda analysis: (analysis.facts.published, analysis.id))
        # Only the reports placing compares: those of the new items and the open stories' that meet another.
        embed_facts(self._encoder, book.meeting([analysis.facts for analysis in ordered]))
        rows = {f"item:{row.id}": row for row in waiting}
        placed: list[tuple[ItemToAnalyse, ItemAnalysis, Story]] = []
        for analysis in ordered:
            row = rows[analysis.id]
            if row.story_key is not None and row.id not in afresh:
                # It stays in its story, which meets its new entities from now on.
                story = book.replace(analysis.facts) or Story(row.story_key, [analysis.facts])
            else:
                story = book.place(analysis.facts)
            self.facts[row.id] = analysis.facts
            placed.append((row, analysis, story))
        # A new report gains the market entries its story's other reports make into a country it names.
        corroborate((analysis.facts, analysis.events, story) for _row, analysis, story in placed)
        results = [
            AnalysedItem(
                item_id=row.id,
                story_key=story.key,
                published=row.published,
                language=analysis.language,
                feed=row.feed,
                actors=sorted(analysis.facts.actors),
                events=[(event.type, event.entity, event.market, event.evidence) for event in analysis.events],
            )
            for row, analysis, story in placed
        ]
        with self.db.transaction() as session:
            events = save_analysis(session, results, now)
        log.info(
            "analyze.done",
            extra={"fields": {"items": len(results), "events": events, "stories_open": len(book.stories),
                              "cpu_ms": round((time.process_time() - started) * 1000)}},
        )  # fmt: skip
        return len(results), events

    def _book(self, members: list[ItemToAnalyse], open_ids: set[int]) -> StoryBook:
        """The open stories given, their reports' analysis from memory or done again now (what is kept in memory:
        the analysis of every open story's reports, `open_ids`). The vectors of those analysed again are still to
        make (ItemFacts.unembedded: embed_facts, for those that meet a new item)."""
        fresh = [row for row in members if row.id not in self.facts]
        inputs = [_input(row) for row in fresh]
        analyses = self.analyzer.analyse(inputs, embed=False) if fresh else []
        for row, analysis in zip(fresh, analyses, strict=True):
            self.facts[row.id] = analysis.facts
        self.facts = {item_id: facts for item_id, facts in self.facts.items() if item_id in open_ids}
        stories: dict[str, Story] = {}
        for row in members:
            stories.setdefault(row.story_key or "", Story(row.story_key or "")).members.append(self.facts[row.id])
        return StoryBook(stories.values())

    def _release_tables(self) -> None:
        """Let the Analyzer and its tables go, and the database connections' page caches, and hand the memory they
        held back to the system (a one-pass process: the encoder's memory comes on top of what the heap keeps
        otherwise). Made again if another run needs it."""
        self._analyzer = None
        market_finder.cache_clear()
        cue_finder.cache_clear()
        self.db.release_memory()  # SQLite's page caches (~8 MB a connection), read for the last time until the save
        _trim_heap()


@contextlib.contextmanager
def _collector_paused(*, settle: bool = False) -> Iterator[None]:
    """No collections while the Analyzer is built: its tables' ~100,000 containers, all kept, made ~60 of them, each
    walking the young ones again for nothing (~30 ms of a `poll --once`). As it was after, on or off; with `settle`,
    watcher.cli.settled() first (where the command is the whole process: what is left is frozen, not walked by the
    next collection)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if settle:
            from watcher.cli import settled

            settled()
        if enabled:
            gc.enable()


def _trim_heap() -> None:
    """glibc's malloc_trim: the free pages of every arena back to the system (elsewhere, nothing)."""
    import ctypes

    # The symbols the process has loaded: libc's. Not glibc (musl, macOS): no malloc_trim, the heap is left as it is.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)
