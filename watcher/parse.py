"""Turning feed bytes into plain entry values. Pure: bytes in, dataclasses out.

feedparser is always handed an ``io.BytesIO``: given a str or bytes that looks like a path or URL it
would open it. Its HTML sanitiser and relative-URI rewriting are switched off: watcher reduces HTML to
visible text itself, and never renders a feed's HTML.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from watcher.errors import FeedError

# feedparser and watcher.parse_fast (lxml) are imported where a feed is read (in the parse workers): the main
# process imports this module for its types and helpers only, and saved ~0.03 CPU-s of every start.

MAX_TEXT_CHARS = 100_000  # per field; longer content is cut (a feed is not an archive)
MAX_TITLE_CHARS = 1_000

# Elements whose content a reader never sees.
_INVISIBLE = frozenset({"script", "style", "template", "noscript", "head", "title", "iframe", "object"})
# Elements that break a line: their edges separate words even when the source has no space.
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)


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


class _VisibleText(HTMLParser):
    """Collects the text a browser shows. Fed a whole fragment at once (visible_text), then closed.

    Where Python's HTMLParser and a browser disagree, the browser wins: an unterminated comment, "<?",
    "<![CDATA[" or "<!..." construct, start tag or end tag is handed back as text by HTMLParser when the
    input ends ("safe<!--", "<![CDATA[<script>", a summary cut inside '<a href="...'), while a browser
    reads it as markup running to the end of the input and shows none of it. "<![CDATA[" and other "<!"
    constructs are, in HTML, bogus comments that end at the next ">". As the whole fragment is fed at
    once, "incomplete" here always means "unterminated at the end of the input".
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def _to_end_if_unterminated(self, end: int) -> int:
        return len(self.rawdata) if end < 0 else end

    def parse_comment(self, i: int, report: bool = True) -> int:
        return self._to_end_if_unterminated(super().parse_comment(i, report))

    def parse_html_declaration(self, i: int) -> int:
        if self.rawdata.startswith("<!--", i):
            return self.parse_comment(i)
        close = self.rawdata.find(">", i + 2)
        return self._to_end_if_unterminated(close + 1 if close >= 0 else -1)

    def parse_pi(self, i: int) -> int:
        return self._to_end_if_unterminated(super().parse_pi(i))

    def parse_starttag(self, i: int) -> int:
        return self._to_end_if_unterminated(super().parse_starttag(i))

    def parse_endtag(self, i: int) -> int:
        return self._to_end_if_unterminated(super().parse_endtag(i))

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _INVISIBLE:
            self.hidden_depth += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self.hidden_depth:
                self.parts.append(f" {alt} ")

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "img":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, entities decoded, whitespace collapsed.

    Blocks become single newlines; attributes (href, src) never reach the text.
    """
    if "<" not in html and "&" not in html:
        return collapse_whitespace(html)
    simple = _simple_visible_text(html)
    return simple if simple is not None else _parsed_visible_text(html)


def _parsed_visible_text(html: str) -> str:
    parser = _VisibleText()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # pathological markup; keep what was read
        pass
    return collapse_whitespace("".join(parser.parts))


# A start or end tag as most feed HTML writes them: a plain name, attributes without "<" or ">" in them.
_SIMPLE_TAG = re.compile(
    r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*"""
    r"""(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'=<>`]+))?)*)\s*/?>"""
)


def _simple_visible_text(html: str) -> str | None:
    """visible_text without HTMLParser for markup of plain tags only (4× faster); None for anything else.

    Gives what _VisibleText gives on such input (tests/test_parse_fast.py holds the two equal): text
    between tags entity-decoded as HTMLParser decodes it, a newline for each block tag. Markup that
    needs a real parser (a stray "<", comments, script/style and other hidden elements, img alt text,
    end tags with attributes) returns None.
    """
    pieces: list[str] = []
    position = 0
    for tag in _SIMPLE_TAG.finditer(html):
        text = html[position : tag.start()]
        if "<" in text:
            return None
        name = tag[2].lower()
        if name in _INVISIBLE or name == "img" or (tag[1] and tag[3]):
            return None
        pieces.append(unescape(text) if "&" in text else text)
        if name in _BLOCKS:
            pieces.append("\n")
        position = tag.end()
    tail = html[position:]
    if "<" in tail:
        return None
    pieces.append(unescape(tail) if "&" in tail else tail)
    return collapse_whitespace("".join(pieces))


def collapse_whitespace(text: str) -> str:
    """Runs of whitespace made one space, lines kept apart by one newline (blank ones dropped), ends trimmed.

    str.split() splits on exactly the characters a regular expression's \\s matches: the same result as the two
    substitutions used before (tests/test_parse_fast.py holds them equal), at a sixth of the CPU; it runs on every
    text field of every entry.
    """
    if "\n" not in text and "\r" not in text:
        return " ".join(text.split())
    return "\n".join(filter(None, [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]))


def check_no_entity_declarations(body: bytes, content_type: str | None = None) -> None:
    """Refuse documents that declare entities: the billion-laughs family of attacks.

    feedparser's lenient fallback expands internal entities; a 60 KB document can become hundreds of
    MB. News feeds have no use for a DTD's entities. Checked on the whole prologue, decoded as feedparser
    decodes it (BOM, charset, XML declaration, EBCDIC...), so a UTF-16, UTF-32 or EBCDIC copy of the
    attack is caught as well, and so is one whose DTD follows a long comment or a comment holding a tag.
    """
    _refuse_entity_declarations(_document_text(body, {"content-type": content_type} if content_type else {}))


def _refuse_entity_declarations(text: str) -> None:
    prologue, _root = _split_prologue(text)
    if "<!entity" in prologue.lower():
        raise FeedError("document declares XML entities in its DTD; refused (entity expansion attack)")


def _document_text(body: bytes, headers: dict[str, str]) -> str:
    """The document as feedparser's parsers will see it: decoded by feedparser's own rules."""
    return _document_utf8(body, headers)[0].decode("utf-8", "replace")


def _document_utf8(body: bytes, headers: dict[str, str]) -> tuple[bytes, bool]:
    """(the document re-encoded as UTF-8 by feedparser's own rules, whether the decoding raised a note)."""
    from feedparser.encodings import convert_to_utf8

    notes: dict[str, Any] = {}
    try:
        data = convert_to_utf8(headers, body, notes)
    except (ValueError, LookupError) as exc:  # a declared codec that raises (UnicodeError), a NUL in its name
        raise FeedError(f"not a feed: cannot decode it ({type(exc).__name__}: {exc})") from None
    return data, bool(notes.get("bozo")) or not notes.get("encoding")


def read_feed(utf8: bytes, base: str, stored_of: Any = None) -> Any:
    """watcher.parse_fast.read_feed (None: not a document it reads), imported at the first feed read."""
    from watcher.parse_fast import read_feed as fast

    return fast(utf8, base, stored_of)


def _base_uri(url: str | None) -> str:
    """What feedparser resolves relative links against, given the feed's URL as Content-Location."""
    from feedparser.urls import make_safe_absolute_uri

    return make_safe_absolute_uri("", url or "") or make_safe_absolute_uri(url or "") or ""


_XML_NAME = re.compile(r"[A-Za-z_][\w:.-]*")
_DECLARATION_TOKEN = re.compile(r"""<!--|<\?|["'\[\]>]""")


def _split_prologue(text: str) -> tuple[str, str | None]:
    """(the text before the root element, the root element's name; None when there is none).

    Comments, processing instructions and the DOCTYPE (its quoted literals and internal subset too)
    are skipped as an XML parser skips them: a "<b>" written inside one of them is not the root.
    """
    position = 0
    while (start := text.find("<", position)) >= 0:
        if text.startswith("<!--", start):
            position = _after(text, "-->", start + 4)
        elif text.startswith("<?", start):
            position = _after(text, "?>", start + 2)
        elif text.startswith("<!", start):
            position = _after_declaration(text, start + 2)
        elif name := _XML_NAME.match(text, start + 1):
            return text[:start], name.group()
        else:
            position = start + 1
    return text, None


def _after(text: str, terminator: str, position: int) -> int:
    end = text.find(terminator, position)
    return len(text) if end < 0 else end + len(terminator)


def _after_declaration(text: str, position: int) -> int:
    """Where a <!DOCTYPE ...> declaration that began before `position` ends, its [internal subset] included."""
    depth = 0
    while found := _DECLARATION_TOKEN.search(text, position):
        token, position = found.group(), found.end()
        if token in ('"', "'"):
            position = _after(text, token, position)
        elif token == "<!--":
            position = _after(text, "-->", position)
        elif token == "<?":
            position = _after(text, "?>", position)
        elif token == "[":
            depth += 1
        elif token == "]":
            depth = max(0, depth - 1)
        elif depth == 0:
            return position
    return len(text)


# feedparser looks for DOCTYPE and ENTITY declarations with "^\s*<!..." over everything before the first
# "<" and a letter: quadratic in the blank lines there. A few thousand are harmless; megabytes of them
# would keep a parser process busy for hours (a parse timeout does not stop the process).
_BLANKS = re.compile(r"\s{2,}")
_FIRST_ELEMENT = re.compile(r"<\w", re.ASCII)
MAX_PROLOGUE_BLANK_COST = 100_000_000


def _refuse_blank_prologue(text: str) -> None:
    first = _FIRST_ELEMENT.search(text)
    head = text[: first.start()] if first else ""
    cost = sum(run.group().count("\n") * len(run.group()) for run in _BLANKS.finditer(head))
    if cost > MAX_PROLOGUE_BLANK_COST:
        lines = head.count("\n")
        raise FeedError(f"not a feed: {lines} blank lines before its first element; refused")


_BYTE_ORDER_MARKS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _content_type_with_bom_charset(body: bytes, content_type: str | None) -> str | None:
    """The Content-Type to hand feedparser: a byte order mark decides the charset, whatever the label says.

    A BOM is what browsers go by (WHATWG Encoding, "BOM sniff") and what XML 1.0 Appendix F reads first.
    feedparser instead strips the BOM and then decodes with the charset the HTTP header implies, so a
    UTF-16 feed served as text/xml (us-ascii per RFC 3023), as "charset=utf-16" with a big-endian BOM
    (Python's utf-16 codec then assumes little-endian) or with a wrong charset came out as garbage and
    was refused as "not a feed".
    """
    for bom, encoding in _BYTE_ORDER_MARKS:
        if body.startswith(bom):
            media_type = (content_type or "").split(";", 1)[0].strip() or "application/xml"
            return f"{media_type}; charset={encoding}"
    return content_type


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
        entry.dedup_key  # noqa: B018 -- computed here, in the parse worker, and pickled with the entry: not by the writer
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


# The root elements of the feeds feedparser reads: RSS 0.9x-2.0, Atom, RSS 1.0 and 0.90 (rdf:RDF).
_FEED_ROOTS = {"rss", "feed", "rdf", "channel"}
_PROLOGUE_MARKUP = re.compile(r"<!--.*?-->|<\?.*?\?>|<![^>]*>", re.DOTALL)


def _not_a_feed(text: str, prologue: str, root: str | None, feed_root: bool, warning: str | None) -> str:
    """What a document that gave no feed is, in words: `feeds add README.md` was told of a "truncated
    document: it ends without </state_dir>" (a tag named in the Markdown) instead."""
    head = text[:2048].lower()
    if "<html" in head or "<!doctype html" in head:
        return "not a feed: the server returned an HTML page"
    # The text was re-encoded to UTF-8 with an XML declaration in front: look past it.
    start = _PROLOGUE_MARKUP.sub("", text[:4096]).lstrip("\ufeff\x00 \t\r\n")[:1]
    if start in ("{", "["):
        return "not a feed: a JSON document (watcher reads RSS, Atom and RDF feeds)"
    if root is None or _PROLOGUE_MARKUP.sub("", prologue).strip("\ufeff\x00 \t\r\n"):
        return "not a feed: plain text, no RSS, Atom or RDF document found"
    if not feed_root:
        return f"not a feed: an XML document of another kind (<{root}>), not RSS, Atom or RDF"
    return f"not a feed: {warning or 'no RSS or Atom content found'}"


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


_TRAILING_COMMENTS = re.compile(r"(?:\s|<!--.*?-->)*\Z", re.DOTALL)


def _unclosed_root(text: str) -> str | None:
    """The closing tag a document lacks at its end (``</rss>``), or None when it ends properly."""
    prologue, root = _split_prologue(text)
    if root is None:
        return None
    if _EMPTY_ELEMENT.match(text, len(prologue)):
        return None  # <rss version="2.0"/>: an empty document, but a whole one
    tail = text[-4096:]
    tail = tail[: _TRAILING_COMMENTS.search(tail).start()]
    tail = tail.rstrip("\x00 \t\r\n")
    # "</rss" without its ">" is a server's stray cut of one byte, not a lost item: tolerated. (Ending
    # in "/>" is not enough: an Atom feed cut after an entry's <link href="..."/> ends so.)
    if tail.endswith((f"</{root}>", f"</{root}")):
        return None
    return f"</{root}>"


# A start tag that closes itself: <name attribute="value" .../>
_EMPTY_ELEMENT = re.compile(r"""<[A-Za-z_][\w:.-]*(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/>""")


def _bozo_message(result: Any) -> str | None:
    if not result.get("bozo"):
        return None
    exception = result.get("bozo_exception")
    return f"{type(exception).__name__}: {exception}" if exception else "ill-formed feed"


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


# Query parameters that track a click, not name a page: dropped when comparing links.
_TRACKING_PARAMETER = re.compile(
    r"^(utm_\w+|mc_[ce]id|_hs(enc|mi)|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|ref_src|cmpid|ocid)$",
    re.IGNORECASE,
)


def normalise_link(link: str) -> str:
    """A link reduced to what names the page: no scheme, www., fragment, trailing slash or tracking."""
    link = link.strip()
    plain = _PLAIN_WEB_LINK.fullmatch(link)
    if plain is None:
        return _normalise_parsed_link(link)
    host, port_text, path, query_text = plain.groups()
    host = host.lower().removeprefix("www.")
    port = int(port_text) if port_text else None
    netloc = host + (f":{port}" if port and port not in (80, 443) and port <= 65535 else "")
    return netloc + ((path or "").rstrip("/") or "/") + _kept_query(query_text or "")


# An http(s) link whose parts one match reads as urlsplit reads them (~1 µs against urlsplit's and the port's ~6):
# a plain ASCII host (no user, no brackets, no "%"), digits or nothing after a ":", and no white space or control
# character before the fragment (urlsplit removes tabs and line breaks anywhere); anything else goes through
# urlsplit. Each dedup key of every new entry is computed with it; tests/test_parse.py holds the two readings equal.
_PLAIN_WEB_LINK = re.compile(
    r"(?i:https?)://([-\w.]+)(?::([0-9]*))?(/[^?#\x00-\x20\x7f]*)?(?:\?([^#\x00-\x20\x7f]*))?(?:#[^\t\r\n]*)?",
    re.ASCII,
)


def _normalise_parsed_link(link: str) -> str:
    """normalise_link through urlsplit: any link."""
    parts = urlsplit(link)
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host + (f":{port}" if port and port not in (80, 443) else "")
    return netloc + (parts.path.rstrip("/") or "/") + _kept_query(parts.query)


def _kept_query(query: str) -> str:
    """The query without tracking parameters, sorted ("?..."), or "" when nothing is left."""
    if not query:
        return ""
    kept = sorted(
        (key, value) for key, value in parse_qsl(query, keep_blank_values=True) if not _TRACKING_PARAMETER.match(key)
    )
    return "?" + urlencode(kept) if kept else ""
