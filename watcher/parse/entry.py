"""A feed's entries as plain values (Entry, ParsedFeed) and an entry's stable identity."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from watcher.parse.links import normalise_link

MAX_TEXT_CHARS = 100_000  # per field; longer content is cut (a feed is not an archive)
MAX_TITLE_CHARS = 1_000


@dataclass(frozen=True)
class Entry:
    """One feed entry as plain values: visible text only, times in UTC."""

    identity: str  # stable key of the entry within its feed (sha256 hex)
    guid: str | None
    link: str | None
    title: str
    summary: str
    content: str
    published: datetime | None
    language: str | None
    author: str | None = None

    @cached_property  # a URL parse and a hash, ~10 µs: parse_feed computes it in the worker
    def dedup_key(self) -> str | None:
        """A second key, on the normalised link (else the title), that survives a GUID changing."""
        if self.link:
            return _digest("link", normalise_link(self.link))
        return _digest("title", " ".join(self.title.casefold().split())) if self.title else None

    @cached_property  # a URL read, a title folded and hashed, ~5-10 µs: parse_feed computes it in the worker too
    def site_keys(self) -> tuple[bool, str | None, int | None]:
        """(whether the link is a web link, its site, the title_key of that site and the title): what the store
        asks of every new entry (sources.item_keys), for the site the entry's own link names."""
        from watcher.coverage.keys import title_key, web_site  # the worker's import, not every Entry user's

        web, site = web_site(self.link)
        return web, site, title_key(site, self.title)

    @property
    def fields(self) -> dict[str, str]:
        """The text fields the matcher reads, most telling first."""
        return {"title": self.title, "summary": self.summary, "content": self.content}


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    link: str | None
    language: str | None
    entries: list[Entry]
    warning: str | None = None  # feedparser's bozo note on a feed it still could read
    ttl_seconds: int | None = None  # RSS <ttl>: how long the publisher asks readers to wait
    # Entries stored already whose text was not read (parse_feed_here with `stored`): (identity, published) each.
    skipped: tuple[tuple[str, datetime | None], ...] = ()


def entry_identity(guid: str | None, link: str | None, title: str, date_text: str, text: str = "") -> str:
    """guid, else link, else title+date, else text+date (an untitled item); hashed to a fixed-size key.

    Never hashes sanitised HTML: ``text`` is the visible text of the summary (or content).
    """
    if guid:
        return _digest("guid", guid)
    if link:
        return _digest("link", link)
    if title or not text:
        return _digest("title", title, date_text)
    return _digest("text", text, date_text)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
