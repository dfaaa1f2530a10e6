"""The digest: one mail a day, its unit the story (reports of one real-world event, in any language).

model    — the digest as values: stories, their reports, each entity's 30-day volume
wording  — gist lines, quotes, coverage and ages, in English, from structured facts only
names    — English names of countries and languages (CLDR)
build    — match rows and stored stories in, the model out: grouping, ranking, caps (pure)
render   — subject, plain text and HTML (templates/), the CSV of every story, the MIME message (pure)
assemble — the model of a route from the database
"""

from watcher.digest.assemble import assemble_digest
from watcher.digest.build import build_digest, share_fairly
from watcher.digest.model import DigestModel, DigestStory, EntityLine, Report
from watcher.digest.render import (
    LISTING_FILENAME,
    SUBJECT_MAX,
    RenderedDigest,
    compose_message,
    listing_csv,
    make_subject,
    render_digest,
    render_nothing_new,
)

__all__ = [
    "LISTING_FILENAME",
    "SUBJECT_MAX",
    "DigestModel",
    "DigestStory",
    "EntityLine",
    "RenderedDigest",
    "Report",
    "assemble_digest",
    "build_digest",
    "compose_message",
    "listing_csv",
    "make_subject",
    "render_digest",
    "render_nothing_new",
    "share_fairly",
]
