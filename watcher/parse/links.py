"""A link reduced to what names the page, for telling one article's copies apart (Entry.dedup_key, the digest)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

# Query parameters that track a click, not name a page: dropped when comparing links.
_TRACKING_PARAMETER = re.compile(
    r"^(utm_\w+|mc_[ce]id|_hs(enc|mi)|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|ref_src|cmpid|ocid)$",
    re.IGNORECASE,
)


def normalise_link(link: str) -> str:
    """A link reduced to what names the page: no scheme, www., fragment, trailing slash or tracking."""
    link = link.strip()
    plain = PLAIN_WEB_LINK.fullmatch(link)
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
PLAIN_WEB_LINK = re.compile(
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
