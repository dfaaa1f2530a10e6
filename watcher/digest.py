"""Building and rendering the digest. Pure: match rows in, a digest model and message parts out.

The model groups matches by entity, puts items that name two or more entities ("co-mentions", the
competitive signal) in their own section at the top, and shows each item's time in the digest's zone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from importlib import resources
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import jinja2

from watcher.match import Snippet
from watcher.store import FeedStatus, MatchRow

SUBJECT_MAX = 150


@dataclass(frozen=True)
class DigestEntry:
    """One item as the digest shows it."""

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


@dataclass(frozen=True)
class EntitySection:
    entity: str
    entries: tuple[DigestEntry, ...]
    more: int  # matches beyond the cap, counted but not listed

    @property
    def count(self) -> int:
        return len(self.entries) + self.more


@dataclass(frozen=True)
class DigestModel:
    generated_at: datetime  # in the digest's timezone
    timezone: str
    co_mentions: tuple[DigestEntry, ...]
    sections: tuple[EntitySection, ...]
    match_count: int
    item_count: int
    failing_feeds: tuple[FeedStatus, ...] = ()

    @property
    def summary(self) -> str:
        parts = ", ".join(f"{section.entity} {section.count}" for section in self.sections)
        mentions = "mention" if self.match_count == 1 else "mentions"
        return f"{self.match_count} new {mentions} in {self.item_count} items: {parts}"


def build_digest(
    rows: Sequence[MatchRow],
    *,
    timezone: str,
    now: datetime,
    max_per_entity: int = 50,
    entity_order: Sequence[str] = (),
    failing_feeds: Sequence[FeedStatus] = (),
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
    co_mentions: dict[int, DigestEntry] = {}
    for row in rows:
        entry = _entry(row, tuple(entities_of_item[row.item_id]), zone)
        by_entity[row.entity].append(entry)
        if len(entry.entities) > 1 and row.item_id not in co_mentions:
            co_mentions[row.item_id] = entry

    sections = []
    for entity in sorted(by_entity, key=lambda name: (rank.get(name, len(rank)), name)):
        entries = sorted(by_entity[entity], key=lambda e: (not e.in_title, -e.published.timestamp()))
        sections.append(EntitySection(entity, tuple(entries[:max_per_entity]), max(0, len(entries) - max_per_entity)))
    return DigestModel(
        generated_at=now.astimezone(zone),
        timezone=timezone,
        co_mentions=tuple(sorted(co_mentions.values(), key=lambda e: (-len(e.entities), -e.published.timestamp()))),
        sections=tuple(sections),
        match_count=len(rows),
        item_count=len(entities_of_item),
        failing_feeds=tuple(failing_feeds),
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
    )


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str


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


def render_digest(model: DigestModel, subject_prefix: str) -> RenderedDigest:
    environment = _environment()
    context = {"digest": model, "subject_prefix": subject_prefix}
    return RenderedDigest(
        subject=make_subject(subject_prefix, model),
        text=environment.get_template("digest.txt.j2").render(context),
        html=environment.get_template("digest.html.j2").render(context),
    )


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
    return message
