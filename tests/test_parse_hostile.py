"""watcher.parse on hostile and broken documents: entity bombs in every encoding, external references,
pages that are not feeds, truncation, wrong encodings, odd entries, inputs that broke feedparser itself."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FOUNDING_ENTITIES, FeedServer, Route, founding_feed, rss
from watcher.config import EntityConfig
from watcher.errors import FeedError
from watcher.match.matcher import Matcher
from watcher.parse.document import check_no_entity_declarations
from watcher.parse.entry import ParsedFeed
from watcher.parse.feed import parse_feed

RSS_TYPE = "application/rss+xml"


def laughs(levels: int = 9) -> str:
    """The billion laughs: each entity ten of the one before; &lol8; is 10**8 "lol"s."""
    declarations = ['<!ENTITY lol "lol">']
    previous = "lol"
    for level in range(1, levels):
        declarations.append(f'<!ENTITY lol{level} "{("&" + previous + ";") * 10}">')
        previous = f"lol{level}"
    return "".join(declarations)


def bomb(*, encoding: str = "utf-8", before_doctype: str = "", declare: bool = True) -> str:
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>' if declare else ""
    return (
        f"{declaration}{before_doctype}<!DOCTYPE rss [{laughs()}]>"
        '<rss version="2.0"><channel><title>t</title>'
        "<item><title>&lol8;</title><link>http://example.com/1</link></item></channel></rss>"
    )


def refused_quickly(body: bytes, content_type: str | None = RSS_TYPE) -> FeedError:
    started = time.process_time()  # CPU, not wall time: a loaded machine stretches the latter, not the former
    with pytest.raises(FeedError) as caught:
        parse_feed(body, content_type=content_type)
    assert time.process_time() - started < 1.0
    return caught.value


# --- entity expansion ------------------------------------------------------------------------------

BOMBS: dict[str, Callable[[], bytes]] = {
    "utf-8": lambda: bomb().encode(),
    "utf-8-bom": lambda: b"\xef\xbb\xbf" + bomb().encode(),
    "utf-16-le-bom": lambda: b"\xff\xfe" + bomb(encoding="utf-16").encode("utf-16-le"),
    "utf-16-be-bom": lambda: b"\xfe\xff" + bomb(encoding="utf-16").encode("utf-16-be"),
    "utf-16-le-no-bom": lambda: bomb(encoding="utf-16").encode("utf-16-le"),
    "utf-16-be-no-bom": lambda: bomb(encoding="utf-16").encode("utf-16-be"),
    "utf-32": lambda: bomb(encoding="utf-32").encode("utf-32"),
    "ebcdic": lambda: bomb(encoding="cp037").encode("cp037"),
    "utf-7": lambda: bomb(encoding="utf-7").encode("utf-7"),
    # The DTD after things a naive "first <tag> ends the prologue" scan stops at:
    "comment-with-a-tag": lambda: bomb(before_doctype="<!-- made by <b>gen</b> -->").encode(),
    "pi-with-a-tag": lambda: bomb(before_doctype="<?generator <a>?>").encode(),
    "after-70kb-comment": lambda: bomb(before_doctype="<!--" + "x" * 70_000 + "-->").encode(),
    "after-70kb-blank-lines": lambda: bomb(before_doctype="\n" * 70_000).encode(),
}


@pytest.mark.parametrize("make", BOMBS.values(), ids=BOMBS.keys())
def test_entity_bombs_are_refused_quickly(make: Callable[[], bytes]) -> None:
    error = refused_quickly(make())
    assert "entit" in str(error) or "blank lines" in str(error)


@pytest.mark.parametrize("make", [BOMBS["utf-8"], BOMBS["comment-with-a-tag"], BOMBS["utf-16-le-no-bom"]])
def test_entity_bombs_are_refused_whatever_the_declared_charset(make: Callable[[], bytes]) -> None:
    for content_type in (None, "text/xml", "text/plain", "application/xml; charset=iso-8859-1"):
        # Refused for its entities; or, where the charset makes it unreadable (UTF-16 read as ASCII), as no feed.
        error = str(refused_quickly(make(), content_type))
        assert "entit" in error or error.startswith("not a feed")


def test_a_bomb_hidden_behind_a_literal_holding_a_tag_is_refused() -> None:
    body = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!NOTATION n SYSTEM "<a>">' + laughs() + "]>"
        '<rss version="2.0"><channel><title>&lol8;</title></channel></rss>'
    ).encode()
    assert "entit" in str(refused_quickly(body))


def test_the_opml_check_sees_the_same_attacks() -> None:
    for name in ("comment-with-a-tag", "utf-16-le-no-bom", "ebcdic"):
        with pytest.raises(FeedError, match="entit"):
            check_no_entity_declarations(BOMBS[name]())


def test_entity_words_in_content_are_not_declarations() -> None:
    body = rss(
        {"title": "How <!ENTITY declarations attack parsers", "link": "http://example.com/xxe"},
        {"title": "CDATA", "link": "http://example.com/2", "description": "<![CDATA[<!ENTITY x 'y'>]]>"},
    )
    parsed = parse_feed(body, content_type=RSS_TYPE)
    assert [entry.title for entry in parsed.entries] == ["How <!ENTITY declarations attack parsers", "CDATA"]


# --- external references ---------------------------------------------------------------------------


def _external(url: str) -> dict[str, bytes]:
    item = "<item><title>Story {}</title><link>http://example.com/1</link></item>"
    channel = f'<rss version="2.0"><channel><title>t</title>{item}</channel></rss>'
    return {
        "doctype-system": f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{url}/evil.dtd">{channel.format("&ext;")}',
        "doctype-public": (
            f'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            f'"{url}/rss.dtd">{channel.format("a")}'
        ),
        "external-entity": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{url}/secret">]>{channel.format("&xxe;")}'
        ),
        "file-entity": (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
            + channel.format("&xxe;")
        ),
        "parameter-entity": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>{channel.format("&ext;")}'
        ),
        "stylesheet": (
            f'<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="{url}/style.xsl"?>{channel.format("b")}'
        ),
    }


@pytest.mark.parametrize(
    "kind", ["doctype-system", "doctype-public", "external-entity", "file-entity", "parameter-entity", "stylesheet"]
)
def test_external_references_are_never_fetched(feed_server: FeedServer, kind: str) -> None:
    for path in ("/evil.dtd", "/rss.dtd", "/p.dtd"):
        feed_server.routes[path] = Route(body=b'<!ENTITY ext "FETCHED">', headers={"Content-Type": "text/plain"})
    feed_server.routes["/secret"] = Route(body=b"FETCHED", headers={"Content-Type": "text/plain"})
    body = _external(feed_server.base)[kind].encode()
    try:
        parsed: ParsedFeed | None = parse_feed(body, content_type=RSS_TYPE)
    except FeedError as exc:
        assert kind.endswith("entity") and "entit" in str(exc)  # declarations are refused outright
        parsed = None
    else:
        assert not kind.endswith("entity")
        assert [entry.link for entry in parsed.entries] == ["http://example.com/1"]
        assert all("FETCHED" not in entry.title for entry in parsed.entries)
    assert feed_server.requests == []


# --- not a feed ------------------------------------------------------------------------------------

LOGIN_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><form method="post" action="/login"><input name="user"><input type="password" name="pass">
<button>Sign in</button></form></body></html>"""


@pytest.mark.parametrize(
    "body", [LOGIN_PAGE, b"\xff\xfe" + LOGIN_PAGE.decode().encode("utf-16-le")], ids=["utf-8", "utf-16"]
)
def test_an_html_login_page_is_not_a_feed(body: bytes) -> None:
    with pytest.raises(FeedError, match="not a feed: the server returned an HTML page"):
        parse_feed(body, content_type="text/html; charset=utf-8")


@pytest.mark.parametrize(
    "body", [b"", b" ", b" \n\t\r\n  \n", b"\n" * 10_000], ids=["empty", "space", "blanks", "lines"]
)
def test_an_empty_or_blank_body_is_refused(body: bytes) -> None:
    with pytest.raises(FeedError, match="empty response body"):
        parse_feed(body, content_type=RSS_TYPE)


@pytest.mark.parametrize(
    "body", [b"\xef\xbb\xbf", b"\xff\xfe", b"just some text\n", b'{"items": []}', b"\x00" * 64, b"\x1f\x8b\x08\x00"]
)
def test_other_non_feeds_are_refused(body: bytes) -> None:
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(body, content_type=RSS_TYPE)


# --- truncated documents ---------------------------------------------------------------------------

FULL = founding_feed()


@pytest.mark.parametrize(
    "cut",
    [
        FULL.index(b"<item>", FULL.index(b"<item>") + 1) + 40,  # inside the second item's title
        FULL.index(b"</title>", FULL.index(b"<item>")) + 3,  # inside an end tag
        FULL.index(b"</item>") + len(b"</item>"),  # between items
        FULL.index(b"</channel>"),  # everything but the closing tags
        len(FULL) - 10,  # inside </channel>
    ],
    ids=["mid-title", "mid-end-tag", "between-items", "before-channel-end", "mid-channel-end"],
)
def test_a_truncated_document_is_refused(cut: int) -> None:
    with pytest.raises(FeedError, match="truncated document: it ends without </rss>"):
        parse_feed(FULL[:cut], content_type=RSS_TYPE)


def test_a_truncated_atom_document_is_refused() -> None:
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b'<entry><title>One</title><link href="http://example.com/1"/><id>1</id></entry>'
        b'<entry><title>Two</title><link href="http://example.com/2"/>'
    )
    with pytest.raises(FeedError, match="truncated document: it ends without </feed>"):
        parse_feed(atom, content_type="application/atom+xml")


def _utf16_feed(items: int, *, flaw: bool) -> bytes:
    title = "Item {} &undefined;" if flaw else "Item {}"  # an undefined entity: a feed feedparser flags
    text = rss(*({"title": title.format(i), "link": f"http://example.com/{i}"} for i in range(items))).decode()
    text = text.replace("&amp;undefined;", "&undefined;").replace('encoding="utf-8"', 'encoding="utf-16"')
    return text.encode("utf-16")  # with a BOM


def test_a_large_flawed_utf16_feed_is_not_mistaken_for_a_truncated_one() -> None:
    body = _utf16_feed(200, flaw=True)
    assert len(body) > 8192  # its end lies beyond the first 4 KB
    parsed = parse_feed(body, content_type=RSS_TYPE)
    assert parsed.warning and len(parsed.entries) == 200


def test_a_truncated_utf16_feed_is_refused() -> None:
    body = _utf16_feed(200, flaw=False)
    with pytest.raises(FeedError, match="truncated"):
        parse_feed(body[: len(body) // 2 * 2 - 400], content_type=RSS_TYPE)


def test_a_comment_holding_a_tag_before_the_root_is_no_root() -> None:
    body = rss({"title": "Xiaomi &undefined; news", "link": "http://example.com/1"}).replace(b"&amp;", b"&")
    body = body.replace(b"<rss", b"<!-- generated by <b>Feedgen</b> --><rss", 1)
    parsed = parse_feed(body, content_type=RSS_TYPE)
    assert parsed.warning and [entry.link for entry in parsed.entries] == ["http://example.com/1"]


# --- encodings -------------------------------------------------------------------------------------


def _cafe(encoding: str, declared: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel><title>Café</title>'
        "<item><title>Un café à Séoul</title><link>http://example.com/cafe</link></item></channel></rss>"
    ).encode(encoding)


def test_windows_1252_bytes_declared_as_utf8_are_read() -> None:
    parsed = parse_feed(_cafe("windows-1252", "utf-8"), content_type="application/rss+xml; charset=utf-8")
    assert [entry.title for entry in parsed.entries] == ["Un café à Séoul"]
    assert parsed.warning and "windows-1252" in parsed.warning.lower()  # flagged: declared one thing, read as another


@pytest.mark.parametrize(
    ("declared", "content_type"),
    [("windows-1252", RSS_TYPE), ("utf-8", "text/xml; charset=iso-8859-1"), ("ascii", "text/xml")],
    ids=["declared-1252", "header-latin-1", "declared-ascii"],
)
def test_utf8_bytes_declared_as_something_else_still_give_entries(declared: str, content_type: str) -> None:
    parsed = parse_feed(_cafe("utf-8", declared), content_type=content_type)
    (entry,) = parsed.entries
    assert entry.title.startswith("Un caf") and "S" in entry.title  # read (perhaps as mojibake), not refused
    assert entry.link == "http://example.com/cafe"


@pytest.mark.parametrize("codec", ["undefined", "punycode", "utf-8\x00"])
def test_a_codec_that_raises_is_a_feed_error(codec: str) -> None:
    body = f'<?xml version="1.0" encoding="{codec}"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(body.encode(), content_type="application/rss+xml")
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(body.encode(), content_type=f"application/rss+xml; charset={codec}")
    # Only the header names it: the document's own declaration (UTF-8 here) reads it.
    parsed = parse_feed(rss({"title": "x", "link": "http://x/"}), content_type=f"application/rss+xml; charset={codec}")
    assert [entry.title for entry in parsed.entries] == ["x"] and parsed.warning


# --- entries ----------------------------------------------------------------------------------------


def test_entries_with_neither_title_nor_link_are_dropped() -> None:
    parsed = parse_feed(
        rss(
            {"title": "Title only"},
            {"link": "http://example.com/link-only"},
            {"description": "Neither title nor link", "author": "someone@example.com"},
            {"title": "", "link": "  ", "description": "Blank ones"},
        ),
        content_type=RSS_TYPE,
    )
    assert [(entry.title, entry.link) for entry in parsed.entries] == [
        ("Title only", None),
        ("", "http://example.com/link-only"),
    ]


def test_a_guid_reused_for_two_stories_keeps_both_apart() -> None:
    parsed = parse_feed(
        rss(
            {"title": "Xiaomi enters Korea", "link": "http://example.com/a", "guid": "story"},
            {"title": "Mi Pay launches", "link": "http://example.com/b", "guid": "story"},
        ),
        content_type=RSS_TYPE,
    )
    assert [entry.title for entry in parsed.entries] == ["Xiaomi enters Korea", "Mi Pay launches"]
    first, second = parsed.entries
    assert first.identity != second.identity and first.guid == second.guid == "story"
    # The same document parsed again gives the same identities: the stored items are recognised.
    again = parse_feed(
        rss(
            {"title": "Xiaomi enters Korea", "link": "http://example.com/a", "guid": "story"},
            {"title": "Mi Pay launches", "link": "http://example.com/b", "guid": "story"},
        ),
        content_type=RSS_TYPE,
    )
    assert [entry.identity for entry in again.entries] == [first.identity, second.identity]


def test_the_same_entry_twice_is_kept_once() -> None:
    item = {"title": "Xiaomi enters Korea", "link": "http://example.com/a", "guid": "story"}
    parsed = parse_feed(rss(item, item, {"title": "Other", "link": "http://example.com/b"}), content_type=RSS_TYPE)
    assert [entry.title for entry in parsed.entries] == ["Xiaomi enters Korea", "Other"]


# --- input that broke feedparser itself ------------------------------------------------------------


def test_character_references_to_no_character_are_repaired() -> None:
    # Not well-formed (a bare "&"), so feedparser's lenient parser reads it: it used to raise on these.
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tom & Jerry</title>'
        b"<item><title>Smile &#55357;&#56832; &#xD83D;&#xDE00; big &#99999999999; lone &#xDC00; ok &#233;</title>"
        b"<link>http://example.com/1</link></item></channel></rss>"
    )
    (entry,) = parse_feed(body, content_type=RSS_TYPE).entries
    assert entry.title == "Smile 😀 😀 big \ufffd lone \ufffd ok é"


def test_a_stray_gml_position_is_a_feed_error_not_a_crash() -> None:
    # Well-formed, yet feedparser raises KeyError('where') on a <gml:pos> outside a <gml:Point>.
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:gml="http://www.opengis.net/gml"><entry><title>x</title>'
        b'<link href="http://example.com/1"/><gml:pos>36.9 31.1</gml:pos></entry></feed>'
    )
    with pytest.raises(FeedError, match=r"the parser failed on it \(KeyError"):
        parse_feed(body, content_type="application/atom+xml")


def test_megabytes_of_blank_lines_before_the_root_are_refused_quickly() -> None:
    # feedparser's DOCTYPE search is quadratic in them: a parser process would spin for hours.
    document = rss({"title": "x", "link": "http://x/"}).split(b"?>", 1)[1]
    body = b'<?xml version="1.0"?>' + b"\n" * 2_000_000 + document
    assert "blank lines before its first element" in str(refused_quickly(body))
    few = b'<?xml version="1.0"?>' + b"\n" * 2_000 + document
    assert len(parse_feed(few, content_type=RSS_TYPE).entries) == 1


@pytest.mark.parametrize("ttl", ["\xb2", "9" * 5000, "-5", "0", "abc"])
def test_a_nonsense_ttl_is_ignored(ttl: str) -> None:
    body = rss({"title": "x", "link": "http://x/"}).replace(b"<language>", f"<ttl>{ttl}</ttl><language>".encode())
    assert parse_feed(body, content_type=RSS_TYPE).ttl_seconds is None


HOSTILE_TOKENS = [
    b"<",
    b"&",
    b"]]>",
    b"<![CDATA[",
    b"<!--",
    b"<?",
    b"\x00",
    b"\xff\xfe",
    b"&#xD800;",
    b"&#99999999999;",
    b"&#0;",
    b'encoding="utf-16"',
    b'encoding="punycode"',
    b"</item>",
    b"<entry>",
    b"<pubDate>Mon, 99 Jan 99999 99:99:99 +9999</pubDate>",
    b"<updated>9999-99-99T99:99:99Z</updated>",
    b"<link>http://[bad</link>",
    b"<georss:point>1</georss:point>",
    b"<gml:pos>x</gml:pos>",
]


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from(HOSTILE_TOKENS), st.integers(0, 3)), min_size=1, max_size=6
    ),
    content_type=st.sampled_from([None, RSS_TYPE, "text/xml", "text/html", "application/xml; charset=utf-16"]),
)
def test_mangled_feeds_raise_nothing_but_feed_error(
    edits: list[tuple[float, bytes, int]], content_type: str | None
) -> None:
    body = bytearray(FULL)
    for where, token, deleted in edits:
        position = int(where * len(body))
        body[position : position + deleted * 7] = token
    try:
        parsed = parse_feed(bytes(body), content_type=content_type, url="http://example.com/feed")
    except FeedError:
        return
    for entry in parsed.entries:
        assert entry.title or entry.link
        assert len(entry.identity) == 64


# --- feeds in legacy encodings that say nothing about it ----------------------------------------------

_LEGACY = [
    ("windows-1251", "Сяоми выходит на рынок Южной Кореи через двух дистрибьюторов", "Korea"),
    ("euc-kr", "샤오미, 두 유통업체 통해 한국 시장 진출 예정", "Korea"),
    ("shift_jis", "シャオミが二つの販売代理店を通じて韓国市場に参入へ", "Xiaomi"),
    ("gb18030", "小米集团将通过两家经销商进入韩国市场", "Korea"),
    ("windows-1252", "Xiaomi entrerà in Corea del Sud: perché è così importante", "Korea"),
]


@pytest.mark.parametrize(("encoding", "title", "entity"), _LEGACY, ids=[case[0] for case in _LEGACY])
@pytest.mark.parametrize("content_type", ["application/rss+xml", "text/xml", None])
def test_an_undeclared_legacy_encoding_is_detected_not_read_as_mojibake(
    encoding: str, title: str, entity: str, content_type: str | None
) -> None:
    # No charset in the header, no encoding in the XML declaration: as many older sites serve them.
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        f"<item><title>{title}</title><link>http://example.com/1</link>"
        f"<description>{title}. {title}.</description></item></channel></rss>"
    ).encode(encoding)
    (entry,) = parse_feed(body, content_type=content_type, url="http://example.com/rss").entries
    assert entry.title == title
    matcher = Matcher.build([EntityConfig.model_validate(e) for e in FOUNDING_ENTITIES])
    assert entity in {hit.entity for hit in matcher.match(entry.fields)}


@pytest.mark.parametrize("charset", ["utf-16", "utf-16le", "utf-16be", "cp500"])
def test_a_utf8_feed_labelled_with_a_charset_it_is_not_in_is_read_by_its_declaration(charset: str) -> None:
    body = rss({"title": "Xiaomi entra in Corea", "link": "http://example.com/1"})
    parsed = parse_feed(body, content_type=f"application/rss+xml; charset={charset}")
    assert [entry.title for entry in parsed.entries] == ["Xiaomi entra in Corea"]
    assert parsed.warning and f"charset={charset}" in parsed.warning


def test_a_mislabelled_charset_does_not_rescue_what_is_no_feed_or_an_entity_attack() -> None:
    with pytest.raises(FeedError, match=r"HTML page|not a feed"):
        parse_feed(b"<html><body><p>Log in</p></body></html>", content_type="text/html; charset=utf-16")
    attack = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">]>'
        b'<rss version="2.0"><channel><title>&a;</title></channel></rss>'
    )
    with pytest.raises(FeedError, match="entities"):
        parse_feed(attack, content_type="application/rss+xml; charset=utf-16")
