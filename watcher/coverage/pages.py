"""A web page without a feed (a newsroom, a regulator's press page) read as a feed: its article links are
its entries. Pure: bytes in, a ParsedFeed out, as parse.parse_feed returns.

An article link is one to the same site (or a subdomain of it), outside the page's navigation (nav, header,
footer, aside), whose text reads as a headline, and whose path is no section, tag, login or legal page. Its
identity is its URL, so each link becomes an item once, however the page is rearranged; its text is the
title. A date in a <time datetime> beside the link (the same list entry) dates it.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree, html

from watcher.coverage.keys import is_web_link, site_of
from watcher.coverage.sitemap import w3c_datetime
from watcher.errors import FeedError
from watcher.parse.entry import MAX_TITLE_CHARS, Entry, ParsedFeed, entry_identity
from watcher.parse.text import collapse_whitespace

MAX_LINKS = 500  # entries taken from one page, in page order
_NAVIGATION = frozenset({"nav", "header", "footer", "aside", "form", "script", "style", "noscript", "template"})
_SECTION_PATHS = frozenset(
    "tag tags topic topics category categories author authors page search login signin sign-in logout register "  # noqa: SIM905 -- one string reads better than 42 quoted words
    "signup about about-us contact contacts privacy privacy-policy terms legal imprint impressum cookie cookies "
    "careers jobs help faq sitemap feed feeds rss subscribe newsletter account cart shop index".split()
)
_FILES = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|ico|css|js|zip|gz|mp3|mp4|mov|avi|xml|json)$", re.IGNORECASE)
_NO_SPACE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def parse_page(body: bytes, *, content_type: str | None = None, url: str | None = None) -> ParsedFeed:
    """The article links of a web page. Raises FeedError when the bytes are no HTML page."""
    if not body.strip():
        raise FeedError("empty response body")
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type and media_type not in ("text/html", "application/xhtml+xml"):
        raise FeedError(f"not a web page: the server sent {media_type}")
    try:
        parser = html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)
        root = html.document_fromstring(body, parser=parser)
    except (etree.LxmlError, ValueError) as exc:
        raise FeedError(f"not a web page: {exc}") from None
    page_url = url or ""
    base = urljoin(page_url, (root.xpath("string(//base/@href)") or "").strip()) or page_url
    site = site_of(page_url)
    entries: dict[str, Entry] = {}
    for anchor in root.iter("a"):
        link = _article_link(anchor, base, site, page_url)
        if link is None:
            continue
        title = _text(anchor)
        previous = entries.get(link)
        if previous is not None and len(previous.title) >= len(title):
            continue  # the same article linked twice (picture and headline): the longer text names it
        if not reads_as_headline(title):
            continue
        entries[link] = Entry(
            identity=entry_identity(None, link, title, ""),
            guid=None,
            link=link,
            title=title[:MAX_TITLE_CHARS],
            summary="",
            content="",
            published=_date_beside(anchor),
            language=_language(root),
        )
        if len(entries) >= MAX_LINKS:
            break
    title = collapse_whitespace(root.findtext(".//title") or "")[:MAX_TITLE_CHARS] or None
    return ParsedFeed(title=title, link=page_url or None, language=_language(root), entries=list(entries.values()))


def _article_link(anchor: etree._Element, base: str, site: str | None, page_url: str) -> str | None:
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    link = urldefrag(urljoin(base, href))[0]
    if not is_web_link(link) or link.rstrip("/") == urldefrag(page_url)[0].rstrip("/"):
        return None
    host = site_of(link) or ""
    if site and not (host == site or host.endswith("." + site) or site.endswith("." + host)):
        return None
    path = urlsplit(link).path
    segments = [segment.lower() for segment in path.split("/") if segment]
    if not segments or segments[0] in _SECTION_PATHS or segments[-1] in _SECTION_PATHS or _FILES.search(path):
        return None
    if any(ancestor.tag in _NAVIGATION for ancestor in anchor.iterancestors() if isinstance(ancestor.tag, str)):
        return None
    return link


def reads_as_headline(text: str) -> bool:
    """Link text long enough to be a headline, not "More", "Contact us" or "Page 2"."""
    if _NO_SPACE_SCRIPT.search(text):
        return len(text) >= 6
    return len(text) >= 20 or (len(text.split()) >= 3 and len(text) >= 12)


def _text(anchor: etree._Element) -> str:
    text = collapse_whitespace(" ".join(anchor.itertext()))
    return (
        text
        or collapse_whitespace(anchor.get("title") or "")
        or collapse_whitespace(" ".join(image.get("alt") or "" for image in anchor.iter("img")))
    )


def _date_beside(anchor: etree._Element) -> datetime | None:
    """The <time datetime> of the list entry holding the link (an ancestor with no other article link)."""
    node = anchor.getparent()
    for _level in range(3):
        if node is None:
            return None
        if len({a.get("href") for a in node.iter("a")}) > 2:
            return None  # the list itself, not the entry
        for element in node.iter("time"):
            when = w3c_datetime(element.get("datetime") or "")
            if when is not None:
                return when
        node = node.getparent()
    return None


def _language(root: etree._Element) -> str | None:
    value = (root.get("lang") or "").strip().lower().replace("_", "-")
    return value[:35] if re.fullmatch(r"[a-z]{2,8}(-[a-z0-9]{1,8})*", value) else None
