"""Building and rendering the digest. Pure: match rows in, a digest model and message parts out.

The model groups matches by entity, puts items that name two or more entities ("co-mentions", the
competitive signal) in their own section at the top, and shows each item's time in the digest's zone.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from importlib import resources
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import css_inline
import jinja2
from rapidfuzz import fuzz, process

from watcher.match import Snippet
from watcher.parse import normalise_link
from watcher.store import FeedStatus, MatchRow

SUBJECT_MAX = 150
CLUSTER_WINDOW = timedelta(hours=48)
TITLE_SIMILARITY = 88  # rapidfuzz score (0-100) above which two titles tell the same story
CLUSTER_CANDIDATES = 20  # similar titles checked for time, script and numbers before giving up
SPIKE_FACTOR = 3.0
SPIKE_MIN_MENTIONS = 3


@dataclass(frozen=True)
class DigestEntry:
    """One story as the digest shows it: the best-placed item, and the other sources that ran it."""

    item_id: int
    title: str
    link: str | None  # http(s) only; anything else is not made a link
    source: str
    published: datetime  # in the digest's timezone
    language: str | None
    entities: tuple[str, ...]
    snippet: Snippet
    backfilled: bool
    in_title: bool
    hit_count: int = 1
    alias_count: int = 1
    also_in: tuple[str, ...] = ()  # other feeds that carried the same story

    @property
    def score(self) -> float:
        """Title hits over body hits, several aliases over one, stories carried by several feeds."""
        return (
            (3.0 if self.in_title else 0.0)
            + min(self.alias_count, 3)
            + 0.2 * min(self.hit_count, 5)
            + 1.0 * min(len(self.also_in), 5)
        )


@dataclass(frozen=True)
class EntitySection:
    entity: str
    entries: tuple[DigestEntry, ...]
    more: int  # stories beyond the cap, counted but not listed
    mentions: int = 0  # matches in this digest (every source of every story)
    usual: float | None = None  # mean daily mentions over the baseline period

    @property
    def count(self) -> int:
        return self.mentions or len(self.entries) + self.more

    @property
    def spike(self) -> str | None:
        """ "4× usual" when this digest's volume stands out against the entity's own baseline."""
        if self.usual is None or self.count < SPIKE_MIN_MENTIONS:
            return None
        if self.usual < 0.1:
            return "usually quiet"
        factor = self.count / self.usual
        return f"{factor:.0f}× usual" if factor >= SPIKE_FACTOR else None


@dataclass(frozen=True)
class DigestModel:
    generated_at: datetime  # in the digest's timezone
    timezone: str
    co_mentions: tuple[DigestEntry, ...]
    sections: tuple[EntitySection, ...]
    match_count: int
    item_count: int
    failing_feeds: tuple[FeedStatus, ...] = ()
    co_mentions_more: int = 0  # stories naming several entities beyond the cap, counted but not listed
    # Every story under every entity, listed in the mail or not: attached as CSV when the caps left
    # some out, so that nothing the digest claims goes unseen.
    complete_listing: tuple[tuple[str, DigestEntry], ...] = ()

    @property
    def unlisted(self) -> int:
        return self.co_mentions_more + sum(section.more for section in self.sections)

    @property
    def summary(self) -> str:
        parts = ", ".join(
            f"{section.entity} {section.count}" + (f" ({section.spike})" if section.spike else "")
            for section in self.sections
        )
        mentions = "mention" if self.match_count == 1 else "mentions"
        return f"{self.match_count} new {mentions} in {self.item_count} items: {parts}"


def build_digest(
    rows: Sequence[MatchRow],
    *,
    timezone: str,
    now: datetime,
    max_per_entity: int = 50,
    max_items: int = 60,
    entity_order: Sequence[str] = (),
    failing_feeds: Sequence[FeedStatus] = (),
    daily_baseline: Mapping[str, float] | None = None,
) -> DigestModel:
    zone = ZoneInfo(timezone)
    entities_of_item: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        if row.entity not in entities_of_item[row.item_id]:
            entities_of_item[row.item_id].append(row.entity)
    rank = {name: index for index, name in enumerate(entity_order)}
    for names in entities_of_item.values():
        names.sort(key=lambda name: (rank.get(name, len(rank)), name))

    by_entity: dict[str, list[DigestEntry]] = defaultdict(list)
    rows_of_item: dict[int, list[MatchRow]] = defaultdict(list)
    for row in rows:
        entry = _entry(row, tuple(entities_of_item[row.item_id]), zone)
        by_entity[row.entity].append(entry)
        rows_of_item[row.item_id].append(row)
    co_mentions = {
        item_id: _co_mention(item_rows, tuple(entities_of_item[item_id]), zone)
        for item_id, item_rows in rows_of_item.items()
        if len(entities_of_item[item_id]) > 1
    }

    entities = sorted(by_entity, key=lambda name: (rank.get(name, len(rank)), name))
    ranked = [rank_entries(cluster_entries(by_entity[entity])) for entity in entities]
    together = sorted(
        cluster_entries(list(co_mentions.values())),
        key=lambda e: (-len(e.entities), -e.score, -e.published.timestamp()),
    )
    # The Together stories are also listed under each of their entities: a quarter of the budget at most.
    together_listed = min(len(together), max_per_entity, max(1, max_items // 4))
    listed = share_fairly(max_items - together_listed, [min(len(stories), max_per_entity) for stories in ranked])
    sections = [
        EntitySection(
            entity,
            tuple(stories[:count]),
            len(stories) - count,
            mentions=len(by_entity[entity]),
            usual=None if daily_baseline is None else daily_baseline.get(entity, 0.0),
        )
        for entity, stories, count in zip(entities, ranked, listed, strict=True)
    ]
    return DigestModel(
        generated_at=now.astimezone(zone),
        timezone=timezone,
        co_mentions=tuple(together[:together_listed]),
        co_mentions_more=len(together) - together_listed,
        complete_listing=tuple(
            (entity, story) for entity, stories in zip(entities, ranked, strict=True) for story in stories
        )
        if any(section.more for section in sections) or len(together) > together_listed
        else (),
        sections=tuple(sections),
        match_count=len(rows),
        item_count=len(entities_of_item),
        failing_feeds=tuple(failing_feeds),
    )


def share_fairly(budget: int, wants: Sequence[int]) -> list[int]:
    """Split `budget` slots among sections wanting `wants` each: one at a time to each in turn.

    Every section with stories gets one before any gets a second (budget allowing), so a busy entity
    cannot crowd a quiet one out of the mail; what a section cannot use goes to the others.
    """
    budget = max(budget, 0)
    # Turn by turn, all sections reach a common level, then the first few in order get one more: find
    # the highest level the budget covers (bisection), then hand out what is left in section order.
    low, high = 0, max(wants, default=0)
    while low < high:
        level = (low + high + 1) // 2
        if sum(min(want, level) for want in wants) <= budget:
            low = level
        else:
            high = level - 1
    given = [min(want, low) for want in wants]
    left = budget - sum(given)
    for index, want in enumerate(wants):
        if left and want > given[index]:
            given[index] += 1
            left -= 1
    return given


def rank_entries(entries: Sequence[DigestEntry]) -> list[DigestEntry]:
    """Most relevant first; among equals, the most recent."""
    return sorted(entries, key=lambda e: (-e.score, -e.published.timestamp()))


def cluster_entries(entries: Sequence[DigestEntry], window: timedelta = CLUSTER_WINDOW) -> list[DigestEntry]:
    """Fold the same story from several feeds into one entry, listing the other sources.

    Same story: the same link once tracking parameters, scheme and www. are set aside, or near-identical
    titles in the same script published within `window` (translations are not folded: their words differ).
    The entry kept is the best-ranked of the group.
    """
    groups: list[list[DigestEntry]] = []
    by_link: dict[str, list[DigestEntry]] = {}
    heads = _TitleIndex()
    for entry in rank_entries(entries):
        key = normalise_link(entry.link) if entry.link else None
        group = by_link.get(key) if key else None
        if group is None:
            group = heads.find(entry, window)
        if group is None:
            group = []
            groups.append(group)
            heads.add(entry, group)
        group.append(entry)
        if key:
            by_link.setdefault(key, group)
    folded = []
    for group in groups:
        best, others = group[0], group[1:]
        sources = tuple(dict.fromkeys(e.source for e in others if e.source != best.source))
        merged_entities = tuple(dict.fromkeys(name for e in group for name in e.entities))
        folded.append(replace(best, also_in=sources, entities=merged_entities))
    return folded


class _TitleIndex:
    """The first titles of story groups, searched by rapidfuzz in C rather than one by one in Python."""

    def __init__(self) -> None:
        self.titles: list[str] = []
        self.groups: list[tuple[DigestEntry, list[DigestEntry]]] = []

    def add(self, head: DigestEntry, group: list[DigestEntry]) -> None:
        self.titles.append(_title_key(head.title))
        self.groups.append((head, group))

    def find(self, entry: DigestEntry, window: timedelta) -> list[DigestEntry] | None:
        title = _title_key(entry.title)
        script = _script(title)
        if not title or script is None or not self.titles:
            return None
        # Plain edit-distance ratio: word-order-blind scores fold "Apple sues Xiaomi" with "Xiaomi sues
        # Apple" and a short title with any longer one containing it. Numbers must agree ("Xiaomi 14" is
        # not "Xiaomi 15"), and so must the script and the time (translations and old stories stay apart).
        digits = _numbers(title)
        candidates = process.extract(
            title, self.titles, scorer=fuzz.ratio, score_cutoff=TITLE_SIMILARITY, limit=CLUSTER_CANDIDATES
        )
        for other, _score, index in candidates:
            head, group = self.groups[index]
            if (
                abs(head.published - entry.published) <= window
                and _script(other) == script
                and _numbers(other) == digits
            ):
                return group
        return None


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def _script(text: str) -> str | None:
    """The script of a text's first letter (LATIN, CYRILLIC, HANGUL, CJK, ...)."""
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            return name.split(" ")[0] if name else None
    return None


def _co_mention(rows: list[MatchRow], entities: tuple[str, ...], zone: ZoneInfo) -> DigestEntry:
    """One item naming several entities: the snippet of its best row, with every entity's words marked."""
    base = min(rows, key=lambda row: (row.field != "title", -row.hit_count))
    spans = sorted({span for row in rows if row.snippet == base.snippet for span in row.highlights})
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    entry = _entry(base, entities, zone)
    return replace(
        entry,
        snippet=Snippet(base.snippet, tuple(merged)),
        alias_count=sum(row.alias_count for row in rows),
        hit_count=sum(row.hit_count for row in rows),
    )


def _entry(row: MatchRow, entities: tuple[str, ...], zone: ZoneInfo) -> DigestEntry:
    when = row.published_at or row.first_seen_at
    return DigestEntry(
        item_id=row.item_id,
        title=row.title or row.link or "(untitled)",
        link=row.link if row.link and urlsplit(row.link).scheme.lower() in ("http", "https") else None,
        source=row.source,
        published=when.astimezone(zone),
        language=row.language,
        entities=entities,
        snippet=Snippet(row.snippet, row.highlights),
        backfilled=row.backfilled,
        in_title=row.field == "title",
        hit_count=row.hit_count,
        alias_count=row.alias_count,
    )


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str
    listing_csv: str | None = None  # every story, when the mail lists only some (LISTING_FILENAME)


LISTING_FILENAME = "digest-all-stories.csv"
LISTING_COLUMNS = ("entity", "published", "title", "link", "source", "also in", "entities", "matched text")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        # templates/ at the top of the repository ships as the package watcher.templates.
        loader=jinja2.FileSystemLoader(str(resources.files("watcher.templates"))),
        # Our template names end in .html.j2: select_autoescape's defaults would miss them.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# Mail clients drop <style> blocks or parts of them: styles are inlined into each element. The block is
# kept too, for what only it can say (the dark-mode media query). Nothing is loaded from the network.
_INLINER = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def render_digest(model: DigestModel, subject_prefix: str) -> RenderedDigest:
    environment = _environment()
    context = {"digest": model, "subject_prefix": subject_prefix, "listing_filename": LISTING_FILENAME}
    return RenderedDigest(
        subject=make_subject(subject_prefix, model),
        text=environment.get_template("digest.txt.j2").render(context),
        html=_INLINER.inline(environment.get_template("digest.html.j2").render(context)),
        listing_csv=listing_csv(model) if model.complete_listing else None,
    )


def listing_csv(model: DigestModel) -> str:
    """Every story of the digest as CSV (RFC 4180: CRLF, quoted as needed), one row per entity and story."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(LISTING_COLUMNS)
    for entity, story in model.complete_listing:
        writer.writerow(
            _cell(value)
            for value in (
                entity,
                story.published.strftime("%Y-%m-%d %H:%M"),
                story.title,
                story.link or "",
                story.source,
                "; ".join(story.also_in),
                " + ".join(story.entities),
                story.snippet.text,
            )
        )
    return output.getvalue()


def _cell(value: str) -> str:
    # A cell a spreadsheet would run as a formula (feed text is anyone's): shown as text instead (OWASP).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render_nothing_new(subject_prefix: str, now: datetime, timezone: str) -> RenderedDigest:
    """The short mail of a day with nothing new, for digest.empty: send."""
    model = DigestModel(
        generated_at=now.astimezone(ZoneInfo(timezone)),
        timezone=timezone,
        co_mentions=(),
        sections=(),
        match_count=0,
        item_count=0,
    )
    rendered = render_digest(model, subject_prefix)
    return replace(rendered, subject=" ".join(f"{subject_prefix}: nothing new today".split())[:SUBJECT_MAX])


def make_subject(prefix: str, model: DigestModel) -> str:
    """Fixed text plus counts and entity names, collapsed to one line: no feed text reaches a header."""
    top = ", ".join(
        f"{section.entity} {section.count}" for section in sorted(model.sections, key=lambda s: -s.count)[:4]
    )
    mentions = "mention" if model.match_count == 1 else "mentions"
    subject = f"{prefix}: {model.match_count} new {mentions}" + (f" — {top}" if top else "")
    subject = " ".join(subject.split())  # CR, LF, U+2028 and friends become plain spaces
    return subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1] + "…"


def compose_message(
    rendered: RenderedDigest, *, sender: str, recipients: Sequence[str], message_id: str, date: datetime
) -> EmailMessage:
    """multipart/alternative with the plain text first and HTML last: clients show the last they can."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = ", ".join(recipients) if recipients else "undisclosed-recipients:;"
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    if rendered.listing_csv is not None:
        message.add_attachment(
            rendered.listing_csv.encode("utf-8"), maintype="text", subtype="csv", filename=LISTING_FILENAME
        )
    return message
