"""watcher.parse_fast.copied holds feedparser's tables and small rules as feedparser has them (a feedparser upgrade
that changes one fails here), and a plain document is read without importing feedparser's package."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import feedparser.api
import feedparser.html
import feedparser.mixin
import feedparser.sanitizer
import feedparser.urls
from feedparser.encodings import convert_to_utf8
from feedparser.encodings import parse_content_type as feedparser_content_type
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ago, rfc822_ago
from watcher.parse_fast import copied

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "data" / "feedparser" / "tests"
_HEADER = re.compile(rb"^Header:\s+Content-type:(.*)$", re.MULTILINE | re.IGNORECASE)
_MIXIN = feedparser.mixin._FeedParserMixin


def test_the_tables_are_feedparsers() -> None:
    handlers = dir(feedparser.api.StrictFeedParser)
    assert {name.split("_", 2)[2] for name in handlers if name.startswith(("_start_", "_end_"))} == copied.HANDLED
    assert _MIXIN.namespaces == copied.NAMESPACES
    assert _MIXIN.html_types == copied.HTML_TYPES
    assert feedparser.sanitizer._HTMLSanitizer.acceptable_elements == copied.ACCEPTABLE_ELEMENTS
    assert copied.ACCEPTABLE_URI_SCHEMES == feedparser.urls.ACCEPTABLE_URI_SCHEMES
    assert feedparser.html._cp1252 == copied.CP1252


_URL_PART = st.text(alphabet="abc/.:?#&;=%[]@ \t\x00é-_~", max_size=12)
_BASES = ["", "http://news.example/feeds/main.xml", "https://a.example/x?y", "ftp://f.example/", "http://[::1", "x"]
_SCHEMES = ["http://", "https://", "HTTP://", "http:///", "javascript:", "ftp://", "//", "/", "", "mailto:", "a b:"]


@given(st.sampled_from(_BASES), st.sampled_from(_SCHEMES), _URL_PART)
def test_links_resolve_as_feedparser_resolves_them(base: str, scheme: str, rest: str) -> None:
    uri = scheme + rest
    assert copied.urljoin(base, uri) == feedparser.urls._urljoin(base, uri)
    assert copied.make_safe_absolute_uri(base, uri) == feedparser.urls.make_safe_absolute_uri(base, uri)
    assert copied.make_safe_absolute_uri(uri) == feedparser.urls.make_safe_absolute_uri(uri)
    assert copied.make_safe_absolute_uri("", uri) == feedparser.urls.make_safe_absolute_uri("", uri)


_MARKUP = ["<p>", "</p>", "<b>x</b>", "</script>", "<Div>", "&amp;", "&#8217;", "&nbsp;", "&bogus;", "&#x2019;", "a"]


@given(st.lists(st.sampled_from([*_MARKUP, " ", "text", "<", ">", "&", ";"]), max_size=6))
def test_html_is_told_from_text_as_feedparser_tells_it(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert copied.looks_like_html(text) == _MIXIN.looks_like_html(text)


def test_content_types_map_and_parse_as_feedparsers() -> None:
    for value in ["text", "Plain", "HTML", "xhtml", "text/html", "application/xhtml+xml", "TEXT/PLAIN", ""]:
        assert copied.map_content_type(value) == _MIXIN.map_content_type(value)
    for line in ["", "application/xml", "text/xml; charset='UTF-8'", 'a/b;CHARSET="x";q=1', ";charset=", "a;b"]:
        assert copied.parse_content_type(line) == feedparser_content_type(line)


def _declared(encoding: str | None, text: str) -> str:
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else '<?xml version="1.0"?>'
    return (declaration if encoding != "none" else "") + text


_CONTENT_TYPES = [None, "application/xml", "application/rss+xml", "application/atom+xml; charset=utf-8",
                  "application/xml; charset=UTF8", "application/xml; charset=iso-8859-1", "text/xml",
                  "text/xml; charset=utf-8", "text/html; charset=utf-8", "text/plain", "Application/RSS+XML", "",
                  "application/xml; charset=bogus", "application/xml; charset=utf-8-sig",
                  "application/octet-stream"]  # fmt: skip
_ENCODINGS = [
    None,
    "none",
    "utf-8",
    "UTF-8",
    "utf8",
    "iso-8859-1",
    "windows-1252",
    "utf-16",
    "bogus",
    "gb2312",
    "utf-8\x00",
]
_TEXTS = ["<rss><channel><title>plain</title></channel></rss>", "<rss><channel><title>café ☕</title></channel></rss>",
          "\n  <feed xmlns='http://www.w3.org/2005/Atom'><title>x</title></feed>"]  # fmt: skip


def _as_feedparser(content_type: str | None, data: bytes) -> tuple[bytes, bool] | None:
    """feedparser's convert_to_utf8 as watcher.parse.document asks it: (the bytes, whether it left a note)."""
    notes: dict[str, object] = {}
    try:
        converted = convert_to_utf8({"content-type": content_type} if content_type is not None else {}, data, notes)
    except (ValueError, LookupError):
        return None
    return converted, bool(notes.get("bozo")) or not notes.get("encoding")


def test_documents_decode_as_feedparser_decodes_them() -> None:
    fast = 0
    documents = []
    for encoding in _ENCODINGS:
        for text in _TEXTS:
            declared = _declared(encoding, text)
            documents += [declared.encode(), declared.encode("latin-1", "replace"), b"\xef\xbb\xbf" + declared.encode()]
            documents.append(declared.encode("utf-16"))
    for data in documents:
        for content_type in _CONTENT_TYPES:
            headers = {"content-type": content_type} if content_type is not None else {}
            plain = copied.utf8_as_declared(headers, data)
            if plain is not None:
                fast += 1
                assert _as_feedparser(content_type, data) == (plain, False), (content_type, data)
    assert fast >= 100, fast  # the plain UTF-8 documents take it, under every XML media type


def test_the_corpus_decodes_as_feedparser_decodes_it() -> None:
    files = sorted(CORPUS.rglob("*.xml"))
    assert len(files) > 400
    fast = 0
    for path in files:
        data = path.read_bytes()
        header = _HEADER.search(data)
        for content_type in (header.group(1).decode().strip() if header else None, "application/xml", None):
            plain = copied.utf8_as_declared({"content-type": content_type} if content_type is not None else {}, data)
            if plain is not None:
                fast += 1
                assert _as_feedparser(content_type, data) == (plain, False), path
    assert fast > 300, fast


def test_a_plain_document_is_read_without_importing_feedparser() -> None:
    # parse_inline's reading, in a fresh interpreter: a plain RSS 2.0 document with a relative link, escaped markup
    # and a C1 control takes no module of feedparser's package; an Atom date the fast reader does not read does.
    program = """
import sys
from watcher.parse.feed import parse_feed_here
rss = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
       b'<channel><title>T</title><link>/</link><item><title>A &amp;#8217; \\xc2\\x93quoted\\xc2\\x94</title>'
       b'<link>/a</link><dc:creator>me</dc:creator><pubDate>PUBLISHED</pubDate>'
       b'<description>&lt;p&gt;x&lt;/p&gt;</description><unknown>y</unknown></item></channel></rss>')
parsed = parse_feed_here(rss, content_type="application/rss+xml", url="http://news.example/feed.xml")
assert parsed.entries[0].link == "http://news.example/a", parsed
print(sorted(name for name in sys.modules if name.startswith("feedparser")))
atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>A</title>'
        b'<link href="http://news.example/b"/><id>b</id><updated>UPDATED</updated></entry></feed>')
parse_feed_here(atom, content_type="application/atom+xml", url="http://news.example/atom.xml")
print("feedparser" in sys.modules)
"""
    published, updated = rfc822_ago(hours=1), ago(hours=2).strftime("%Y-%m-%dT%H:%M:%SZ")
    program = program.replace("PUBLISHED", published).replace("UPDATED", updated)
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, check=False, timeout=60
    )
    assert done.stdout.split("\n")[:2] == ["[]", "True"], done.stdout + done.stderr
