"""A document's entries as read (feedparser's dicts, or parse_fast's in the same shape) made Entry values: visible
text, UTC times, a language, identities told apart."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from watcher.parse.entry import MAX_TEXT_CHARS, MAX_TITLE_CHARS, Entry, _digest, entry_identity
from watcher.parse.text import collapse_whitespace, visible_text


def _entries(raw_entries: list[Any], feed_language: str | None) -> list[Entry]:
    entries: list[Entry] = []
    seen: dict[str, Entry] = {}
    for raw in raw_entries:
        entry = _entry(raw, feed_language)
        if entry is None:
            continue
        previous = seen.get(entry.identity)
        if previous is not None:
            if _telling(previous) == _telling(entry):
                continue  # the same entry twice in one document
            # A GUID reused for a different story: keep both, told apart by link and title (or text).
            entry = _with_identity(entry, _digest(entry.identity, *_telling(entry)))
        seen[entry.identity] = entry
        entries.append(entry)
    return entries


def _entry(raw: Any, feed_language: str | None) -> Entry | None:
    title = _plain(raw.get("title_detail"), raw.get("title"))[:MAX_TITLE_CHARS]
    link = (raw.get("link") or "").strip() or None
    summary = _plain(raw.get("summary_detail"), raw.get("summary"))[:MAX_TEXT_CHARS]
    content_parts = []
    for part in raw.get("content") or []:
        text = _plain(part, part.get("value"))
        if text and text != summary and text not in content_parts:
            content_parts.append(text)
    content = "\n".join(content_parts)[:MAX_TEXT_CHARS]
    if not title and not link:
        # Nothing to head a digest entry or open: dropped, as specified (RSS 2.0 allows such items, but
        # a reader of the digest could do nothing with one).
        return None
    guid = (raw.get("id") or "").strip() or None
    published = _timestamp(raw)
    return Entry(
        identity=entry_identity(
            guid, link, title, _raw(raw, "published") or _raw(raw, "updated") or "", text=summary or content
        ),
        guid=guid,
        link=link,
        title=title,
        summary=summary,
        content=content,
        published=published,
        language=_entry_language(raw) or feed_language,
        author=(raw.get("author") or None),
    )


def _telling(entry: Entry) -> tuple[str, ...]:
    """What tells two entries sharing an identity apart: link and title, or the text of an untitled one."""
    if entry.link or entry.title:
        return (entry.link or "", entry.title)
    return (entry.summary, entry.content)


def _with_identity(entry: Entry, identity: str) -> Entry:
    return replace(entry, identity=identity)


def _plain(detail: Any, value: Any) -> str:
    """Visible text of a feedparser text construct, whatever its declared type."""
    if not value:
        return ""
    kind = (detail or {}).get("type", "text/html") if isinstance(detail, dict) else "text/html"
    if kind == "text/plain":
        return collapse_whitespace(str(value))
    return visible_text(str(value))


def _raw(entry: Any, key: str) -> Any:
    # dict.get, not FeedParserDict.get: the latter maps a missing "updated*" to "published*" with a
    # DeprecationWarning (feedparser issue 310); we ask for each key ourselves.
    return dict.get(entry, key)


def _timestamp(raw: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = _raw(raw, key)
        if parsed:
            try:
                return datetime(*parsed[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def _entry_language(raw: Any) -> str | None:
    for key in ("summary_detail", "title_detail"):
        language = _language((raw.get(key) or {}).get("language"))
        if language:
            return language
    for part in raw.get("content") or []:
        language = _language(part.get("language"))
        if language:
            return language
    return None


def _language(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return None
    value = value.strip().lower().replace("_", "-")
    return value[:35] if re.fullmatch(r"[a-z]{2,8}(-[a-z0-9]{1,8})*", value) else None
