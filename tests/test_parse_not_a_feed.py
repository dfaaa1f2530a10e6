"""A document that is no feed at all is called "not a feed", saying what it is; a broken feed is still a feed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from watcher.errors import FeedError
from watcher.parse.feed import parse_feed

ROOT = Path(__file__).resolve().parent.parent

NOT_FEEDS = {
    # Markdown mentioning <state_dir> was called "truncated document: it ends without </state_dir>".
    "markdown": ((ROOT / "README.md").read_bytes(), "not a feed: plain text, no RSS, Atom or RDF document found"),
    "plain text": (b"hello world\nsecond line\n", "not a feed: plain text, no RSS, Atom or RDF document found"),
    "text then markup": (b"Read <b>this</b> first", "not a feed: plain text, no RSS, Atom or RDF document found"),
    "json": (json.dumps({"items": [{"title": "Xiaomi"}]}).encode(), "not a feed: a JSON document"),
    "json list": (b'[{"title": "Xiaomi"}]', "not a feed: a JSON document"),
    "html": (b"<!DOCTYPE html><html><body><p>Sign in</p></body></html>", "not a feed: the server returned an HTML"),
    # An HTML page cut short was called a truncated document.
    "html unclosed": (b"<html><body><p>Sign in", "not a feed: the server returned an HTML page"),
    "opml": (b'<?xml version="1.0"?><opml version="2.0"><body/></opml>', "not a feed: an XML document of another kind"),
    "sitemap unclosed": (
        b'<?xml version="1.0"?><urlset><url><loc>http://example.com/</loc></url>',
        "not a feed: an XML document of another kind (<urlset>)",
    ),
}


@pytest.mark.parametrize("name", NOT_FEEDS)
def test_a_document_that_is_no_feed_is_called_so(name: str) -> None:
    body, expected = NOT_FEEDS[name]
    with pytest.raises(FeedError) as raised:
        parse_feed(body)
    assert str(raised.value).startswith(expected), str(raised.value)
    assert "truncated" not in str(raised.value)


def test_a_feed_cut_short_is_still_a_truncated_feed() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a</title></item>'
    with pytest.raises(FeedError, match="truncated document: it ends without </rss>"):
        parse_feed(body)


def test_a_feed_with_an_xml_error_names_the_error() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a & b</item>'
    with pytest.raises(FeedError) as raised:
        parse_feed(body)
    assert "SAXParseException" in str(raised.value) and "plain text" not in str(raised.value)


def test_a_feed_after_a_server_warning_is_still_read() -> None:
    # PHP warnings printed before the XML: feedparser's lenient reading copes; no "plain text" refusal.
    body = b'Warning: something in feed.php on line 3\n<rss version="2.0"><channel><title>x</title>'
    body += b"<item><title>Xiaomi</title><link>http://example.com/1</link></item></channel></rss>"
    parsed = parse_feed(body)
    assert [entry.title for entry in parsed.entries] == ["Xiaomi"]
