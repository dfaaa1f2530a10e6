"""A fast reading, with lxml, of the well-formed RSS 2.0 and Atom 1.0 feeds most publishers serve.

feedparser spends ~10 ms on a 30 KB feed of 50 items, nearly all of it in Python callbacks per XML
event. lxml builds the tree in C in a fraction of that; this module then reads the few elements watcher
uses and returns the values feedparser would have returned for them, down to its quirks (a permalink
guid standing in for a missing <link>, the first non-empty <title> winning, relative links resolved
against the feed's URL, its text repairs). Identities are computed from those values, so a feed read
once here and once by feedparser yields the same items, never duplicates.

Anything outside the subset read exactly (a DOCTYPE, xml:base, an element feedparser gives meaning to
that is not handled here, nested markup in a text element, Atom's xhtml or base64 content...) returns
None and the caller hands the document to feedparser. tests/test_parse_fast.py holds the two readers
equal over feedparser's own test corpus and generated feeds.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import feedparser.api
from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin
from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_HTML_TYPES = _FeedParserMixin.html_types
# feedparser's prefixes for the namespaces it knows (lower-cased URI -> prefix); others keep their own.
_KNOWN_PREFIXES = {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}
_HANDLERS = frozenset(name for name in dir(feedparser.api.StrictFeedParser) if name.startswith(("_start_", "_end_")))

# Elements feedparser gives meaning to without touching a value watcher reads, by where they stand:
# leaves, and subtrees with the descendants allowed in them. Anything else with a feedparser handler is
# read by feedparser instead (tests/test_parse_fast.py generates feeds holding each of these).
_CHANNEL_LEAVES = frozenset(
    {
        "description",
        "subtitle",
        "pubdate",
        "lastbuilddate",
        "generator",
        "copyright",
        "rights",
        "managingeditor",
        "webmaster",
        "category",
        "cloud",
        "updated",
        "icon",
        "logo",
        "dc_rights",
        "dc_publisher",
        "dc_subject",
        "itunes_explicit",
        "itunes_image",
        "itunes_keywords",
        "itunes_subtitle",
        "itunes_author",
    }
)
_PERSON = frozenset({"name", "email", "uri"})
_CHANNEL_SUBTREES = {
    "image": frozenset({"title", "link", "url", "width", "height", "description"}),
    "textinput": frozenset({"title", "link", "name", "description"}),
    "author": _PERSON,
    "contributor": _PERSON,
    "itunes_owner": frozenset({"itunes_name", "itunes_email"}),
    "itunes_category": frozenset({"itunes_category"}),
    "skiphours": frozenset({"hour"}),
    "skipdays": frozenset({"day"}),
}
_ENTRY_LEAVES = frozenset(
    {
        "category",
        "enclosure",
        "media_content",
        "media_thumbnail",
        "dc_subject",
        "itunes_explicit",
        "itunes_image",
        "itunes_keywords",
        "itunes_subtitle",
    }
)
_ENTRY_SUBTREES = {"contributor": _PERSON}
# The elements _entry reads itself (the others it checks with _check_harmless).
_READ_BY_ENTRY = frozenset({"title", "link", "guid", "id", "author", "dc_creator", "description", "summary",
                            "content_encoded", "content", "source"})  # fmt: skip
# Keys of an entry that watcher.parse reads: an element without a feedparser handler is stored under its
# own name, harmless unless it is one of these.
_READ_KEYS = frozenset({"title", "link", "summary", "content", "id", "published", "updated", "created", "author"})

# No DTD, no entities, no network, libxml2's size limits on (huge_tree off): a document that needs any
# of them goes to feedparser, behind watcher's own entity and size checks.
_PARSER_OPTIONS = {
    "encoding": "utf-8",
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
    "recover": False,
    "collect_ids": False,
}
_parsers = threading.local()  # an lxml parser must not serve two threads at once
_LINK_REFERENCE = re.compile("&([A-Za-z0-9_]+);")
_looks_like_html = _FeedParserMixin.looks_like_html
_TEXT_ATTRIBUTES = frozenset({"type", _XML_LANG, "lang"})
_PLAIN_OR_HTML = frozenset({"text/plain"} | _HTML_TYPES)  # made once, not at each text element (as feedparser does)
_TEXT_TYPES = _PLAIN_OR_HTML - {"application/xhtml+xml"}  # the text constructs read here
# _feedparser_name of each tag seen (a str: an element without a namespace, or in one feedparser knows): the name
# does not depend on the element then. Bounded, as a worker reads many documents and a document may invent tags.
_NAMES: dict[str, str] = {}
_NAMES_KEPT = 2000
# An absolute http(s) URL that feedparser's _urljoin gives back as it is, whatever the base: lower-case scheme, a
# host (no "[", nothing non-ASCII: urlsplit's checks), no ";" (params), no white space or control character (urlsplit
# strips and removes them), a "?" or "#" only with something after it (urlunsplit drops an empty query or fragment).
# Nearly every feed's links are such; _urljoin's two URL parses cost ~7-9 µs a link (~0.4 CPU-s an all-new pass of
# 50,000 entries), the match ~0.5. tests/test_parse_fast.py holds the two equal on generated URLs.
_PLAIN_ABSOLUTE_URL = re.compile(
    r"https?://[-\w.~%!$&'()*+,=:@]+(?:/[-\w.~%!$&'()*+,=:@/]*)?(?:\?[-\w.~%!$&'()*+,=:@/?]+)?(?:#[-\w.~%!$&'()*+,=:@/?#]+)?",
    re.ASCII,
)


def _resolve(base: str, uri: str, base_parses: bool = True) -> str:
    """feedparser's _urljoin(base, uri), without its URL parses where `uri` is a plain absolute http(s) URL and
    the base parses (_urljoin gives '' for any link against a base urlsplit refuses, such as "http://[::1")."""
    if base_parses and _PLAIN_ABSOLUTE_URL.fullmatch(uri):
        return uri
    return _urljoin(base, uri)


def _parses(url: str) -> bool:
    try:
        urlsplit(url)
    except ValueError:
        return False
    return True


def _parser() -> Any:
    if not hasattr(_parsers, "parser"):
        _parsers.parser = etree.XMLParser(**_PARSER_OPTIONS)
    return _parsers.parser


class _Unsupported(Exception):
    """The document uses something this reader does not reproduce exactly: feedparser reads it."""


# Given the entries' ids and links (as _entry reads them, nothing else), {index: identity} of those stored already.
StoredOf = Callable[[list[dict[str, Any]]], dict[int, str]]


def read_feed(utf8: bytes, base: str, stored_of: StoredOf | None = None) -> dict[str, Any] | None:
    """feedparser's result for the values watcher reads, or None when feedparser must read the document.

    `utf8` is the document as feedparser's encoding detection leaves it (UTF-8 bytes); `base` the URI
    that relative links resolve against, as feedparser computes it ('' for none).

    With `stored_of`, the entries it names are read for their id, link and dates only (their text is never
    used: parse.parse_feed_here), and the result's "stored_entries" is what it returned.
    """
    if b"<!DOCTYPE" in utf8 or b"xml:base" in utf8:  # entities live in a DOCTYPE
        return None
    try:
        root = etree.fromstring(utf8, _parser())
        return _Reader(base).read(root, stored_of)
    except (etree.XMLSyntaxError, _Unsupported, ValueError):
        return None


class _Reader:
    def __init__(self, base: str) -> None:
        self.base = base
        self.base_parses = _parses(base)
        self.version = ""
        self.has_content = False  # feedparser's hasContent: set by a content element, reset after each entry
        # The language in scope of the element whose text elements are being read (an item, mostly): looked up
        # once for the item's title, description and content, not up the tree again for each.
        self._scope: tuple[Any, str | None] = (None, None)

    def read(self, root: Any, stored_of: StoredOf | None = None) -> dict[str, Any]:
        self.version = _namespace_version(root)
        if root.tag == "rss":
            if self.version.startswith("rss"):
                raise _Unsupported("an RSS 1.0 namespace on an RSS 2.0 root")
            self.version = "rss20"  # feedparser's name for it varies with the version attribute; all are RSS
            if len(root) != 1 or root[0].tag != "channel" or root[0].attrib:
                raise _Unsupported("not one plain channel")
            container, entry_name = root[0], "item"
        elif root.tag == f"{{{ATOM}}}feed" and self.version == "atom10":
            container, entry_name = root, "entry"
        else:
            raise _Unsupported("not RSS 2.0 or Atom 1.0")
        feed: dict[str, Any] = {}
        if language := root.get(_XML_LANG, root.get("lang")):
            feed["language"] = language.replace("_", "-")
        children = [(child, _feedparser_name(child)) for child in container]
        stored: dict[int, str] = {}
        keys: list[dict[str, Any]] = []
        if stored_of is not None:
            keys = [self._keys(child) for child, name in children if name == entry_name]
            stored = stored_of(keys)
        entries = []
        for child, name in children:
            if name == entry_name:
                index = len(entries)
                # A stored entry's text is not read (~80% of reading a changed feed whose ~45 entries of 50 are
                # stored): entries are read independently of each other, so the others come out the same.
                entries.append(self._stored_entry(child, keys[index]) if index in stored else self._entry(child))
                self.has_content = False
            else:
                self._feed_element(feed, child, name)
        result = {"version": self.version, "bozo": 0, "feed": feed, "entries": entries}
        if stored_of is not None:
            result["stored_entries"] = stored
        return result

    # -- the feed --------------------------------------------------------------------------------------

    def _feed_element(self, feed: dict[str, Any], element: Any, name: str) -> None:
        if name == "title":
            if "title" in feed:
                raise _Unsupported("two feed titles")
            feed["title"], feed["title_detail"] = self._text(element, "text/plain")
        elif name == "link":
            self._link(feed, element, in_entry=False)
        elif name == "language":
            feed["language"] = self._plain_text(element)
        elif name == "ttl":
            feed["ttl"] = self._plain_text(element)
        elif name in ("guid", "id"):
            self._guid(feed, element)
        elif name in ("summary", "itunes_summary"):
            # feedparser's summary logic runs at the feed level too, and its hasContent outlives the feed
            if "summary" in feed and not self.has_content:
                self.has_content = True
            feed["summary"] = True
        else:
            _check_harmless(element, name, _CHANNEL_LEAVES, _CHANNEL_SUBTREES)

    # -- an entry --------------------------------------------------------------------------------------

    def _entry(self, item: Any) -> dict[str, Any]:
        if any(key != _XML_LANG for key in item.attrib):
            raise _Unsupported("attributes on an item")
        entry: dict[str, Any] = {}
        title_locked = False  # feedparser's title_depth: the first non-empty title stays
        structured_author = False
        for child in item:
            name = _feedparser_name(child)
            if name == "title":
                if not title_locked:
                    entry["title"], entry["title_detail"] = self._text(child, "text/plain")
                    title_locked = bool(entry["title"])
            elif name == "link":
                self._link(entry, child, in_entry=True)
            elif name in ("guid", "id"):
                self._guid(entry, child)
            elif name in ("pubdate", "published", "issued"):
                self._date(entry, child, "published")
            elif name in ("dc_date", "updated", "modified"):
                self._date(entry, child, "updated")
            elif name in ("author", "dc_creator"):
                if "author" in entry and (len(child) or structured_author):
                    raise _Unsupported("several authors, one with elements")  # feedparser mixes their details
                structured_author = bool(len(child))
                entry["author"] = self._author(child)  # the last one, as in feedparser
            elif name in ("description", "summary"):
                self._summary(entry, child, "text/html" if name == "description" else "text/plain")
            elif name in ("content_encoded", "content"):
                self._content(entry, child, "text/html" if name == "content_encoded" else "text/plain")
            elif name == "source":
                if len(child):
                    raise _Unsupported("a source with elements")
                title_locked = False  # feedparser resets title_depth on <source>
            else:
                _check_harmless(child, name, _ENTRY_LEAVES, _ENTRY_SUBTREES)
        return entry

    def _keys(self, item: Any) -> dict[str, Any]:
        """An item's id and link as _entry reads them: its guid and link elements, in order, and nothing else."""
        keys: dict[str, Any] = {}
        for child in item:
            name = _feedparser_name(child)
            if name == "link":
                self._link(keys, child, in_entry=True)
            elif name in ("guid", "id"):
                self._guid(keys, child)
        return keys

    def _stored_entry(self, item: Any, keys: dict[str, Any]) -> dict[str, Any]:
        """A stored entry: its id and link (`keys`) and dates, as _entry reads them; its text elements skipped. An
        element _entry would refuse still refuses the document (feedparser reads it), as when every entry is read."""
        if any(key != _XML_LANG for key in item.attrib):
            raise _Unsupported("attributes on an item")
        entry = dict(keys)
        for child in item:
            name = _feedparser_name(child)
            if name in ("pubdate", "published", "issued"):
                self._date(entry, child, "published")
            elif name in ("dc_date", "updated", "modified"):
                self._date(entry, child, "updated")
            elif name not in _READ_BY_ENTRY:
                _check_harmless(child, name, _ENTRY_LEAVES, _ENTRY_SUBTREES)
        return entry

    def _guid(self, entry: dict[str, Any], element: Any) -> None:
        flags = [value for key, value in element.attrib.items() if key.lower() == "ispermalink"]
        if len(flags) > 1:
            raise _Unsupported("isPermaLink twice")
        is_link = (flags[0] if flags else "true") == "true"
        value = self._plain_text(element, resolve=is_link)
        entry["id"] = value
        entry.setdefault("guidislink", is_link and "link" not in entry)
        if is_link:
            entry.setdefault("link", value)

    def _summary(self, entry: dict[str, Any], element: Any, default_type: str) -> None:
        if "summary" in entry and not self.has_content:
            self._content(entry, element, "text/plain")  # feedparser reads a second summary as content
            return
        entry["summary"], entry["summary_detail"] = self._text(element, default_type)

    def _content(self, entry: dict[str, Any], element: Any, default_type: str) -> None:
        self.has_content = True
        if element.get("src") is not None:
            raise _Unsupported("out-of-line content")
        value, detail = self._text(element, default_type)
        entry.setdefault("content", []).append({**detail, "value": value})
        if detail["type"] in _PLAIN_OR_HTML:
            entry.setdefault("summary", value)

    def _date(self, entry: dict[str, Any], element: Any, key: str) -> None:
        value = self._plain_text(element)
        entry[key] = value
        entry[f"{key}_parsed"] = _parse_date(value)

    def _author(self, element: Any) -> str:
        if len(element) == 0:
            return self._plain_text(element)
        parts: dict[str, str] = {}
        for child in element:
            name = _feedparser_name(child)
            if name not in _PERSON or name in parts or len(child):
                raise _Unsupported("unusual author")
            parts[name] = _repair((child.text or "").strip())
        if (element.text or "").strip() or any((child.tail or "").strip() for child in element):
            raise _Unsupported("text beside an author's elements")
        name, email = parts.get("name"), parts.get("email")
        return f"{name} ({email})" if name and email else name or email or ""

    def _link(self, context: dict[str, Any], element: Any, *, in_entry: bool) -> None:
        attributes = {key.lower(): value for key, value in element.attrib.items() if not key.startswith("{")}
        if "href" not in attributes:
            for alias in ("url", "uri"):
                if alias in attributes:
                    attributes["href"] = attributes[alias]
        if "href" not in attributes:  # RSS: the link is the element's text
            value = self._plain_text(element, resolve=True)
            if in_entry:
                value = value.replace("&amp;", "&")
            context["link"] = _LINK_REFERENCE.sub(r"&\g<1>", value)
            return
        if len(element) or (element.text or "").strip():
            raise _Unsupported("a link with both href and content")
        rel = attributes.get("rel", "alternate")
        media_type = attributes.get("type", "application/atom+xml" if rel == "self" else "text/html")
        if rel == "alternate" and _FeedParserMixin.map_content_type(media_type) in _HTML_TYPES:
            context["link"] = _resolve(self.base, attributes["href"], self.base_parses)

    # -- text ------------------------------------------------------------------------------------------

    def _text(self, element: Any, default_type: str) -> tuple[str, dict[str, Any]]:
        """(value, detail) of a text construct as feedparser's pop() leaves them."""
        if len(element):
            raise _Unsupported("markup inside a text element")
        attributes = element.attrib
        if attributes and any(key not in _TEXT_ATTRIBUTES for key in attributes):
            raise _Unsupported("unusual attributes on a text element")
        media_type = _FeedParserMixin.map_content_type(attributes.get("type", default_type))
        if media_type not in _TEXT_TYPES:
            raise _Unsupported("xhtml, base64 or another content type")
        value = _repair((element.text or "").strip())
        if not self.version.startswith("atom") and media_type == "text/plain" and _looks_like_html(value):
            media_type = "text/html"
        return value, {"type": media_type, "language": self._language(element), "base": self.base}

    def _language(self, element: Any) -> str | None:
        """_language_in_scope(element), its parent's part remembered for the parent's next text element."""
        value = element.get(_XML_LANG, element.get("lang"))
        if value is not None:
            return value.replace("_", "-") if value else None
        parent = element.getparent()
        if parent is None:
            return None
        if parent is not self._scope[0]:  # lxml gives one proxy per node while it is referenced: `is` holds
            self._scope = (parent, _language_in_scope(parent))
        return self._scope[1]

    def _plain_text(self, element: Any, *, resolve: bool = False) -> str:
        if len(element):
            raise _Unsupported("markup inside a value")
        value = (element.text or "").strip()
        if resolve and value:
            value = _resolve(self.base, value, self.base_parses)
        return _repair(value)


def _namespace_version(root: Any) -> str:
    """The version feedparser infers from the namespaces declared on the root, before reading the root."""
    versions = set()
    for prefix, uri in root.nsmap.items():
        lower = uri.lower()
        if prefix is None and lower == "http://my.netscape.com/rdf/simple/0.9/":
            versions.add("rss090")
        elif lower == "http://purl.org/rss/1.0/":
            versions.add("rss10")
        elif lower == "http://www.w3.org/2005/atom":
            versions.add("atom10")
    if len(versions) > 1:
        raise _Unsupported("several version-defining namespaces")
    return versions.pop() if versions else ""


def _check_harmless(element: Any, name: str, leaves: frozenset[str], subtrees: dict[str, frozenset[str]]) -> None:
    """Raise _Unsupported unless skipping the element leaves every value watcher reads as feedparser has it."""
    if name in leaves:
        if len(element):
            raise _Unsupported(f"elements inside <{name}>")
        return
    if name in subtrees:
        allowed = subtrees[name]
        for descendant in element.iterdescendants():
            if _feedparser_name(descendant) not in allowed or (len(descendant) and name != "itunes_category"):
                raise _Unsupported(f"unusual content in <{name}>")
        return
    if any(handler in _HANDLERS for handler in (f"_start_{name}", f"_end_{name}")):
        raise _Unsupported(f"<{name}> means something to feedparser")
    if name in _READ_KEYS or len(element):
        raise _Unsupported(f"<{name}> would be stored under a key watcher reads, or holds elements")


def _feedparser_name(element: Any) -> str:
    """The name feedparser files an element under: its known prefix (or the document's) + local name."""
    tag = element.tag
    known = _NAMES.get(tag)  # a comment's or an entity's tag is a function: never found
    if known is not None:
        return known
    if not isinstance(tag, str):
        raise _Unsupported("an entity reference or other node")
    fixed = True  # the name follows from the tag alone
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        lower = uri.lower()
        if "backend.userland.com/rss" in lower:
            lower = "http://backend.userland.com/rss"
        fixed = lower in _KNOWN_PREFIXES
        prefix = _KNOWN_PREFIXES.get(lower, element.prefix)
        if prefix is None:  # expat reports no prefix here; feedparser then guesses one
            raise _Unsupported("an element in an unknown default namespace")
    else:
        prefix, local = "", tag
    local = local.lower()
    name = f"{prefix.lower()}_{local}" if prefix else local
    if fixed and len(_NAMES) < _NAMES_KEPT:
        _NAMES[tag] = name
    return name


def _language_in_scope(element: Any) -> str | None:
    """feedparser's self.lang for an element: the nearest xml:lang (or lang) up the tree; '' stops it."""
    node = element
    while node is not None:
        value = node.get(_XML_LANG, node.get("lang"))
        if value is not None:
            return value.replace("_", "-") if value else None
        node = node.getparent()
    return None


def _repair(value: str) -> str:
    """feedparser's repairs of every value: UTF-8 read as Latin-1 undone, C1 controls read as cp1252."""
    if value.isascii():  # neither repair touches ASCII (the round trip gives it back; cp1252's map is 0x80-0x9f)
        return value
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    return value.translate(_cp1252)
