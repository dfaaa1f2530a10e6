"""The digest as values: stories (each once), their reports, and each entity's volume. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from watcher.digest.wording import source_label
from watcher.match.results import Snippet
from watcher.store import FeedStatus

TREND_DAYS = 30
BASELINE_DAYS = 14  # an entity's usual daily volume: its mean over the 14 days before the last 24 hours
SPIKE_FACTOR = 3.0
SPIKE_MIN_REPORTS = 3
TREND_BAR_PX = 24  # the tallest bar of a trend


@dataclass(frozen=True)
class Report:
    """One item of a story in this digest, with what matched in it."""

    item_id: int
    title: str
    link: str | None  # http(s) only; anything else is not made a link
    source: str
    published: datetime  # in the digest's zone; when first seen for an undated item
    language: str | None  # as analysed, else as the feed declares it
    entities: tuple[str, ...]  # tracked entities it names, in the digest's order
    backfilled: bool  # found by matching an older item against a new or changed entity

    @property
    def label(self) -> str:
        """Its source and language: "Asia Business Wire (en)"."""
        return source_label(self.source, self.language)


@dataclass(frozen=True)
class DigestStory:
    """One story, shown once: reports of one real-world event from any feed and in any language."""

    key: str
    reports: tuple[Report, ...]  # the reports in this digest, the one shown first
    entities: tuple[str, ...]  # chips: the tracked entities its reports name, in the digest's order
    subjects: tuple[str, ...]  # those its events are about (the analyser's actors): solid chips
    gist: str | None  # "Xiaomi · market entry · South Korea"; None for a story without events
    quote: Snippet | None  # a sentence of the first report, matched words marked; never its headline
    coverage: str  # "3 outlets, 3 languages, first: ..."
    age: str  # "5 h ago", of its first report
    first_published: datetime  # in the digest's zone
    follow_up: bool  # some reports came before this digest (mailed earlier, or outside this route)
    headline_names_entity: bool  # the shown headline names a tracked entity (else the quote says why it is here)
    score: float
    entity: str  # the entity it is counted under for max_items_per_entity

    @property
    def lead(self) -> Report:
        return self.reports[0]

    @property
    def others(self) -> tuple[Report, ...]:
        return self.reports[1:]

    @property
    def backfilled(self) -> bool:
        return all(report.backfilled for report in self.reports)

    @property
    def keep_all(self) -> bool:
        """Korean separates words by spaces: lines break between words, never inside one (word-break:
        keep-all). Chinese and Japanese have no spaces; there a line may break between any two characters."""
        return (self.lead.language or "").lower().startswith("ko")


@dataclass(frozen=True)
class EntityLine:
    """An entity in this digest: its stories and reports, and its volume over 30 days."""

    entity: str
    stories: int  # stories naming it in this digest
    reports: int  # reports naming it in this digest
    days: tuple[int | None, ...] = ()  # reports a day for 30 days, oldest first; None before watcher's history
    unlisted: int = 0  # its stories the caps left out of the mail

    @property
    def last_day(self) -> int:
        return self.days[-1] or 0 if self.days else 0

    @property
    def usual(self) -> float | None:
        """Mean reports a day over the baseline, or None when watcher's history is shorter than it."""
        baseline = self.days[-1 - BASELINE_DAYS : -1]
        if len(baseline) < BASELINE_DAYS or any(day is None for day in baseline):
            return None
        return sum(day or 0 for day in baseline) / BASELINE_DAYS

    @property
    def spike(self) -> str | None:
        """ "4× usual" when the last 24 hours stand out against the entity's own baseline."""
        usual = self.usual
        if usual is None or self.last_day < SPIKE_MIN_REPORTS:
            return None
        if usual < 0.1:
            return "usually quiet"
        factor = self.last_day / usual
        return f"{factor:.0f}× usual" if factor >= SPIKE_FACTOR else None

    @property
    def trend_text(self) -> str:
        """The trend in words (the bars' text alternative): "12 reports in the last 24 h, usual 3.0 a day"."""
        if not self.days:
            return ""
        text = f"{self.last_day} report{'' if self.last_day == 1 else 's'} in the last 24 h"
        usual = self.usual
        if usual is not None:
            text += (
                ", usually none"
                if usual < 0.05
                else f", usual {usual:.1f} a day"
                if usual < 10
                else f", usual {usual:.0f} a day"
            )
        else:
            known = sum(1 for day in self.days if day is not None)
            text += ", no history before today" if known <= 1 else f", history of {known} days"
        return text

    @property
    def bars(self) -> tuple[int | None, ...]:
        """Bar heights in px (0: a day without reports; None: before watcher's history)."""
        top = max((day for day in self.days if day), default=0)
        return tuple(
            None if day is None else (max(2, round(day / top * TREND_BAR_PX)) if day and top else 0)
            for day in self.days
        )

    @property
    def sparkline(self) -> str:
        """The bars in text: ▁▂▃▄▅▆▇█, a space for a day before watcher's history, · for none."""
        top = max((day for day in self.days if day), default=0)
        blocks = "▁▂▃▄▅▆▇█"
        return "".join(
            " " if day is None else "·" if not day else blocks[min(7, round(day / top * 7))] for day in self.days
        )


@dataclass(frozen=True)
class DigestModel:
    generated_at: datetime  # in the digest's timezone
    timezone: str
    events: tuple[DigestStory, ...]  # listed stories with business events, most important first
    also: tuple[DigestStory, ...]  # listed stories without: "also mentioned"
    entities: tuple[EntityLine, ...]  # in the digest's entity order (the subject's too)
    story_count: int  # every story of the digest, listed or not
    report_count: int
    languages: tuple[str, ...] = ()
    failing_feeds: tuple[FeedStatus, ...] = ()
    # Every story, listed in the mail or not: attached as CSV when the caps left some out, so that nothing
    # the digest claims goes unseen.
    complete_listing: tuple[DigestStory, ...] = ()

    @property
    def listed(self) -> tuple[DigestStory, ...]:
        return self.events + self.also

    def shortened(self, keep: int) -> DigestModel:
        """The same digest listing only its first `keep` stories (the rest go to the attached CSV)."""
        everything = self.complete_listing or self.listed
        kept = {story.key for story in self.listed[: max(keep, 0)]}
        left_out: dict[str, int] = {}
        for story in everything:
            if story.key not in kept:
                left_out[story.entity] = left_out.get(story.entity, 0) + 1
        return replace(
            self,
            events=tuple(story for story in self.events if story.key in kept),
            also=tuple(story for story in self.also if story.key in kept),
            entities=tuple(replace(line, unlisted=left_out.get(line.entity, 0)) for line in self.entities),
            complete_listing=everything if len(kept) < len(everything) else (),
        )

    @property
    def unlisted(self) -> int:
        return self.story_count - len(self.events) - len(self.also)

    @property
    def summary(self) -> str:
        """ "5 stories from 7 reports in 4 languages; 3 with business events"."""
        if not self.story_count:
            return "Nothing new since the last digest."
        stories = f"{self.story_count} stor{'y' if self.story_count == 1 else 'ies'}"
        reports = f"{self.report_count} report{'' if self.report_count == 1 else 's'}"
        languages = len(self.languages)
        text = f"{stories} from {reports}" + (
            f" in {languages} language{'' if languages == 1 else 's'}" if languages else ""
        )
        with_events = sum(1 for story in self.complete_listing or self.listed if story.gist)
        return text + (f"; {with_events} with business events" if with_events else "")

    @property
    def preheader(self) -> str:
        """What an inbox shows beside the subject: the first story's gist (structured facts, never feed text)."""
        if self.events and self.events[0].gist:
            more = self.story_count - 1
            return self.events[0].gist + (f" — and {more} more stor{'y' if more == 1 else 'ies'}" if more else "")
        return self.summary
