"""read_feed: a well-formed RSS 2.0 or Atom 1.0 document read with lxml into the values feedparser gives for what
watcher reads, or None when feedparser must read it."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from lxml import etree

from watcher.parse_fast.copied import looks_like_html, map_content_type
from watcher.parse_fast.dates import parse_date
from watcher.parse_fast.rules import (
    _CHANNEL_LEAVES,
    _CHANNEL_SUBTREES,
    _ENTRY_LEAVES,
    _ENTRY_SUBTREES,
    _HTML_TYPES,
    _PERSON,
    _READ_BY_ENTRY,
    _XML_LANG,
    ATOM,
    _check_harmless,
    _feedparser_name,
    _language_in_scope,
    _namespace_version,
    _parses,
    _repair,
    _resolve,
    _Unsupported,
)

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
_TEXT_ATTRIBUTES = frozenset({"type", _XML_LANG, "lang"})
_PLAIN_OR_HTML = frozenset({"text/plain"} | _HTML_TYPES)  # made once, not at each text element (as feedparser does)
_TEXT_TYPES = _PLAIN_OR_HTML - {"application/xhtml+xml"}  # the text constructs read here


def _parser() -> Any:
    if not hasattr(_parsers, "parser"):
        _parsers.parser = etree.XMLParser(**_PARSER_OPTIONS)
    return _parsers.parser


# Given the entries' ids and links (as _entry reads them) and dates, {index: identity} of those stored already.
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
        skims: list[dict[str, Any]] = []
        if stored_of is not None:
            skims = [self._skim(child) for child, name in children if name == entry_name]
            stored = stored_of(skims)
        entries = []
        for child, name in children:
            if name == entry_name:
                index = len(entries)
                # A stored entry's text is not read (~80% of reading a changed feed whose ~45 entries of 50 are
                # stored): entries are read independently of each other, so the others come out the same.
                entries.append(skims[index] if index in stored else self._entry(child))
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

    def _skim(self, item: Any) -> dict[str, Any]:
        """An item as a stored entry is read, in one pass over its elements: its id and link (its guid and link
        elements, in order, as _entry reads them) and its dates; its text elements skipped. An element _entry would
        refuse still refuses the document (feedparser reads it), as when every entry is read: so skimming an entry
        that turns out new refuses nothing _entry would not. One pass, not one for the keys and another for the
        dates of the stored ones (~45 of a changed feed's 50 entries)."""
        if any(key != _XML_LANG for key in item.attrib):
            raise _Unsupported("attributes on an item")
        keys: dict[str, Any] = {}
        dates: dict[str, Any] = {}
        for child in item:
            name = _feedparser_name(child)
            if name == "link":
                self._link(keys, child, in_entry=True)
            elif name in ("guid", "id"):
                self._guid(keys, child)
            elif name in ("pubdate", "published", "issued"):
                self._date(dates, child, "published")
            elif name in ("dc_date", "updated", "modified"):
                self._date(dates, child, "updated")
            elif name not in _READ_BY_ENTRY:
                _check_harmless(child, name, _ENTRY_LEAVES, _ENTRY_SUBTREES)
        keys.update(dates)  # the id and link first, then the dates in document order, as before the one pass
        return keys

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
        entry[f"{key}_parsed"] = parse_date(value)

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
        if rel == "alternate" and map_content_type(media_type) in _HTML_TYPES:
            context["link"] = _resolve(self.base, attributes["href"], self.base_parses)

    # -- text ------------------------------------------------------------------------------------------

    def _text(self, element: Any, default_type: str) -> tuple[str, dict[str, Any]]:
        """(value, detail) of a text construct as feedparser's pop() leaves them."""
        if len(element):
            raise _Unsupported("markup inside a text element")
        attributes = element.attrib
        if attributes and any(key not in _TEXT_ATTRIBUTES for key in attributes):
            raise _Unsupported("unusual attributes on a text element")
        media_type = map_content_type(attributes.get("type", default_type))
        if media_type not in _TEXT_TYPES:
            raise _Unsupported("xhtml, base64 or another content type")
        value = _repair((element.text or "").strip())
        if not self.version.startswith("atom") and media_type == "text/plain" and looks_like_html(value):
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
