"""What a web site offers to follow, for `watcher feeds add https://example.com/`. Pure: bytes in, values out.

The page's own <link rel="alternate"> feeds first (RSS, Atom, RDF, JSON Feed is not read), then the places
feeds and news sitemaps are commonly found on a site, then the page itself as a source of article links.
The CLI fetches each candidate with the guarded client and keeps those that read as what they claim to be.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
# Where sites put their feeds and news sitemaps (WordPress, Blogger, Ghost, Hugo, news CMSs); probed in order.
COMMON_PATHS = (
    "/feed",
    "/rss",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feeds/posts/default",
    "/news/feed",
    "/news/rss",
    "/sitemap-news.xml",
    "/news-sitemap.xml",
    "/sitemap_news.xml",
)
MAX_NAMED = 5  # feeds a page names, at most, taken


@dataclass(frozen=True)
class Candidate:
    url: str
    title: str  # as the page names it ("" for a common address)
    named: bool  # named by the page (<link rel="alternate">), else a common address


def feed_links(body: bytes, base_url: str) -> list[tuple[str, str]]:
    """The feeds a web page names in <link rel="alternate" type="application/rss+xml" href=...> (and Atom)."""
    found: list[tuple[str, str]] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = {name: (value or "").strip() for name, value in attrs}
            alternate = tag == "link" and "alternate" in values.get("rel", "").lower().split()
            if alternate and values.get("href") and values.get("type", "").lower() in FEED_TYPES:
                found.append((urljoin(base_url, values["href"]), values.get("title", "")))

    Links().feed(body[:1_000_000].decode("utf-8", "replace"))
    return list(dict.fromkeys(found))[:MAX_NAMED]


def candidates(body: bytes, page_url: str) -> list[Candidate]:
    """The page's named feeds, then the common addresses of its site not named already."""
    named = [Candidate(url, title, True) for url, title in feed_links(body, page_url)]
    parts = urlsplit(page_url)
    root = f"{parts.scheme}://{parts.netloc}"
    seen = {candidate.url for candidate in named} | {page_url}
    common = [Candidate(root + path, "", False) for path in COMMON_PATHS if root + path not in seen]
    return named + common
