"""A news sitemap (sitemap.xml with Google's news: tags) read as a feed. Pure: bytes in, a ParsedFeed out.

Each <url> is an entry: <loc> its link and identity, <news:title> its title, <news:publication_date> (else
<lastmod>) its date, <news:language> its language. A plain sitemap without news: tags is read the same way,
its titles made from the URL's last path segment ("xiaomi-entra-in-corea" → "xiaomi entra in corea") so
there is something to match before the full text is fetched. A sitemap index names other sitemaps: it is
refused with their addresses, for `feeds add` to offer.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from watcher.coverage.keys import is_web_link
from watcher.errors import FeedError
from watcher.parse.document import check_no_entity_declarations
from watcher.parse.entry import MAX_TITLE_CHARS, Entry, ParsedFeed, entry_identity

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_URLS = 5000  # a news sitemap holds 1,000 at most; a general one up to 50,000 (only the first are read)
_SLUG_WORDS = re.compile(r"[-_+]+")


class SitemapIndex(FeedError):
    """A sitemap index: the sitemaps it names are in `sitemaps`."""

    def __init__(self, sitemaps: list[str]) -> None:
        shown = ", ".join(sitemaps[:3]) + (f" (+{len(sitemaps) - 3})" if len(sitemaps) > 3 else "")
        super().__init__(f"a sitemap index, naming other sitemaps: {shown}")
        self.sitemaps = sitemaps


def parse_sitemap(body: bytes, *, content_type: str | None = None, url: str | None = None) -> ParsedFeed:
    """The entries of a sitemap. Raises FeedError for anything else (SitemapIndex for an index)."""
    if not body.strip():
        raise FeedError("empty response body")
    check_no_entity_declarations(body, content_type)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.parse(io.BytesIO(body), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not a sitemap: not well-formed XML ({exc})") from None
    base = url or ""
    if root.tag == f"{{{SITEMAP}}}sitemapindex":
        locations = root.xpath("//s:sitemap/s:loc/text()", namespaces={"s": SITEMAP})
        raise SitemapIndex([urljoin(base, location.strip()) for location in locations])
    if root.tag != f"{{{SITEMAP}}}urlset":
        raise FeedError(f"not a sitemap: an XML document of another kind (<{etree.QName(root).localname}>)")
    entries: list[Entry] = []
    seen: set[str] = set()
    for element in root.iterchildren(f"{{{SITEMAP}}}url"):
        link = urljoin(base, (element.findtext(f"{{{SITEMAP}}}loc") or "").strip())
        if not is_web_link(link) or link in seen:
            continue
        seen.add(link)
        news = element.find(f"{{{NEWS}}}news")
        title = _text(news, "title") or title_from_url(link)
        published = w3c_datetime(_text(news, "publication_date") or element.findtext(f"{{{SITEMAP}}}lastmod") or "")
        language = (_text(news, f"publication/{{{NEWS}}}language") or "").lower()[:35] or None
        entries.append(
            Entry(
                identity=entry_identity(None, link, title, ""),
                guid=None,
                link=link,
                title=title[:MAX_TITLE_CHARS],
                summary="",
                content="",
                published=published,
                language=language,
            )
        )
        if len(entries) >= MAX_URLS:
            break
    publication = root.find(f"{{{SITEMAP}}}url/{{{NEWS}}}news/{{{NEWS}}}publication/{{{NEWS}}}name")
    name = (publication.text or "").strip()[:MAX_TITLE_CHARS] or None if publication is not None else None
    return ParsedFeed(title=name, link=url, language=None, entries=entries)


def is_news_sitemap(body: bytes) -> bool:
    """Whether a document looks like a (news) sitemap, from its first bytes: for `feeds add`."""
    head = body[:4096]
    return b"<urlset" in head or b"<sitemapindex" in head


def title_from_url(link: str) -> str:
    segments = [segment for segment in urlsplit(link).path.split("/") if segment]
    if not segments:
        return ""
    slug = re.sub(r"\.(?:html?|php|aspx?)$", "", unquote(segments[-1]), flags=re.IGNORECASE)
    return " ".join(_SLUG_WORDS.sub(" ", slug).split())


def _text(news: etree._Element | None, path: str) -> str:
    if news is None:
        return ""
    return " ".join((news.findtext(f"{{{NEWS}}}{path}") or "").split())


def w3c_datetime(value: str) -> datetime | None:
    """A W3C/ISO 8601 date-time (sitemaps' lastmod, <time datetime>) in UTC; None when it is not one."""
    value = value.strip()
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
