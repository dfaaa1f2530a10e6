"""The digest as a mail: subject, plain text and HTML (Jinja2, templates/), the CSV of every story. Pure."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

import css_inline
import jinja2

from watcher.digest.model import DigestModel

SUBJECT_MAX = 150
_NUMBER_UNIT = re.compile(r"(\d) (min|h|d)\b")
SUBJECT_ENTITIES = 4
LISTING_FILENAME = "digest-all-stories.csv"
LISTING_COLUMNS = (
    "story", "entities", "events", "first report", "published", "title", "link", "source", "language", "quote",
)  # fmt: skip
OTHER_REPORTS_SHOWN = 3  # "also in:" links under a story; the rest are counted
TREND_CHARTS = 6  # entities whose 30-day trend is drawn (~2.5 KB each); the others get its words only
# Gmail clips a message whose HTML passes ~102 KB, hiding the end of the digest: the mail lists fewer
# stories until it fits (a story takes 1-2 KB; the CSV attachment carries the rest).
HTML_BUDGET = 100_000


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str
    listing_csv: str | None = None  # every story, when the mail lists only some (LISTING_FILENAME)


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        # templates/ at the top of the repository ships as the package watcher.templates.
        loader=jinja2.FileSystemLoader(str(resources.files("watcher.templates"))),
        # Our template names end in .html.j2: select_autoescape's defaults would miss them.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["nobreak"] = _nobreak
    return environment


def _nobreak(text: str) -> str:
    """ "9 h", "35 min": a number and its unit stay on one line."""
    return _NUMBER_UNIT.sub("\\1\u00a0\\2", text)


# Mail clients drop <style> blocks or parts of them: styles are inlined into each element. The block is
# kept too, for what only it can say (the dark-mode media query). Nothing is loaded from the network.
_INLINER = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def render_digest(
    model: DigestModel, subject_prefix: str, not_relevant: Mapping[str, Sequence[tuple[str, str]]] | None = None
) -> RenderedDigest:
    """Subject, text and HTML of the digest; both parts list the same stories, as many as HTML_BUDGET allows.

    `not_relevant`: per story key, (entity, one-click link) pairs shown under the story in the HTML part.
    """
    links = not_relevant or {}
    html = _render(model, subject_prefix, "digest.html.j2", links)
    while len(html.encode()) > HTML_BUDGET and model.listed:
        listed = len(model.listed)
        per_story = len(html.encode()) / (listed + 2)  # the page around the stories counts as two
        drop = max(1, math.ceil((len(html.encode()) - HTML_BUDGET) / per_story))
        model = model.shortened(listed - drop)
        html = _render(model, subject_prefix, "digest.html.j2", links)
    return RenderedDigest(
        subject=make_subject(subject_prefix, model),
        text=_render(model, subject_prefix, "digest.txt.j2"),
        html=html,
        listing_csv=listing_csv(model) if needs_listing(model) else None,
    )


def needs_listing(model: DigestModel) -> bool:
    """Whether the mail leaves out a story, or a report of one (past the "also in" links it shows)."""
    return bool(model.unlisted) or any(len(story.others) > OTHER_REPORTS_SHOWN for story in model.listed)


def _render(
    model: DigestModel, subject_prefix: str, template: str, links: Mapping[str, Sequence[tuple[str, str]]] = {}
) -> str:
    context = {
        "not_relevant": links,
        "digest": model,
        "subject_prefix": subject_prefix,
        "listing_filename": LISTING_FILENAME,
        "listing": needs_listing(model),
        "other_reports_shown": OTHER_REPORTS_SHOWN,
        "trend_charts": TREND_CHARTS,
    }
    rendered = _environment().get_template(template).render(context)
    return _INLINER.inline(rendered) if template.endswith(".html.j2") else rendered


def listing_csv(model: DigestModel) -> str:
    """Every story of the digest as CSV (RFC 4180: CRLF, quoted as needed), one row per report."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(LISTING_COLUMNS)
    for number, story in enumerate(model.complete_listing or model.listed, 1):
        for report in story.reports:
            writer.writerow(
                _cell(value)
                for value in (
                    str(number),
                    " + ".join(story.entities),
                    story.gist or "",
                    story.first_published.strftime("%Y-%m-%d %H:%M"),
                    report.published.strftime("%Y-%m-%d %H:%M"),
                    report.title,
                    report.link or "",
                    report.source,
                    report.language or "",
                    story.quote.text if story.quote and report is story.lead else "",
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
        events=(),
        also=(),
        entities=(),
        story_count=0,
        report_count=0,
    )
    rendered = render_digest(model, subject_prefix)
    return replace(rendered, subject=" ".join(f"{subject_prefix}: nothing new today".split())[:SUBJECT_MAX])


def make_subject(prefix: str, model: DigestModel) -> str:
    """Fixed text, the story count and the entities in the body's order: no feed text reaches a header."""
    top = ", ".join(f"{line.entity} {line.stories}" for line in model.entities[:SUBJECT_ENTITIES])
    stories = f"{model.story_count} new stor{'y' if model.story_count == 1 else 'ies'}"
    subject = f"{prefix}: {stories}" + (f" — {top}" if top else "")
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
