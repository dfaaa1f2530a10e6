"""feedparser's own test corpus through watcher's fetch → parse → match path, over real HTTP on 127.0.0.1.

The 510 files of tests/data/feedparser/tests (a copy of ../shared/corpus/feedparser, BSD-2 licensed, see the
LICENSE next to it) are ill-formed feeds, encodings, HTML entities and sanitizer cases. Each carries its own
expectation in a leading comment (``Expect:`` a Python expression over feedparser's result, ``Header:`` the HTTP
headers to serve it with). Every file is served with its headers by a threading http.server, fetched with
watcher.fetch.fetch through the real httpx client, parsed with watcher.parse.feed.parse_feed and matched with a
Matcher: all 510 in one event loop, once per module; the tests below then look at the outcomes.

Besides the corpus itself a few derived documents are served, built from corpus files: the chardet files
(which carry no encoding information) with the charset they are in given by the HTTP header, the i18n feed
transcoded to UTF-16/UTF-32/Latin-1, an ASCII feed in UTF-16/UTF-32 behind a byte order mark and a wrong or
vague charset label, and corpus feeds with an entity-declaring DTD put in front.

Watcher drops an entry with neither a visible title nor a link (issue 4), and many corpus files hold just such
an entry: a lone description in some encoding, or a sanitizer case. Each of those files is also served as a
"linked copy", the same bytes with a <link> put first in every item and entry, so that its text still reaches
watcher's entries: the text and markup checks run on the copy, and the original is checked to be dropped.

Self-contained: the fixtures it needs (the HTTP server, the outcomes) are defined here, not in conftest.py.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import datetime
import html
import io
import re
import threading
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import feedparser
import pytest

from watcher.config import EntityConfig
from watcher.errors import FeedError, FetchError
from watcher.fetch.client import make_client
from watcher.fetch.request import fetch
from watcher.fetch.results import FetchLimits
from watcher.match.matcher import Matcher
from watcher.match.results import EntityMatch
from watcher.parse.entry import Entry, ParsedFeed
from watcher.parse.feed import parse_feed

DATA = Path(__file__).resolve().parent / "data" / "feedparser"
CORPUS = DATA / "tests"
CORPUS_SIZE = 510
ENTITY_REASON = "declares XML entities"

# --- the corpus files and what they say about themselves -----------------------------------------

_EXPECT = re.compile(r"Description:\s*(.*?)\s*Expect:\s*(.*)\s*-->")
_SKIP_UNLESS = re.compile(r"SkipUnless:\s*(.*?)\n")
_HEADER = re.compile(r"^Header:\s+([^:]+):(.*)$", re.MULTILINE)
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32be"),
    (b"\xff\xfe\x00\x00", "utf-32le"),
    (b"\x00\x00\x00\x3c", "utf-32be"),
    (b"\x3c\x00\x00\x00", "utf-32le"),
    (b"\x00\x3c\x00\x3f", "utf-16be"),
    (b"\x3c\x00\x3f\x00", "utf-16le"),
)


def decode_for_metadata(data: bytes) -> str:
    """Enough of the document decoded to read its leading comment (as the corpus's run_conformance.py does)."""
    for prefix, encoding in _BOMS:
        if data.startswith(prefix):
            return data.decode(encoding, "ignore")
    if data[:2] == b"\xfe\xff" and data[2:4] != b"\x00\x00":
        return data[2:].decode("utf-16be", "ignore")
    if data[:2] == b"\xff\xfe" and data[2:4] != b"\x00\x00":
        return data[2:].decode("utf-16le", "ignore")
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:].decode("utf-8", "ignore")
    return data.decode("utf-8", "ignore")


@dataclass(frozen=True)
class CorpusFile:
    name: str  # relative to tests/data/feedparser/tests, e.g. "encoding/big5.xml"
    body: bytes
    content_type: str  # what the server sends
    expect: str
    skip_unless: str | None
    root: str = "corpus"  # "corpus", or "linked" for a linked copy

    @property
    def path(self) -> str:
        return f"/{self.root}/" + quote(self.name)


def _load_corpus() -> dict[str, CorpusFile]:
    files = {}
    for path in sorted(CORPUS.rglob("*.xml")):
        name = path.relative_to(CORPUS).as_posix()
        body = path.read_bytes()
        text = decode_for_metadata(body)
        expect = _EXPECT.search(text)
        skip = _SKIP_UNLESS.search(text)
        headers = {key.strip().lower(): value.strip() for key, value in _HEADER.findall(text)}
        # As upstream: files about HTTP default to text/xml; the rest are served as application/xml.
        default = "text/xml" if "http" in name else "application/xml"
        files[name] = CorpusFile(
            name=name,
            body=body,
            content_type=headers.get("content-type", default),
            expect=expect.group(2).strip() if expect else "",
            skip_unless=skip.group(1).strip() if skip else None,
        )
    return files


FILES = _load_corpus()


# --- text checks read out of the Expect expressions ----------------------------------------------

# feedparser's name for a value → (feed or entry, watcher's field)
_FIELD_PATHS = {
    "feed['title']": ("feed", "title"),
    "feed.title": ("feed", "title"),
    "feed['link']": ("feed", "link"),
    "feed.link": ("feed", "link"),
    "entries[0]['title']": ("entry", "title"),
    "entries[0].title": ("entry", "title"),
    "entries[0]['description']": ("entry", "summary"),
    "entries[0].description": ("entry", "summary"),
    "entries[0]['summary']": ("entry", "summary"),
    "entries[0].summary": ("entry", "summary"),
    "entries[0]['content'][0]['value']": ("entry", "content"),
    "entries[0]['link']": ("entry", "link"),
    "entries[0].link": ("entry", "link"),
    "entries[0]['id']": ("entry", "guid"),
    "entries[0]['guid']": ("entry", "guid"),
}
_VERBATIM = frozenset({"link", "guid"})  # compared as they are, not as visible text

# Where watcher's visible text rightly differs from feedparser's sanitised HTML: watcher keeps what a browser
# shows, feedparser what its sanitizer lets through. file → watcher's text (whitespace removed).
BROWSER_READINGS = {
    # A stray "<>" is text to a browser; feedparser's sanitizer drops it.
    "encoding/bozo_linenoise.xml": "\xe2\u20ac\u2122<>\xe2\u20ac\x9d\u0160",
    # An iframe's content is raw text a browser never renders; feedparser keeps it once the tag is gone.
    "wellformed/sanitize/entry_content_iframe.xml": "safe",
    # Watcher treats <object> (plugin) content as invisible, and this <object> is never closed.
    "wellformed/sanitize/entry_content_object.xml": "safe",
    "wellformed/sanitize/entry_title_object.xml": "safe",
    "wellformed/sanitize/item_content_encoded_object.xml": "safe",
    "wellformed/sanitize/item_description_object.xml": "safe",
    # In HTML "<![CDATA[" opens a bogus comment that ends at the first ">": only "]]>" is shown.
    "wellformed/sanitize/item_content_encoded_script_nested_cdata.xml": "]]>",
    # An unterminated "<!DOCTYPE" or "<!--" runs to the end of the input: nothing after it is shown.
    "wellformed/sanitize/xml_declaration_unexpected_character.xml": "",
    "wellformed/sanitize/xml_malicious_comment.xml": "sa",
}


@dataclass(frozen=True)
class TextCheck:
    name: str
    scope: str  # "feed" or "entry" (the first entry)
    field: str  # watcher's field: title, summary, content, link, guid
    expected: str  # feedparser's value per the Expect expression (sanitised HTML for HTML fields)


def _text_checks(corpus_file: CorpusFile) -> list[TextCheck]:
    """The `<value> == '<literal>'` (and `ord(<value>) == N`) clauses of a file's Expect expression."""
    checks = []
    for node in ast.walk(ast.parse(corpus_file.expect or "0", mode="eval")):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)):
            continue
        left, right = node.left, node.comparators[0]
        if not isinstance(right, ast.Constant):
            continue
        expected = right.value
        if isinstance(left, ast.Call) and ast.unparse(left.func) == "ord" and isinstance(expected, int):
            left, expected = left.args[0], chr(expected)
        where = _FIELD_PATHS.get(ast.unparse(left))
        if where and isinstance(expected, str):
            checks.append(TextCheck(corpus_file.name, where[0], where[1], expected))
    return checks


TEXT_CHECKS = [check for corpus_file in FILES.values() for check in _text_checks(corpus_file)]

_TAG = re.compile(r"<[^>]*>")
_IMG_ALT = re.compile(r"""<img\b[^>]*?\balt\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>""", re.IGNORECASE)
_MARKUP = re.compile(r"<(?:[A-Za-z][A-Za-z0-9:-]*|/[A-Za-z]|!--|!\[CDATA\[|!DOCTYPE)", re.IGNORECASE)


def reference_visible(value: str, kind: str = "text/html") -> str:
    """What a reader sees of feedparser's value, by a method independent of watcher's (regexes), spaces removed.

    Whitespace is dropped altogether on both sides of a comparison: this is about decoding, not layout.
    """
    if kind != "text/plain":
        value = _IMG_ALT.sub(lambda m: f" {m.group(1) or m.group(2) or ''} ", value)
        value = html.unescape(_TAG.sub(" ", value))
    return "".join(value.split())


def squeeze(text: str | None) -> str:
    return "".join((text or "").split())


def _showable(raw: Any) -> bool:
    """Whether a feedparser entry has a link or a visible title: entries with neither are dropped (issue 4)."""
    return bool((raw.get("link") or "").strip()) or bool(reference_visible(raw.get("title") or ""))


# --- linked copies: corpus files whose entries watcher drops, with a link added ---------------------

LINK = "http://example.com/linked-copy"
# The opening tag of an RSS item or an Atom entry (not <items>, not an empty <item/>), with any prefix.
_ITEM_OPEN = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)(item|entry)(\s[^>]*)?(?<!/)>")


def add_links(body: bytes) -> bytes:
    """body with a link to LINK first in every item and entry; for ASCII-compatible encodings only."""

    def linked(match: re.Match[bytes]) -> bytes:
        prefix, url = match.group(1), LINK.encode()
        if match.group(2) == b"entry":
            return match.group(0) + b"<" + prefix + b'link rel="alternate" type="text/html" href="' + url + b'"/>'
        return match.group(0) + b"<" + prefix + b"link>" + url + b"</" + prefix + b"link>"

    return _ITEM_OPEN.sub(linked, body)


def _parse_reference(body: bytes, content_type: str) -> Any:
    return feedparser.parse(io.BytesIO(body), response_headers={"content-type": content_type})


def _linked_copies() -> dict[str, CorpusFile]:
    """Corpus name → linked copy, for every file in which feedparser finds an entry watcher must drop."""
    copies = {}
    for name, corpus_file in FILES.items():
        if all(_showable(raw) for raw in _parse_reference(corpus_file.body, corpus_file.content_type).entries):
            continue
        body = add_links(corpus_file.body)
        assert body != corpus_file.body, name  # every such file got its link
        copies[name] = dataclasses.replace(corpus_file, body=body, root="linked")
    return copies


LINKED = _linked_copies()
# Files whose Expect is that the entry has no link: the one thing a linked copy changes.
EXPECT_NO_LINK = {"wellformed/rss/item_guid_not_permalink.xml"}


# --- derived documents ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Derived:
    name: str
    body: bytes
    content_type: str
    expected: str | None = None  # visible text that must appear (feed title, first entry title or summary)
    refused: bool = False  # must be flagged with the entity reason

    @property
    def path(self) -> str:
        return "/derived/" + quote(self.name)


_CHARDET_ENCODING = re.compile(r"encoding == '([^']+)'")
_FIRST_TEXT = re.compile(rb"<(title|description|summary)>(.*?)</\1>", re.DOTALL)


def _derived_documents() -> list[Derived]:
    derived = []
    # The chardet files carry no encoding information at all; given the charset over HTTP they decode right.
    for name, corpus_file in FILES.items():
        if not name.startswith("illformed/chardet/"):
            continue
        charset = _CHARDET_ENCODING.search(corpus_file.expect).group(1)  # type: ignore[union-attr]
        codec = {"gb2312": "gb18030"}.get(charset.lower(), charset)  # feedparser reads gb2312 as its superset
        raw = _FIRST_TEXT.search(corpus_file.body).group(2)  # type: ignore[union-attr]
        expected = reference_visible(html.unescape(raw.decode(codec)))  # XML's escaping, then the HTML's
        assert any(ord(ch) > 127 for ch in expected), name
        # A link in every item, so that an item with only a description (tis620, windows1255) is stored.
        body = add_links(corpus_file.body)
        derived.append(Derived(f"charset-header/{name}", body, f"application/xml; charset={charset}", expected))
    # The i18n feed transcoded: UTF-16 and UTF-32 with and without byte order marks, and Latin-1.
    source = FILES["encoding/http_i18n.xml"].body.decode("utf-8")
    title = re.search(r"<title>(.*?)</title>", source).group(1)  # type: ignore[union-attr]
    for declared, codec, bom, content_type in (
        ("utf-16", "utf-16-le", b"\xff\xfe", "application/xml"),
        ("utf-16", "utf-16-be", b"\xfe\xff", "application/xml"),
        ("utf-16le", "utf-16-le", b"", "application/xml"),
        ("utf-16be", "utf-16-be", b"", "application/xml"),
        ("utf-16", "utf-16-be", b"\xfe\xff", "application/atom+xml; charset=utf-16"),
        ("utf-32", "utf-32-le", b"\xff\xfe\x00\x00", "application/xml"),
        ("utf-32", "utf-32-be", b"\x00\x00\xfe\xff", "application/xml"),
        ("utf-32le", "utf-32-le", b"", "application/xml"),
        ("utf-32be", "utf-32-be", b"", "application/xml"),
        ("iso-8859-1", "iso-8859-1", b"", "application/xml"),
        ("iso-8859-1", "iso-8859-1", b"", "text/xml"),
        ("windows-1252", "windows-1252", b"", "application/rss+xml"),
    ):
        text = source.replace('encoding="utf-8"', f'encoding="{declared}"')
        body = bom + text.encode(codec)
        label = f"i18n/{declared}-{codec}{'-bom' if bom else ''}-{content_type.split(';')[0].replace('/', '_')}"
        derived.append(Derived(label, body, content_type, squeeze(title)))
    # A byte order mark outranks a wrong or vague label (an ASCII-only body decodes "fine" in the wrong codec).
    feed = FILES["entities/aacute.xml"].body.decode("utf-8")
    for codec, bom, content_type in (
        ("utf-16-le", b"\xff\xfe", "text/xml"),
        ("utf-16-be", b"\xfe\xff", "text/xml"),
        ("utf-16-be", b"\xfe\xff", "application/rss+xml; charset=utf-16"),
        ("utf-16-be", b"\xfe\xff", "text/html; charset=utf-8"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "text/xml; charset=utf-16"),
        ("utf-32-be", b"\x00\x00\xfe\xff", "application/xml; charset=iso-8859-1"),
        ("utf-8", b"\xef\xbb\xbf", "application/rss+xml; charset=utf-16"),
    ):
        label = f"bom/aacute-{codec}-{content_type.replace('/', '_').replace('; charset=', '-')}"
        derived.append(Derived(label, bom + feed.encode(codec), content_type, "testingáentity"))
    # Entity declarations in front of corpus feeds, in the encodings a declaration could hide in.
    dtds = {
        "internal": '<!DOCTYPE rss [\n<!ENTITY watcher "watcher">\n]>\n',
        "laughs": '<!DOCTYPE rss [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n',
        "external": '<!DOCTYPE rss [\n<!ENTITY % ext SYSTEM "http://127.0.0.1:9/x.dtd">\n%ext;\n]>\n',
    }
    feed = FILES["entities/aacute.xml"].body.decode("utf-8")
    for dtd_name, dtd in dtds.items():
        text = feed.replace("<rss>", dtd + "<rss>", 1)
        assert dtd in text
        for codec, bom in (("utf-8", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b""), ("utf-32-le", b"")):
            prefix = "" if codec == "utf-8" else f'<?xml version="1.0" encoding="{codec[:6]}"?>\n'
            body = bom + (prefix + text).encode(codec)
            derived.append(Derived(f"entities/{dtd_name}-{codec}.xml", body, "application/rss+xml", refused=True))
    return derived


DERIVED = {document.name: document for document in _derived_documents()}


# --- the HTTP server -----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: ClassVar[dict[str, tuple[bytes, str]]] = {}

    def do_GET(self) -> None:
        route = self.routes.get(self.path)
        body, content_type = route if route else (b"not found", "text/plain")
        self.send_response(200 if route else 404)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def corpus_server() -> Iterator[str]:
    """Base URL of a server on 127.0.0.1 serving every corpus file and derived document with its headers."""
    copies = [*FILES.values(), *LINKED.values()]
    routes = {corpus_file.path: (corpus_file.body, corpus_file.content_type) for corpus_file in copies}
    routes |= {document.path: (document.body, document.content_type) for document in DERIVED.values()}
    handler = type("CorpusHandler", (_Handler,), {"routes": routes})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# --- fetch → parse → match, once for everything --------------------------------------------------

ENTITIES = [
    EntityConfig(name="Safe description", aliases=["safe description"]),
    EntityConfig(name="Don't", aliases=["don't"]),
    EntityConfig(name="Korean year", aliases=["년"]),
    EntityConfig(name="Test", aliases=["test"]),
    EntityConfig(name="New Year", aliases=["Новый год"]),
    EntityConfig(name="Description, not safe", aliases=["description"], exclude=["safe"]),
    EntityConfig(name="Description, if safe", aliases=["descript*"], require_any=["safe"]),
]


@dataclass
class Outcome:
    name: str
    body: bytes | None = None  # as fetched
    content_type: str | None = None  # as fetched
    feed: ParsedFeed | None = None  # parsed ...
    reason: str | None = None  # ... or flagged, with this reason
    error: str | None = None  # any other exception: a bug
    matches: list[tuple[Entry, list[EntityMatch]]] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        return self.feed.entries if self.feed else []


async def _process(client: Any, limits: FetchLimits, matcher: Matcher, url: str, name: str) -> Outcome:
    outcome = Outcome(name)
    try:
        result = await fetch(client, url, limits=limits)
        outcome.body, outcome.content_type = result.body, result.content_type
        outcome.feed = parse_feed(result.body, content_type=result.content_type, url=result.url)
        for entry in outcome.feed.entries:
            outcome.matches.append((entry, matcher.match(entry.fields)))
    except (FetchError, FeedError) as exc:
        outcome.feed = None
        outcome.reason = f"{type(exc).__name__}: {exc}" if str(exc).strip() else ""
    except Exception:
        outcome.error = traceback.format_exc()
    return outcome


async def _run_all(base: str, paths: dict[str, str]) -> dict[str, Outcome]:
    limits = FetchLimits(timeout=20.0, block_private_addresses=False)
    matcher = Matcher.build(ENTITIES)
    gate = asyncio.Semaphore(8)

    async def one(name: str, path: str) -> Outcome:
        async with gate:
            return await _process(client, limits, matcher, base + path, name)

    async with make_client(limits, concurrency=8) as client:
        outcomes = await asyncio.gather(*(one(name, path) for name, path in paths.items()))
    return {outcome.name: outcome for outcome in outcomes}


@pytest.fixture(scope="module")
def outcomes(corpus_server: str) -> dict[str, Outcome]:
    """name → Outcome for every corpus file (by its relative name), linked copy (by "linked:" + the corpus
    file's name) and derived document (by "derived:" + name)."""
    paths = {name: corpus_file.path for name, corpus_file in FILES.items()}
    paths |= {f"linked:{name}": corpus_file.path for name, corpus_file in LINKED.items()}
    paths |= {f"derived:{name}": document.path for name, document in DERIVED.items()}
    return asyncio.run(_run_all(corpus_server, paths))


@dataclass(frozen=True)
class Reference:
    """feedparser's own reading of the bytes watcher fetched, with the headers they came with."""

    result: Any
    expect_passes: bool | None  # None: skipped (SkipUnless failed, e.g. chardet is not installed)


# watcher installs chardet, which feedparser asks when no declared encoding decodes a document. These
# Expects were written against the chardet of their day or against its absence:
# - the illformed/chardet files name the codec (encoding == 'EUC-KR'); chardet 7 names a superset
#   (CP949, GB18030, CP932, CP874) that decodes the file to the same text, and that is what counts;
# - bozo_linenoise.xml ("unguessable characters") pins feedparser's last resort, windows-1252; with a
#   detector the guess is another single-byte codec and other mojibake: its text check is moot.
DETECTOR_DEPENDENT_TEXT = {"encoding/bozo_linenoise.xml"}


def _reference(corpus_file: CorpusFile, outcome: Outcome) -> Reference:
    result = _parse_reference(outcome.body or b"", outcome.content_type or "")
    passes: bool | None
    try:
        if corpus_file.skip_unless:
            eval(corpus_file.skip_unless, {}, {})
    except Exception:
        passes = None
    else:
        passes = _expect_holds(corpus_file.expect, result)
        codec = _CHARDET_ENCODING.search(corpus_file.expect or "")
        if not passes and codec and _same_text(outcome.body or b"", codec.group(1), result.get("encoding")):
            passes = _expect_holds(corpus_file.expect, {**result, "encoding": codec.group(1)})
        if corpus_file.name in DETECTOR_DEPENDENT_TEXT and not passes:
            passes = bool(result.get("bozo")) and bool(result.entries)
    return Reference(result, passes)


def _expect_holds(expect: str | None, result: Any) -> bool:
    try:
        return bool(eval(expect or "0", {"datetime": datetime, "feedparser": feedparser}, result))
    except Exception:
        return False


def _same_text(body: bytes, named: str, detected: str | None) -> bool:
    """Whether the codec the Expect names and the one detected read the document as the same text."""
    try:
        return detected is not None and body.decode(named) == body.decode(detected)
    except (UnicodeDecodeError, LookupError):
        return False


@pytest.fixture(scope="module")
def references(outcomes: dict[str, Outcome]) -> dict[str, Reference]:
    """Corpus name → feedparser's reading of the corpus file as fetched."""
    return {name: _reference(f, outcomes[name]) for name, f in FILES.items() if outcomes[name].body is not None}


@pytest.fixture(scope="module")
def linked_references(outcomes: dict[str, Outcome]) -> dict[str, Reference]:
    """Corpus name → feedparser's reading of the file's linked copy as fetched."""
    return {name: _reference(f, outcomes[f"linked:{name}"]) for name, f in LINKED.items()}


def _corpus(outcomes: dict[str, Outcome]) -> dict[str, Outcome]:
    return {name: outcome for name, outcome in outcomes.items() if name in FILES}


# --- the tests -----------------------------------------------------------------------------------


def test_corpus_copy_is_complete() -> None:
    manifest = (DATA / "MANIFEST.txt").read_text().split()
    assert len(FILES) == CORPUS_SIZE
    assert sorted(f"tests/{name}" for name in FILES) == sorted(manifest)
    assert "Kurt McKee" in (DATA / "LICENSE").read_text()
    assert re.fullmatch(r"[0-9a-f]{40}", (DATA / "SOURCE_COMMIT").read_text().strip())
    assert all(corpus_file.expect for corpus_file in FILES.values())


def test_bytes_and_content_type_arrive_over_http_unchanged(outcomes: dict[str, Outcome]) -> None:
    for name, outcome in _corpus(outcomes).items():
        assert outcome.body == FILES[name].body, name
        assert outcome.content_type == FILES[name].content_type, name


def test_no_exception_but_fetch_and_feed_errors_escapes(outcomes: dict[str, Outcome]) -> None:
    errors = {name: outcome.error for name, outcome in outcomes.items() if outcome.error}
    assert not errors, "\n\n".join(f"{name}:\n{error}" for name, error in errors.items())


def test_every_file_is_parsed_or_flagged_with_a_reason(outcomes: dict[str, Outcome]) -> None:
    corpus = _corpus(outcomes)
    assert len(corpus) == CORPUS_SIZE
    parsed = {name: len(outcome.entries) for name, outcome in corpus.items() if outcome.feed is not None}
    flagged = {name: outcome.reason for name, outcome in corpus.items() if outcome.feed is None}
    assert len(parsed) + len(flagged) == CORPUS_SIZE
    assert all(flagged.values()), "a file was flagged without a reason"
    reasons = Counter(re.sub(r"(?<=:) .*", "", reason or "") for reason in flagged.values())
    print(
        f"\nfeedparser corpus: {len(parsed)} parsed ({sum(parsed.values())} entries, "
        f"{sum(1 for n in parsed.values() if n)} feeds with entries), {len(flagged)} flagged"
    )
    for reason, count in reasons.most_common():
        print(f"  {count:4d} {reason}")
    for name, reason in sorted(flagged.items()):
        print(f"       {name}: {reason}")
    # Only ill-formed documents may be refused: every well-formed, encoding and entity test is a usable feed.
    assert all(name.startswith("illformed/") for name in flagged), sorted(flagged)
    assert len(parsed) >= CORPUS_SIZE - 19  # tests/illformed holds 19 files


def test_every_entry_is_stored_unless_it_has_nothing_to_show(
    outcomes: dict[str, Outcome], references: dict[str, Reference]
) -> None:
    """An entry feedparser found is stored unless it has neither a visible title nor a link."""
    lost = {}
    dropped = Counter()
    for name, outcome in _corpus(outcomes).items():
        if outcome.feed is None:
            continue
        raw_entries = references[name].result.entries
        showable = [raw for raw in raw_entries if _showable(raw)]
        if len(outcome.entries) != len(showable):
            lost[name] = (len(raw_entries), len(showable), len(outcome.entries))
        dropped["entry with neither title nor link"] += len(raw_entries) - len(showable)
    print(f"\nentries not stored: {dict(dropped)}")
    assert not lost, f"file: (feedparser entries, with text or link, stored) {lost}"


def test_linked_copies_store_what_the_originals_drop(
    outcomes: dict[str, Outcome], references: dict[str, Reference], linked_references: dict[str, Reference]
) -> None:
    """A linked copy is the original with a link in each entry: feedparser reads it alike, watcher stores it all."""
    assert len(LINKED) >= 140  # 145 files: 119 sanitizer cases, 12 encoding tests, RSS item details, geo
    for name in LINKED:
        original, copy = outcomes[name], outcomes[f"linked:{name}"]
        raw_entries = linked_references[name].result.entries
        if original.feed is None:  # refused as a whole (rss_incomplete_cdata.xml, cut off): so is the copy
            assert original.reason and copy.reason == original.reason, name
            continue
        assert copy.feed is not None, (name, copy.reason)
        assert len(original.entries) < len(references[name].result.entries), name  # the original lost one
        assert raw_entries and all(raw.get("link") == LINK for raw in raw_entries), name
        assert [entry.link for entry in copy.entries] == [LINK] * len(raw_entries), name
        # The link changes nothing else feedparser reports (a chardet file is skipped in both or neither) ...
        passes = references[name].expect_passes
        if name in EXPECT_NO_LINK:  # ... but an Expect that the entry has no link
            assert passes and linked_references[name].expect_passes is False, name
        else:
            assert linked_references[name].expect_passes == passes, name
        assert squeeze(copy.feed.title) == squeeze(original.feed.title if original.feed else None), name


def test_feedparser_expectations_hold_for_the_fetched_bytes(references: dict[str, Reference]) -> None:
    """The HTTP path reproduces the corpus's conditions: feedparser itself passes each Expect on what arrived."""
    assert len(references) == CORPUS_SIZE
    skipped = sorted(name for name, reference in references.items() if reference.expect_passes is None)
    failed = sorted(name for name, reference in references.items() if reference.expect_passes is False)
    print(
        f"\nfeedparser Expect on the fetched bytes: {CORPUS_SIZE - len(skipped) - len(failed)} pass, "
        f"{len(failed)} fail, {len(skipped)} skipped (SkipUnless)"
    )
    assert all(name.startswith("illformed/chardet/") for name in skipped), skipped
    assert not failed, failed


@pytest.mark.parametrize("check", TEXT_CHECKS, ids=lambda c: f"{c.name}:{c.scope}.{c.field}")
def test_decoded_text_is_what_the_corpus_expects(
    check: TextCheck,
    outcomes: dict[str, Outcome],
    references: dict[str, Reference],
    linked_references: dict[str, Reference],
) -> None:
    """Watcher's visible text equals the value the file's Expect asserts (tags stripped, entities decoded)."""
    outcome, reference = outcomes[check.name], references[check.name]
    assert reference.expect_passes, "feedparser itself fails this file's Expect on the fetched bytes"
    assert outcome.feed is not None, outcome.reason
    raw = reference.result.feed if check.scope == "feed" else reference.result.entries[0]
    if check.scope == "entry" and not _showable(raw):
        # Neither a visible title nor a link: watcher drops the entry (every such file holds just that one) ...
        assert len(reference.result.entries) == 1 and not outcome.entries, "an entry with nothing to show was stored"
        # ... and the text is checked on the linked copy, where the same entry is stored.
        outcome, reference = outcomes[f"linked:{check.name}"], linked_references[check.name]
        assert reference.expect_passes, "feedparser itself fails this file's Expect on the linked copy"
        assert outcome.feed is not None and outcome.entries, outcome.reason
        raw = reference.result.entries[0]
        assert outcome.entries[0].link == raw.get("link") == LINK
    if check.field in _VERBATIM:
        target: Any = outcome.feed if check.scope == "feed" else outcome.entries[0]
        assert getattr(target, check.field) == check.expected
        return
    detail = {"title": "title_detail", "summary": "summary_detail"}.get(check.field)
    kind = (raw.get(detail) or {}).get("type") if detail else (raw.get("content") or [{}])[0].get("type")
    expected = reference_visible(check.expected, kind or "text/html")
    if check.scope == "feed":
        actual = outcome.feed.title
    else:
        entry = outcome.entries[0]
        actual = entry.content or entry.summary if check.field == "content" else getattr(entry, check.field)
    if check.name in DETECTOR_DEPENDENT_TEXT:
        # Unguessable bytes: any single-byte reading is as good as the one the Expect pins (see above).
        # Its first three bytes read the same in all of them (and through feedparser's cp1252 mapping).
        assert squeeze(actual).startswith(check.expected[:3]) and len(squeeze(actual)) >= len(check.expected)
        return
    if check.name in BROWSER_READINGS:
        assert expected != BROWSER_READINGS[check.name]  # still a difference worth listing
        expected = BROWSER_READINGS[check.name]
    assert squeeze(actual) == expected


def test_text_checks_cover_the_encodings(outcomes: dict[str, Outcome]) -> None:
    """The Expect-derived checks above reach non-ASCII text in windows-1252, euc-kr and friends."""
    names = {check.name for check in TEXT_CHECKS}
    for name in (
        "encoding/euc-kr.xml",
        "encoding/euc-kr-item.xml",
        "encoding/euc-kr-attribute.xml",
        "encoding/demoronize-1.xml",
        "encoding/demoronize-2.xml",
        "encoding/http_text_xml_charset_2.xml",
        "encoding/http_text_xml_charset_overrides_encoding_2.xml",
        "encoding/double-encoded-html.xml",
    ):
        assert name in names
    # Checks of non-ASCII text that reach text watcher stored: a feed title, a stored entry, or (for an entry
    # watcher drops) the entry of the file's linked copy. 260 of the 407 checks; 253 without the linked copies.
    reaching = [
        check
        for check in TEXT_CHECKS
        if any(ord(ch) > 127 for ch in check.expected)
        and (
            check.scope == "feed"
            or outcomes[check.name].entries
            or (check.name in LINKED and outcomes[f"linked:{check.name}"].entries)
        )
    ]
    assert len(reaching) >= 250
    # Spot checks, spelled out. An item with only a description is dropped; its linked copy is stored.
    assert outcomes["encoding/euc-kr.xml"].feed.title == "년"  # type: ignore[union-attr]
    for name, summary in (
        ("encoding/euc-kr-item.xml", "년"),
        ("encoding/euc-kr-attribute.xml", "년"),  # the img's alt text
        ("encoding/demoronize-1.xml", "don\u2019t"),
        ("encoding/double-encoded-html.xml", "…"),
    ):
        assert outcomes[name].feed is not None and outcomes[name].entries == [], name
        assert outcomes[f"linked:{name}"].entries[0].summary == summary, name
    assert outcomes["encoding/http_text_xml_charset_2.xml"].entries[0].summary == "This is a £“test.”"
    assert outcomes["encoding/http_i18n.xml"].feed.title == "Iñtërnâtiônàlizætiøn"  # type: ignore[union-attr]
    assert outcomes["encoding/bozo_http_i18n.xml"].feed.title == "Iñtërnâtiônàlizætiøn"  # type: ignore[union-attr]
    assert outcomes["entities/aacute.xml"].feed.title == "testing á entity"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", [name for name, d in DERIVED.items() if not d.refused])
def test_derived_encodings_decode_right(name: str, outcomes: dict[str, Outcome]) -> None:
    """Big5, EUC-JP, EUC-KR, GB2312, KOI8-R, Shift_JIS, TIS-620, windows-1255, UTF-16/32 and Latin-1 text."""
    document, outcome = DERIVED[name], outcomes[f"derived:{name}"]
    assert outcome.feed is not None, outcome.reason
    entry = outcome.entries[0] if outcome.entries else None
    seen = [outcome.feed.title, entry.title if entry else None, entry.summary if entry else None]
    assert document.expected in [squeeze(text) for text in seen]


@pytest.mark.parametrize("name", sorted(name for name in FILES if name.startswith("illformed/chardet/")))
def test_text_with_no_encoding_information_is_detected_as_if_it_had_some(
    name: str, outcomes: dict[str, Outcome]
) -> None:
    """The chardet files as they are, no charset anywhere: read as right as their copies given one over HTTP."""
    expected = DERIVED[f"charset-header/{name}"].expected
    outcome = outcomes[f"linked:{name}"] if f"linked:{name}" in outcomes else outcomes[name]
    assert outcome.feed is not None, outcome.reason
    entry = outcome.entries[0] if outcome.entries else None
    seen = [outcome.feed.title, entry.title if entry else None, entry.summary if entry else None]
    assert expected in [squeeze(text) for text in seen]


@pytest.mark.parametrize("name", [name for name, d in DERIVED.items() if d.refused])
def test_derived_entity_declarations_are_refused(name: str, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[f"derived:{name}"]
    assert outcome.feed is None
    assert ENTITY_REASON in (outcome.reason or "")


def test_corpus_files_declaring_entities_are_flagged_and_no_others(outcomes: dict[str, Outcome]) -> None:
    declaring = {name for name, f in FILES.items() if "<!entity" in decode_for_metadata(f.body).lower()}
    flagged = {name for name, outcome in _corpus(outcomes).items() if ENTITY_REASON in (outcome.reason or "")}
    print(f"\ncorpus files declaring XML entities: {len(declaring)}")
    assert flagged == declaring


def test_no_markup_reaches_visible_text(
    outcomes: dict[str, Outcome], references: dict[str, Reference], linked_references: dict[str, Reference]
) -> None:
    """Sanitizer cases: no <script (anywhere), and no tag at all in text that came from HTML."""
    every_reference = references | {f"linked:{name}": reference for name, reference in linked_references.items()}
    checked = 0
    for name, outcome in outcomes.items():
        if outcome.feed is None:
            continue
        texts = [outcome.feed.title or ""] + [text for entry in outcome.entries for text in entry.fields.values()]
        for text in texts:
            assert "<script" not in text.lower(), (name, text)
        if name not in every_reference:
            continue
        reference = every_reference[name].result
        # (text, declared type) pairs; stored entries line up with feedparser's entries that have something to
        # show (a visible title or a link), the others being dropped.
        typed = [(outcome.feed.title or "", reference.feed.get("title_detail", {}).get("type", "text/html"))]
        showable = [raw for raw in reference.entries if _showable(raw)]
        if len(outcome.entries) == len(showable):
            for entry, raw in zip(outcome.entries, showable, strict=True):
                typed.append((entry.title, (raw.get("title_detail") or {}).get("type", "text/html")))
                typed.append((entry.summary, (raw.get("summary_detail") or {}).get("type", "text/html")))
                kinds = {part.get("type", "text/html") for part in raw.get("content") or []}
                typed.append((entry.content, "text/plain" if "text/plain" in kinds else "text/html"))
        for text, kind in typed:
            if kind != "text/plain":
                checked += 1
                assert not _MARKUP.search(text), (name, text)
    print(f"\nchecked {checked} texts declared as HTML for markup")
    # Feed titles and entry fields declared as HTML: 921, of which 346 in the corpus files and derived documents
    # (entries with nothing to show being dropped there) and 575 in the linked copies.
    assert checked >= 500
    sanitize = [name for name in FILES if name.startswith("wellformed/sanitize/")]
    assert len(sanitize) == 135
    assert all(outcomes[name].feed is not None for name in sanitize)
    # Every sanitizer case with an entry has it reach the checks above: stored, or stored from the linked copy.
    with_entries = [name for name in sanitize if references[name].result.entries]
    assert len(with_entries) >= 120, len(with_entries)
    for name in with_entries:
        assert outcomes[name].entries or outcomes.get(f"linked:{name}", Outcome(name)).entries, name


def test_matching_runs_on_every_entry_with_consistent_spans(outcomes: dict[str, Outcome]) -> None:
    entries = hits = 0
    found: dict[str, set[str]] = {}
    for name, outcome in outcomes.items():
        assert len(outcome.matches) == len(outcome.entries), name
        for entry, matches in outcome.matches:
            entries += 1
            fields = entry.fields
            for match in matches:
                found.setdefault(match.entity, set()).add(name)
                for hit in match.hits:
                    hits += 1
                    assert hit.entity == match.entity
                    assert 0 <= hit.start < hit.end <= len(fields[hit.field]), (name, hit)
                    assert fields[hit.field][hit.start : hit.end] == hit.text, (name, hit)
    print(f"\nmatched {entries} entries: {hits} hits; " + ", ".join(f"{k}: {len(v)}" for k, v in found.items()))
    # These three entries have only a description or content: dropped, so matched in their linked copies only.
    assert "linked:encoding/demoronize-1.xml" in found["Don't"]  # don’t, typographic apostrophe, from windows-1252
    assert "linked:encoding/euc-kr-item.xml" in found["Korean year"]
    assert "linked:wellformed/sanitize/entry_content_script.xml" in found["Safe description"]
    assert not {"encoding/demoronize-1.xml", "encoding/euc-kr-item.xml"} & (found["Don't"] | found["Korean year"])
    assert "wellformed/sanitize/entry_content_script.xml" not in found["Safe description"]
    assert "derived:charset-header/illformed/chardet/koi8r.xml" in found["New Year"]
    assert "encoding/http_text_xml_charset_2.xml" in found["Test"]
    # exclude= and require_any= take effect.
    assert found.get("Description, not safe", set()).isdisjoint(found["Safe description"])
    assert found["Safe description"] <= found["Description, if safe"]
    demoronize = next(m for m in outcomes["linked:encoding/demoronize-1.xml"].matches[0][1] if m.entity == "Don't")
    assert demoronize.primary.text == "don\u2019t"
