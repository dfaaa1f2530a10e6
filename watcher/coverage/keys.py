"""An article's identity across sources, so a search result and the publisher's own feed make one item. Pure.

url_key: the publisher's URL, normalised as parse.normalise_link does (scheme, www., tracking parameters,
trailing slash set aside) and hashed exactly as an Entry's dedup_key, so the items stored before these keys
existed got theirs from dedup_key. title_key: the publisher's site and the title, folded, for a search
result whose link could not be followed to the publisher.

Both are 64-bit signed integers, the first 8 bytes of the sha256 digest (key_of_digest): each item has them,
under an index whose every insert lands on a random page, and 8-byte keys make those indexes a sixth of the
size of 64-character hex text and an all-new pass's commits a fraction of the pages (issue 12). Two articles
share a key with a chance of about n²/2⁶⁵ (10⁻⁷ for a million items).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlsplit

from watcher.match.fold import fold
from watcher.parse.links import PLAIN_WEB_LINK, normalise_link

# Query parameters an engine's click-through link carries the publisher's URL in (Bing News: url=).
_TARGET_PARAMETERS = ("url", "u", "target", "dest")
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def _digest(*parts: str) -> int:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def key_of_digest(hexdigest: str) -> int:
    """The key of a sha256 hex digest made the same way (an Entry's dedup_key → the url_key of its link)."""
    return int.from_bytes(bytes.fromhex(hexdigest[:16]), "big", signed=True)


def is_web_link(link: str | None) -> bool:
    parts = urlsplit(link or "")
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def url_key(link: str | None) -> int | None:
    """The key of the article at `link` (an http(s) URL); equal to parse.Entry.dedup_key for that link."""
    if not is_web_link(link):
        return None
    assert link is not None
    return _digest("link", normalise_link(link))


def site_of(url: str | None) -> str | None:
    """The publisher's site as a host without www. ("ilsole24ore.com")."""
    return web_site(url)[1]


def web_site(url: str | None) -> tuple[bool, str | None]:
    """(is_web_link(url), site_of(url)) from one reading of the URL's host: both are asked of every new entry,
    and SplitResult.hostname parses the netloc again at each call (~3 µs). A plain http(s) link (parse.links'
    PLAIN_WEB_LINK: as urlsplit reads it) is read with one match instead."""
    plain = PLAIN_WEB_LINK.fullmatch(url) if url else None
    if plain is not None:
        return True, plain[1].lower().removeprefix("www.") or None
    parts = urlsplit(url or "")
    host = parts.hostname
    if parts.scheme.lower() not in ("http", "https") or not host:
        return False, None
    return True, host.lower().removeprefix("www.") or None


def normalise_title(title: str) -> str:
    if title.isascii():  # most titles: one translate (folding and punctuation at once), ~5× faster
        return " ".join(title.translate(_ASCII_TITLE).split())
    return " ".join(_PUNCTUATION.sub(" ", fold(title)).split())


# What normalise_title's fold and punctuation do to each ASCII character, as one table: both act on one character
# at a time (fold's joining of space runs is undone by the split anyway), so translating by it gives the same text.
_ASCII_TITLE = {code: _PUNCTUATION.sub(" ", fold(chr(code))) for code in range(128)}


def title_key(site: str | None, title: str) -> int | None:
    """The key of an article by its site and title (a headline repeats across days only on the same site)."""
    normalised = normalise_title(title)
    if not site or len(normalised) < 8:  # "Update", "News": too little to tell articles apart
        return None
    return _digest("site-title", site, normalised)


def without_publisher(title: str, publisher: str | None) -> str:
    """A search result's title without the " - Publisher" an engine appends ("Xiaomi in Corea - Il Sole 24 Ore")."""
    if publisher:
        for separator in (" - ", " – ", " | ", " — "):
            suffix = f"{separator}{publisher}"
            if title.endswith(suffix) and len(title) > len(suffix):
                return title[: -len(suffix)].rstrip()
    return title


def target_in_link(link: str | None) -> str | None:
    """The publisher's URL an engine's click-through link names in its query (Bing's apiclick url=), if any."""
    if not is_web_link(link):
        return None
    assert link is not None
    parameters = dict(parse_qsl(urlsplit(link).query, keep_blank_values=False))
    for name in _TARGET_PARAMETERS:
        value = parameters.get(name, "").strip()
        if is_web_link(value) and site_of(value) != site_of(link):
            return value
    return None
