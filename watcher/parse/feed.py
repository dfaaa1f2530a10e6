"""parse_feed: a feed document's bytes made a ParsedFeed, read by watcher.parse_fast where it can, else by
feedparser (with the repairs it needs); refused with FeedError where it is no usable feed."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from watcher.errors import FeedError
from watcher.parse.document import (
    _FEED_ROOTS,
    _base_uri,
    _content_type_with_bom_charset,
    _document_utf8,
    _not_a_feed,
    _refuse_blank_prologue,
    _refuse_entity_declarations,
    _split_prologue,
    _unclosed_root,
)
from watcher.parse.entry import MAX_TITLE_CHARS, ParsedFeed, entry_identity
from watcher.parse.raw_entries import _entries, _language, _plain, _timestamp

# feedparser and watcher.parse_fast (lxml) are imported where a feed is read (in the parse workers): the main
# process imports this module for its types and helpers only, and saved ~0.03 CPU-s of every start.


def read_feed(utf8: bytes, base: str, stored_of: Any = None) -> Any:
    """watcher.parse_fast.reader.read_feed (None: not a document it reads), imported at the first feed read."""
    from watcher.parse_fast.reader import read_feed as fast

    return fast(utf8, base, stored_of)


class NeedsFeedparser(Exception):
    """parse_feed(fast_only=True) was given a document only feedparser reads (see parse_fast)."""


def parse_feed(
    body: bytes, *, content_type: str | None = None, url: str | None = None, fast_only: bool = False
) -> ParsedFeed:
    """Parse a feed document. Raises FeedError when the bytes are not a usable feed.

    With fast_only, a document that watcher.parse_fast does not read (feedparser's lenient reading, for DTDs,
    legacy encodings, broken XML...) raises NeedsFeedparser instead of being read: the caller parses it in a
    worker process. What is read is the same either way.
    """
    parsed = _parse_document(body, content_type, url, fast_only)
    for entry in parsed.entries:
        # Computed here, in the parse worker, and pickled with the entry: not by the writer.
        entry.dedup_key  # noqa: B018
        entry.site_keys  # noqa: B018
    return parsed


# Of a feed's entry identities, those it has stored (store.stored_identities for one feed).
Stored = Callable[[list[str]], set[str]]


def parse_feed_here(
    body: bytes, *, content_type: str | None = None, url: str | None = None, stored: Stored | None = None
) -> ParsedFeed:
    """parse_feed(fast_only=True) for a caller in the writer's own process (parse_pool.parse_inline): each entry's
    dedup_key is left to be computed when asked for, as new_entries asks only of the entries not stored yet (a
    changed feed's few new ones: the other ~45 of 50 entries' URL parse and hash, ~10 µs each, are spared).

    With `stored`, the entries with a link whose identity (of their GUID, else their link) it names are not made
    into Entry values: their text is not read; their identity and publication time go in ParsedFeed.skipped. Only
    for a caller that reads no stored entry's text (not full_text auto, which weighs every entry's).
    """
    return _parse_document(body, content_type, url, True, stored)


def _parse_document(
    body: bytes, content_type: str | None, url: str | None, fast_only: bool, stored: Stored | None = None
) -> ParsedFeed:
    if not body.strip():
        raise FeedError("empty response body")
    try:
        return _parse_feed(body, content_type, url, fast_only, stored)
    except FeedError as exc:
        # A server that labels every response charset=utf-16 (or EBCDIC...) whatever it sends: the bytes
        # are no feed in that charset. Read by the document's own declaration (and detection) instead.
        media_type, _, parameters = (content_type or "").partition(";")
        if not (str(exc).startswith("not a feed") and "charset" in parameters.lower()):
            raise
        try:
            parsed = _parse_feed(body, media_type.strip(), url, fast_only, stored)
        except FeedError as second:
            # Refused by its own declaration too: say why, unless it is the same "not a feed" again.
            raise (exc if str(second).startswith("not a feed") else second) from None
        note = f"the Content-Type's charset did not decode it ({content_type}); read by its own declaration"
        return replace(parsed, warning="; ".join(filter(None, [note, parsed.warning])))


def _parse_feed(
    body: bytes, content_type: str | None, url: str | None, fast_only: bool = False, stored: Stored | None = None
) -> ParsedFeed:
    headers = {}
    # No Content-Type: XML's own rules (BOM, declaration, else UTF-8, else detection), not feedparser's
    # ISO-8859-1, which reads any legacy-encoded feed as mojibake without a word.
    content_type = _content_type_with_bom_charset(body, content_type or "application/xml")
    if content_type:
        headers["content-type"] = content_type
    if url:
        headers["content-location"] = url
    utf8, encoding_note = _document_utf8(body, headers)
    text = utf8.decode("utf-8", "replace")
    _refuse_entity_declarations(text)
    _refuse_blank_prologue(text)
    stored_of = (lambda raw_entries: _stored_entries(raw_entries, stored)) if stored is not None else None
    result = None if encoding_note else read_feed(utf8, _base_uri(url), stored_of)
    if result is None:
        if fast_only:
            raise NeedsFeedparser
        result = _feedparser(body, headers, text)
    warning = _bozo_message(result)
    prologue, root = _split_prologue(text)
    feed_root = root is not None and root.rpartition(":")[2].lower() in _FEED_ROOTS
    if warning and feed_root and (missing := _unclosed_root(text)):
        # Cut short in transit or by the server: what parsed is a fragment. Refusing it leaves stored
        # items, dedup state and the feed's ETag/hash as they were, so the next poll fetches it whole.
        raise FeedError(f"truncated document: it ends without {missing} ({warning})")
    if not result.get("version") and not result["entries"]:
        raise FeedError(_not_a_feed(text, prologue, root, feed_root, warning))
    feed = result.get("feed", {})
    feed_language = _language(feed.get("language"))
    if stored is None:
        skip: dict[int, str] = {}
    elif "stored_entries" in result:  # parse_fast read only the id, link and dates of these
        skip = result["stored_entries"]
    else:
        skip = _stored_entries(result["entries"], stored)
    entries = _entries([raw for index, raw in enumerate(result["entries"]) if index not in skip], feed_language)
    return ParsedFeed(
        title=_plain(feed.get("title_detail"), feed.get("title"))[:MAX_TITLE_CHARS] or None,
        link=feed.get("link"),
        language=feed_language,
        entries=entries,
        warning=warning,
        ttl_seconds=_ttl(feed.get("ttl")),
        skipped=tuple((identity, _timestamp(result["entries"][index])) for index, identity in skip.items()),
    )


def _stored_entries(raw_entries: list[Any], stored: Stored) -> dict[int, str]:
    """{index: identity} of the entries `stored` names, of those with a link (an entry with a link is never dropped
    for want of a title); {} when two entries share an identity (_entries tells them apart by their text). The
    identity is entry_identity's, which reads neither title nor text where there is a GUID or a link."""
    keyed: dict[int, str] = {}
    for index, raw in enumerate(raw_entries):
        guid = (raw.get("id") or "").strip() or None
        link = (raw.get("link") or "").strip() or None
        if guid or link:
            keyed[index] = entry_identity(guid, link, "", "")
    if len(set(keyed.values())) != len(keyed):
        return {}
    linked = {index: identity for index, identity in keyed.items() if (raw_entries[index].get("link") or "").strip()}
    found = stored(list(linked.values())) if linked else set()
    return {index: identity for index, identity in linked.items() if identity in found}


def _feedparser(body: bytes, headers: dict[str, str], text: str) -> Any:
    """feedparser's reading of a document; FeedError where feedparser itself breaks on it.

    Its lenient parser raises on numeric character references that name no character (``&#55357;``,
    half of an emoji as badly written generators encode it, or ``&#99999999999;``). Such a document
    gets a second reading, decoded, with those references repaired (pairs joined, the rest U+FFFD).
    """
    import feedparser

    try:
        return feedparser.parse(
            io.BytesIO(body), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as exc:  # feedparser has bugs that hostile input reaches
        failure = f"not a feed: the parser failed on it ({type(exc).__name__}: {exc})"
    repaired = _CHARACTER_REFERENCES.sub(_repair_reference, text)
    if repaired == text:
        raise FeedError(failure)
    media_type = headers.get("content-type", "application/xml").split(";", 1)[0].strip()
    try:
        return feedparser.parse(
            io.BytesIO(repaired.encode("utf-8")),
            response_headers={**headers, "content-type": f"{media_type}; charset=utf-8"},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception:
        raise FeedError(failure) from None


# A numeric character reference, perhaps followed by a second (a UTF-16 surrogate pair written as two).
_REFERENCE = r"&#(?:[xX]([0-9a-fA-F]{1,64})|([0-9]{1,64}));"
_CHARACTER_REFERENCES = re.compile(f"{_REFERENCE}(?:{_REFERENCE})?")


def _repair_reference(found: re.Match[str]) -> str:
    first = int(found[1], 16) if found[1] else int(found[2])
    second = (int(found[3], 16) if found[3] else int(found[4])) if found[3] or found[4] else None
    if second is not None and 0xD800 <= first < 0xDC00 and 0xDC00 <= second < 0xE000:
        return f"&#{0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)};"
    return "".join(_valid_reference(code) for code in (first, second) if code is not None)


def _valid_reference(code: int) -> str:
    return f"&#{code};" if code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"


def _ttl(value: Any) -> int | None:
    text = str(value or "").strip()
    # ASCII digits only, and few: "²".isdigit() is true but int("²") fails; int() refuses > 4300 digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 5):
        return None
    return int(text) * 60 if 0 < int(text) < 100_000 else None


def _bozo_message(result: Any) -> str | None:
    if not result.get("bozo"):
        return None
    exception = result.get("bozo_exception")
    return f"{type(exception).__name__}: {exception}" if exception else "ill-formed feed"
