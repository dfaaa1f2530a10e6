"""The text of a linked article, for feeds that carry a teaser. Pure: values in, values out.

`wants_full_text` decides per feed (`full_text: auto` looks at the summaries of the entries it has just
read); `extract_article` reduces an article page to its main text with trafilatura (Apache-2.0), handed the
bytes watcher fetched itself: trafilatura never fetches anything here. It runs in an extractor process
(watcher/articles.py), so a page that crashes it or takes too long costs that page only. The text is plain:
no markup, no script, no attribute reaches the item, and so none reaches the digest.
"""

from __future__ import annotations

import contextlib
import logging
import re
import statistics
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from watcher.errors import FeedError

if TYPE_CHECKING:  # the analyzer imports TEASER_CHARS from here: no feedparser for it
    from watcher.parse.entry import Entry

# A feed whose entries carry less text than this (the median over the entries read) carries teasers: most
# full-text feeds give thousands of characters an entry, teasers one or two sentences (150-400).
TEASER_CHARS = 500
MAX_TREE_SIZE = 100_000  # elements: trafilatura discards a page with more (a hostile or broken one)
HTML_TYPES = ("text/html", "application/xhtml+xml")
_CUT_SHORT = re.compile(
    r"(?:\.\.\.|…|\[…\]|\[\.\.\.\]|read more|continue reading|more»|leggi tutto|continua a leggere|"
    r"weiterlesen|lire la suite|leer más|ler mais|читать далее|더보기|続きを読む)\W*$",
    re.IGNORECASE,
)


@cache
def _settings() -> Any:
    from trafilatura.settings import use_config

    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # its notes on odd pages: we record the outcome
    settings = use_config()
    settings.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE_SIZE))
    settings.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # its own timeout uses signals: ours kills the process
    return settings


def looks_cut_short(text: str) -> bool:
    return bool(_CUT_SHORT.search(text.strip()))


def wants_full_text(mode: str, entries: Sequence[Entry]) -> bool:
    """Whether a feed's new items get their article's text: always, never, or (auto) when it carries teasers."""
    if mode != "auto":
        return mode == "always"
    if not entries:
        return False
    sizes = [max(len(entry.summary), len(entry.content)) for entry in entries]
    if statistics.median(sizes) < TEASER_CHARS:
        return True
    cut = sum(1 for entry in entries if looks_cut_short(entry.content or entry.summary))
    return cut * 2 >= len(entries)


def extract_article(body: bytes, *, content_type: str | None = None, url: str | None = None) -> str:
    """The main text of an article page, plain, at most MAX_TEXT_CHARS. Raises FeedError when there is none.

    Runs in an extractor process: imports trafilatura there only.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type and media_type not in HTML_TYPES:
        raise FeedError(f"not an HTML page: the server sent {media_type}")
    if not body.lstrip()[:1] == b"<" and not media_type:
        raise FeedError("not an HTML page")
    import trafilatura

    from watcher.parse.entry import MAX_TEXT_CHARS
    from watcher.parse.text import collapse_whitespace

    text = trafilatura.extract(
        body,
        url=url,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
        config=_settings(),
    )
    text = collapse_whitespace(text or "")
    if not text:
        raise FeedError("no article text found on the page")
    return text[:MAX_TEXT_CHARS]


def prepare_extraction() -> None:
    """As an extractor process starts: one extraction of a small page, so that what extract_article loads on first
    use (trafilatura and its settings, ~0.4 CPU-s) is loaded before a page's time limit runs (ExtractorPool)."""
    with contextlib.suppress(FeedError):
        extract_article(b"<html><body><article><p>Ready.</p></article></body></html>", content_type="text/html")
