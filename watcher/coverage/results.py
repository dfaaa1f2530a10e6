"""A news search's feed read as results: each entry with the publisher it names. Pure: bytes in, values out.

Engines answer in RSS (Google News, Bing News, a self-hosted search): the feed is read by parse.parse_feed
like any other; each item's <source url="https://publisher.example">Publisher</source> (RSS 2.0) is read
here besides, and the " - Publisher" an engine appends to the headline is set aside, so the result's title
is the publisher's and its site is known where the link cannot be followed to the article.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

from watcher.coverage.keys import site_of, without_publisher
from watcher.parse.entry import Entry, ParsedFeed
from watcher.parse.feed import parse_feed
from watcher.parse.text import collapse_whitespace

MAX_PUBLISHER_CHARS = 300  # items.publisher


@dataclass(frozen=True)
class SearchResult:
    entry: Entry
    publisher: str | None  # as the engine names the outlet
    site: str | None  # the outlet's host, from <source url>


@dataclass(frozen=True)
class SearchResults:
    feed: ParsedFeed
    results: list[SearchResult]


def parse_search_results(body: bytes, *, content_type: str | None = None, url: str | None = None) -> SearchResults:
    """Raises FeedError as parse_feed does: the engine's answer is a feed or it is nothing."""
    parsed = parse_feed(body, content_type=content_type, url=url)
    sources = _sources(body)
    results = []
    for entry in parsed.entries:
        publisher, site_url = sources.get(entry.link or "", (None, None))
        title = without_publisher(entry.title, publisher)
        results.append(SearchResult(replace(entry, title=title) if title != entry.title else entry, publisher,
                                    site_of(site_url)))  # fmt: skip
    return SearchResults(parsed, results)


def _sources(body: bytes) -> dict[str, tuple[str | None, str | None]]:
    """link → (publisher name, publisher URL) of each RSS item's <source>; {} for a document lxml cannot read.

    parse_feed has refused entity declarations already; this parser expands none and fetches nothing anyway.
    """
    from lxml import etree  # here: the poll path imports this module for SearchResult, and needs no lxml before a body

    parser_options = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)
    found: dict[str, tuple[str | None, str | None]] = {}
    try:
        for _event, item in etree.iterparse(io.BytesIO(body), events=("end",), tag="item", **parser_options):
            link = (item.findtext("link") or "").strip()
            source = item.find("source")
            if link and source is not None:
                name = collapse_whitespace(source.text or "")[:MAX_PUBLISHER_CHARS] or None
                found[link] = (name, (source.get("url") or "").strip() or None)
            item.clear()
    except (etree.LxmlError, ValueError):
        pass
    return found
