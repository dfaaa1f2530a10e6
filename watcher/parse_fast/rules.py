"""feedparser's rules, reproduced for the lxml reader: the name it files an element under, the version it infers
from the namespaces, which elements it gives no meaning that matters to watcher (skipped; anything else makes the
document feedparser's), how it resolves a link and repairs a value."""

from __future__ import annotations

import contextlib
import re
from typing import Any
from urllib.parse import urlsplit

from watcher.parse_fast.copied import CP1252, HANDLED, HTML_TYPES, NAMESPACES, urljoin

ATOM = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_HTML_TYPES = HTML_TYPES
# feedparser's prefixes for the namespaces it knows (lower-cased URI -> prefix); others keep their own.
_KNOWN_PREFIXES = {uri.lower(): prefix for uri, prefix in NAMESPACES.items()}


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
    return urljoin(base, uri)


def _parses(url: str) -> bool:
    try:
        urlsplit(url)
    except ValueError:
        return False
    return True


class _Unsupported(Exception):
    """The document uses something this reader does not reproduce exactly: feedparser reads it."""


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
    if name in HANDLED:
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
    # translate looks each character up in the map (~40 µs a 300-character text, and every non-ASCII text comes
    # here): only a text with a C1 control, which is rare, needs it.
    return value.translate(CP1252) if _C1_CONTROL.search(value) else value


_C1_CONTROL = re.compile("[\x80-\x9f]")  # CP1252's keys
