"""What is checked of a document before (and after) it is read as a feed: decoded by feedparser's rules, refused
when it declares entities or has a pathological prologue, told truncated or not a feed at all."""

from __future__ import annotations

import re
from typing import Any

from watcher.errors import FeedError


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
    from watcher.parse_fast.copied import utf8_as_declared

    plain = utf8_as_declared(headers, body)  # most documents: without importing feedparser's package
    if plain is not None:
        return plain, False
    from feedparser.encodings import convert_to_utf8

    notes: dict[str, Any] = {}
    try:
        data = convert_to_utf8(headers, body, notes)
    except (ValueError, LookupError) as exc:  # a declared codec that raises (UnicodeError), a NUL in its name
        raise FeedError(f"not a feed: cannot decode it ({type(exc).__name__}: {exc})") from None
    return data, bool(notes.get("bozo")) or not notes.get("encoding")


def _base_uri(url: str | None) -> str:
    """What feedparser resolves relative links against, given the feed's URL as Content-Location."""
    from watcher.parse_fast.copied import make_safe_absolute_uri

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
