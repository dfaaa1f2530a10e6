"""The lxml reader (watcher.parse_fast) against feedparser: for every document it reads, the same entries.

Identities are computed from what the reader returns, so any difference here would be a duplicate alert
the day a feed flips between the two readers. Each document goes through parse_feed twice, once as it is
and once with the fast reader switched off, and the two ParsedFeed values must be equal. Documents come
from feedparser's own corpus, the bundled seeds, the benchmark's feeds and a generator (hypothesis) that
writes RSS 2.0 and Atom feeds from every element the reader handles or skips, in any order, repeated,
with the texts that feedparser treats specially (escaped markup, entities, mis-decoded UTF-8, C1
controls, relative links, xml:lang, permalink guids, empty titles, dates it cannot read).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import watcher.parse.document
import watcher.parse.feed
import watcher.parse.text
from watcher.errors import FeedError
from watcher.parse.entry import ParsedFeed
from watcher.parse.feed import parse_feed
from watcher.parse_fast.reader import read_feed

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "data" / "feedparser" / "tests"
SEEDS = ROOT / "seeds" / "feeds"
FEED_URL = "http://news.example/feeds/main.xml"
_HEADER = re.compile(rb"^Header:\s+Content-type:(.*)$", re.MULTILINE | re.IGNORECASE)


def _both(body: bytes, content_type: str | None, url: str | None) -> tuple[object, object]:
    """parse_feed's result (or its error) with the fast reader, and with feedparser alone."""
    outcomes = []
    for fast in (True, False):
        original = watcher.parse.feed.read_feed
        if not fast:
            watcher.parse.feed.read_feed = lambda utf8, base, stored_of=None: None
        try:
            outcomes.append(parse_feed(body, content_type=content_type, url=url))
        except FeedError as exc:
            outcomes.append(("FeedError", str(exc)))
        finally:
            watcher.parse.feed.read_feed = original
    return outcomes[0], outcomes[1]


def _took_fast_path(body: bytes, content_type: str | None, url: str | None) -> bool:
    utf8, note = watcher.parse.document._document_utf8(body, {"content-type": content_type} if content_type else {})
    return not note and read_feed(utf8, watcher.parse.document._base_uri(url)) is not None


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.xml"))


def test_the_corpus_reads_the_same_through_both_readers() -> None:
    files = _corpus_files()
    assert len(files) > 400
    fast = 0
    mismatches = []
    for path in files:
        body = path.read_bytes()
        header = _HEADER.search(body)
        content_type = header.group(1).decode().strip() if header else "application/xml"
        for url in (FEED_URL, None):
            with_fast, without = _both(body, content_type, url)
            if with_fast != without:
                mismatches.append(f"{path.relative_to(CORPUS)} url={url}: {with_fast!r} != {without!r}")
        fast += _took_fast_path(body, content_type, FEED_URL)
    assert not mismatches, "\n".join(mismatches[:5])
    # The corpus is mostly edge cases that the reader leaves to feedparser, but the plain ones it reads.
    assert fast >= 60, fast


def test_seed_and_benchmark_feeds_take_the_fast_path_and_read_the_same() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from _feedserver import item_xml
    finally:
        sys.path.remove(str(ROOT / "bench"))
    bench = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<link>https://news.example/</link>" + "".join(item_xml(7, k) for k in range(50)) + "</channel></rss>"
    ).encode()
    documents = [bench] + [path.read_bytes() for path in sorted(SEEDS.glob("*.xml"))]
    assert len(documents) >= 5
    for body in documents:
        assert _took_fast_path(body, "application/xml", FEED_URL)
        with_fast, without = _both(body, "application/xml", FEED_URL)
        assert isinstance(with_fast, ParsedFeed) and with_fast.entries
        assert with_fast == without


# --- generated feeds --------------------------------------------------------------------------------

_TEXTS = st.sampled_from(
    [
        "",
        "   ",
        "Xiaomi entra in Corea del Sud",
        "  spaced\n  out\ttext  ",
        "AT&amp;T &amp; Verizon",
        "AT&amp;amp;T",
        "&lt;b&gt;bold&lt;/b&gt; news",
        "&lt;p&gt;one&lt;/p&gt;&lt;p&gt;two&lt;/p&gt;",
        "&lt;script&gt;x&lt;/script&gt;visible",
        "<![CDATA[<p>cdata <b>html</b></p>]]>",
        "<![CDATA[a < b & c]]>",
        "caf\u00c3\u00a9 mojibake",
        "smart \u0093quotes\u0094",
        "&amp;nbsp;entity&amp;copy;",
        "&lt;unknowntag&gt;x&lt;/unknowntag&gt;",
        "1 &lt; 2",
        "日本語のタイトル",
        "한국 시장 진출",
        "&#233;t&#xE9;",
    ]
)
_URLS = st.sampled_from(
    [
        "https://news.example/a/1.html",
        "/relative/path?x=1&amp;y=2",
        "relative.html",
        "  https://news.example/spaced  ",
        "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a",
        "tag:news.example,2026:1",
        "https://news.example/q?a=1&amp;amp;b=2",
        "",
        "javascript:alert(1)",
        "//cdn.example/x",
    ]
)
# Fixed dates are fine here: they are parser input, compared between the two readers, never with now.
_DATES = st.sampled_from(
    [
        "Mon, 02 Jan 2006 15:04:05 GMT",
        "Tue, 24 Nov 2026 10:00:00 +0100",
        "2026-11-24T10:00:00Z",
        "2026-11-24",
        "yesterday",
        "",
        "Sun, 31 Feb 2026 10:00:00 GMT",
    ]
)
_LANGS = st.sampled_from([None, "it", "ko-KR", "en_US", ""])
_PERMALINK = st.sampled_from([None, "true", "false", "True"])
_NAMESPACES = (
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
    ' xmlns:x="http://unknown.example/ns"'
)


def _lang(value: str | None) -> str:
    return "" if value is None else f" xml:lang={quoteattr(value)}"


@st.composite
def _rss_item(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 9))):
        kind = draw(
            st.sampled_from(
                [
                    "title",
                    "title",
                    "link",
                    "description",
                    "guid",
                    "pubDate",
                    "dc:date",
                    "author",
                    "dc:creator",
                    "content:encoded",
                    "category",
                    "enclosure",
                    "comments",
                    "source",
                    "media:content",
                    "itunes:subtitle",
                    "x:extra",
                    "atom:link",
                ]
            )
        )
        lang = _lang(draw(_LANGS))
        if kind in ("link", "comments"):
            parts.append(f"<{kind}{lang}>{draw(_URLS)}</{kind}>")
        elif kind == "guid":
            flag = draw(_PERMALINK)
            attribute = "" if flag is None else f" isPermaLink={quoteattr(flag)}"
            parts.append(f"<guid{attribute}>{draw(_URLS)}</guid>")
        elif kind in ("pubDate", "dc:date"):
            parts.append(f"<{kind}>{draw(_DATES)}</{kind}>")
        elif kind == "enclosure":
            parts.append('<enclosure url="https://cdn.example/a.mp3" length="1" type="audio/mpeg"/>')
        elif kind == "media:content":
            parts.append('<media:content url="https://cdn.example/a.jpg" medium="image"/>')
        elif kind == "source":
            parts.append(f'<source url="https://other.example/rss">{draw(_TEXTS)}</source>')
        elif kind == "atom:link":
            rel = draw(st.sampled_from(["self", "alternate", "enclosure"]))
            parts.append(f'<atom:link rel="{rel}" href="{escape(draw(_URLS), {chr(34): "&quot;"})}"/>')
        else:
            parts.append(f"<{kind}{lang}>{draw(_TEXTS)}</{kind}>")
    return "<item" + _lang(draw(_LANGS)) + ">" + "".join(parts) + "</item>"


@st.composite
def rss_documents(draw: st.DrawFn) -> bytes:
    atom_declared = draw(st.booleans())
    namespaces = _NAMESPACES + (' xmlns:atom="http://www.w3.org/2005/Atom"' if atom_declared else "")
    channel = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["link", "description", "language", "ttl", "image", "category", "atom:self"]))
        if kind == "link":
            channel.append(f"<link>{draw(_URLS)}</link>")
        elif kind == "language":
            channel.append(f"<language>{draw(st.sampled_from(['it', 'ko', 'en-us', 'xx_YY', '']))}</language>")
        elif kind == "ttl":
            channel.append(f"<ttl>{draw(st.sampled_from(['60', ' 15 ', 'x', '']))}</ttl>")
        elif kind == "image":
            channel.append("<image><url>https://news.example/logo.png</url><title>Logo</title><link>/</link></image>")
        elif kind == "atom:self":
            if atom_declared:
                channel.append(f'<atom:link rel="self" href="{FEED_URL}"/>')
        else:
            channel.append(f"<{kind}>{draw(_TEXTS)}</{kind}>")
    if draw(st.booleans()):
        channel.insert(draw(st.integers(0, len(channel))), f"<title>{draw(_TEXTS)}</title>")
    items = draw(st.lists(_rss_item(), max_size=4))
    root_lang = _lang(draw(_LANGS))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"{namespaces}{root_lang}>'
        f"<channel>{''.join(channel)}{''.join(items)}</channel></rss>"
    ).encode()


@st.composite
def _atom_entry(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(
            st.sampled_from(["id", "title", "link", "published", "updated", "summary", "content", "author", "category"])
        )
        lang = _lang(draw(_LANGS))
        kind_type = draw(st.sampled_from([None, "text", "html"]))
        typed = "" if kind_type is None else f' type="{kind_type}"'
        if kind == "id":
            parts.append(f"<id>{draw(_URLS)}</id>")
        elif kind == "link":
            rel = draw(st.sampled_from([None, "alternate", "self", "enclosure"]))
            media_type = draw(st.sampled_from([None, "text/html", "application/pdf"]))
            attributes = "" if rel is None else f' rel="{rel}"'
            attributes += "" if media_type is None else f' type="{media_type}"'
            href = escape(draw(_URLS), {chr(34): "&quot;"})
            parts.append(f'<link{attributes} href="{href}"/>')
        elif kind in ("published", "updated"):
            parts.append(f"<{kind}>{draw(_DATES)}</{kind}>")
        elif kind == "author":
            name = draw(st.sampled_from(["", "<name>Ada</name>", "<name>Ada</name><email>ada@news.example</email>"]))
            parts.append(f"<author>{name}</author>")
        elif kind == "category":
            parts.append('<category term="tech"/>')
        else:
            parts.append(f"<{kind}{typed}{lang}>{draw(_TEXTS)}</{kind}>")
    return "<entry" + _lang(draw(_LANGS)) + ">" + "".join(parts) + "</entry>"


@st.composite
def atom_documents(draw: st.DrawFn) -> bytes:
    head = []
    if draw(st.booleans()):
        head.append(
            f"<title{' type=' + chr(34) + 'html' + chr(34) if draw(st.booleans()) else ''}>{draw(_TEXTS)}</title>"
        )
    if draw(st.booleans()):
        head.append(f'<link href="{escape(draw(_URLS), {chr(34): "&quot;"})}"/>')
    if draw(st.booleans()):
        head.append(f'<link rel="self" href="{FEED_URL}"/>')
    head.append("<id>urn:feed</id><updated>2026-11-24T10:00:00Z</updated>")
    entries = draw(st.lists(_atom_entry(), max_size=4))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{_lang(draw(_LANGS))}>'
        f"{''.join(head)}{''.join(entries)}</feed>"
    ).encode()


_fast_counts = {"fast": 0, "all": 0}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(rss_documents(), atom_documents()), st.sampled_from([FEED_URL, None]))
def test_generated_feeds_read_the_same_through_both_readers(body: bytes, url: str | None) -> None:
    with_fast, without = _both(body, "application/xml", url)
    assert with_fast == without
    _fast_counts["all"] += 1
    _fast_counts["fast"] += _took_fast_path(body, "application/xml", url)


def test_the_generator_mostly_exercises_the_fast_reader() -> None:
    # Runs after the property test (file order): a generator the reader always refused would prove nothing.
    if _fast_counts["all"] < 100:
        pytest.skip("the property test did not run first in this session")
    assert _fast_counts["fast"] >= 0.5 * _fast_counts["all"], _fast_counts


def test_what_the_fast_reader_leaves_to_feedparser() -> None:
    def reads(document: str) -> bool:
        return read_feed(document.encode(), FEED_URL) is not None

    item = "<item><title>t</title><link>https://a.example/</link></item>"
    assert reads(f'<rss version="2.0"><channel><title>x</title>{item}</channel></rss>')
    assert not reads(f'<!DOCTYPE rss><rss version="2.0"><channel>{item}</channel></rss>')  # DTD: entities
    assert not reads(f'<rss version="2.0" xml:base="https://b.example/"><channel>{item}</channel></rss>')
    assert not reads(f'<rss version="2.0" xmlns="http://purl.org/rss/1.0/"><channel>{item}</channel></rss>')
    assert not reads('<rss version="2.0"><channel><item><title><b>markup</b></title></item></channel></rss>')
    assert not reads(  # media:title would become the entry's title in feedparser
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>'
        "<media:title>m</media:title><title>t</title></item></channel></rss>"
    )
    assert not reads(  # Atom xhtml content
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>t</title>'
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">x</div></content></entry></feed>'
    )
    assert not reads(f'<rss version="2.0"><channel>{item}</channel>')  # not well-formed
    assert not reads('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>')


# --- visible text without HTMLParser ---------------------------------------------------------------

_FRAGMENT_TOKENS = st.sampled_from(
    [
        "word",
        " ",
        "\n",
        "\t",
        "&amp;",
        "&lt;b&gt;",
        "&#233;",
        "&#x1F600;",
        "&bogus;",
        "&nbsp",
        "&",
        "a&b",
        "1 < 2",
        ">",
        "<p>",
        "</p>",
        "<P>",
        "<br>",
        "<br/>",
        "<br />",
        "<b>",
        "</b>",
        '<a href="https://x.example/?a=1&amp;b=2">',
        "<a href='y'>",
        "<a href=z>",
        "<a href=x/>",
        "</a>",
        '<div class="a b">',
        "</div>",
        "<li>",
        '<span title="a>b">',
        '<img src=x alt="pic">',
        "<script>",
        "</script>",
        "<!-- c -->",
        "<o:p>",
        "</p class=x>",
        "<td\n>",
        "<h1>",
        "</h1 >",
        "<table>",
        "<unknown-el>",
        "<em/>",
        "<",
        "</",
        "<![CDATA[x]]>",
        "한국",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_FRAGMENT_TOKENS, max_size=14).map("".join))
def test_plain_markup_gives_the_visible_text_htmlparser_gives(fragment: str) -> None:
    simple = watcher.parse.text._simple_visible_text(fragment)
    if simple is not None:
        assert simple == watcher.parse.text._parsed_visible_text(fragment)


_WHITESPACE_TEXT = st.text(alphabet=st.sampled_from(list("ab \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000\u200b")))


@settings(max_examples=3000, deadline=None)
@given(st.one_of(_WHITESPACE_TEXT, st.text()))
def test_collapsing_whitespace_gives_what_the_regular_expressions_gave(text: str) -> None:
    """collapse_whitespace splits on str.split()'s whitespace; the regular expressions it replaced read \\s."""
    spaces, lines = re.compile(r"[^\S\n]+"), re.compile(r"\s*\n\s*")
    assert (
        watcher.parse.text.collapse_whitespace(text)
        == lines.sub("\n", spaces.sub(" ", text.replace("\r", "\n"))).strip()
    )


def test_the_plain_markup_reader_takes_feed_html_and_leaves_the_rest() -> None:
    simple = watcher.parse.text._simple_visible_text
    assert simple('<p>Xiaomi &amp; <a href="https://x.example/">Mi Pay</a></p><p>Corea</p>') == "Xiaomi & Mi Pay\nCorea"
    assert simple("<p>a</p><script>hidden()</script>") is None
    assert simple('<img src="x" alt="chart">') is None
    assert simple("1 < 2") is None
    assert simple("a<!-- note -->b") is None


def test_threads_reading_at_once_each_get_their_own_document() -> None:
    from concurrent.futures import ThreadPoolExecutor

    documents = [path.read_bytes() for path in sorted(SEEDS.glob("*.xml"))]
    expected = [parse_feed(body, content_type="application/xml", url=FEED_URL) for body in documents]
    with ThreadPoolExecutor(max_workers=4) as pool:
        rounds = list(
            pool.map(lambda i: parse_feed(documents[i % 4], content_type="application/xml", url=FEED_URL), range(200))
        )
    assert all(result == expected[i % 4] for i, result in enumerate(rounds))


@given(st.text(alphabet=st.characters(max_codepoint=0x17F)))
def test_the_repair_of_ascii_is_skipped_only_where_it_changes_nothing(value: str) -> None:
    # parse_fast._repair returns ASCII as it is, and translates only a text with a C1 control: the slow path (both
    # repairs on every value) must give the same.
    import contextlib

    from feedparser.html import _cp1252

    from watcher.parse_fast.rules import _repair

    slow = value
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        slow = slow.encode("iso-8859-1").decode("utf-8")
    assert _repair(value) == slow.translate(_cp1252)


_URL_TEXT = st.text(alphabet="aZ09-._~%!$&'()*+,;=:@/?#[] \t\nüé", max_size=24)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["http://", "https://", "HTTP://", "http:///", "ftp://", "//", "/", ""]),
    _URL_TEXT,
    st.sampled_from(["", FEED_URL, "https://news.example/a/b?c", "ftp://files.example/", "http://[::1"]),
)
def test_plain_absolute_links_are_resolved_as_feedparser_resolves_them(scheme: str, rest: str, base: str) -> None:
    # parse_fast._resolve skips feedparser's _urljoin for a plain absolute http(s) URL: the same value either way.
    from feedparser.urls import _urljoin

    from watcher.parse_fast.rules import _PLAIN_ABSOLUTE_URL, _parses, _resolve

    uri = scheme + rest
    assert _resolve(base, uri, _parses(base)) == _urljoin(base, uri)
    if _PLAIN_ABSOLUTE_URL.fullmatch(uri) and _parses(base):
        assert _urljoin(base, uri) == uri


def test_the_links_of_most_feeds_take_the_plain_path() -> None:
    from watcher.parse_fast.rules import _PLAIN_ABSOLUTE_URL

    plain = ["https://news.example/1/2.html", "http://www.ilsole24ore.com/art/x-AbC_1?refresh_ce=1&x=2#top",
             "https://example.com:8443/a/b/", "https://user@example.com/~me/(x)*+,=:!$"]  # fmt: skip
    others = ["http://a/b?", "http://a/b#", "http://a/b;p", "HTTP://a", "http:///a", "http://[::1]/", "//a/b",
              "/relative", "http://a b", "http://ü.de/"]  # fmt: skip
    assert all(_PLAIN_ABSOLUTE_URL.fullmatch(link) for link in plain)
    assert not any(_PLAIN_ABSOLUTE_URL.fullmatch(link) for link in others)


def test_element_names_are_remembered_only_where_the_tag_alone_decides_them() -> None:
    # _feedparser_name keeps the names of plain tags and of namespaces feedparser knows; an unknown namespace takes
    # each document's own prefix, so two documents using it under two prefixes get two names.
    from lxml import etree

    from watcher.parse_fast.rules import _NAMES, _NAMES_KEPT, _feedparser_name

    def name(document: bytes) -> str:
        return _feedparser_name(etree.fromstring(document)[0])

    assert name(b'<a xmlns:x="urn:made-up"><x:Thing/></a>') == "x_thing"
    assert name(b'<a xmlns:y="urn:made-up"><y:Thing/></a>') == "y_thing"
    assert "{urn:made-up}Thing" not in _NAMES
    dc = b'<a xmlns:q="http://purl.org/dc/elements/1.1/"><q:Creator/></a>'
    assert name(dc) == name(dc.replace(b"q", b"r")) == "dc_creator"
    assert _NAMES["{http://purl.org/dc/elements/1.1/}Creator"] == "dc_creator"
    assert name(b"<a><Title/></a>") == "title"
    assert len(_NAMES) <= _NAMES_KEPT
