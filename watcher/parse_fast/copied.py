"""What watcher's reading of a feed uses of feedparser's rules and tables, copied so that a plain document is read
without importing feedparser's package: any of its modules runs feedparser/__init__.py, which imports the whole
reader (sgmllib, the sanitizer, urllib.request, xml.sax: ~0.04-0.06 CPU-s of a `poll --once` that parses a few
changed feeds). feedparser stays the reference and the fallback: what is not read here (a BOM, another encoding, a
rarer date) is handed to it, imported then; tests/test_parse_fast_copied.py holds every table and function here
equal to feedparser's, so that a feedparser upgrade that changes one fails there.

Copied from feedparser 6.0.14 (mixin.py, api.py, sanitizer.py, urls.py, encodings.py): Copyright 2010-2023 Kurt
McKee, 2002-2008 Mark Pilgrim; BSD 2-clause licence (feedparser's LICENSE), whose notice this comment carries.
"""

from __future__ import annotations

import codecs
import html.entities
import re
import urllib.parse

# fmt: off
# The element names feedparser"s parser has a _start_ or _end_ handler for (api.StrictFeedParser).
HANDLED = frozenset({
    "abstract", "author", "body", "category", "cc_license", "channel", "cloud", "content", "content_encoded",
    "contributor", "copyright", "created", "creativeCommons_license", "creativecommons_license", "dc_author",
    "dc_contributor", "dc_creator", "dc_date", "dc_description", "dc_language", "dc_publisher", "dc_rights",
    "dc_subject", "dc_title", "dcterms_created", "dcterms_issued", "dcterms_modified", "dcterms_valid",
    "description", "email", "enclosure", "entry", "expirationdate", "feed", "feedburner_browserfriendly",
    "fullitem", "generator", "geom", "georss_box", "georss_line", "georss_point", "georss_polygon", "georss_where",
    "georssgeom", "gml_exterior", "gml_linearring", "gml_linestring", "gml_point", "gml_polygon", "gml_pos",
    "gml_poslist", "guid", "height", "homepage", "id", "image", "info", "issued", "item", "itunes_author",
    "itunes_block", "itunes_category", "itunes_email", "itunes_explicit", "itunes_image", "itunes_keywords",
    "itunes_link", "itunes_name", "itunes_owner", "itunes_subtitle", "itunes_summary", "keywords", "language",
    "lastbuilddate", "link", "managingeditor", "media_category", "media_content", "media_credit",
    "media_description", "media_group", "media_keywords", "media_license", "media_player", "media_rating",
    "media_restriction", "media_thumbnail", "media_title", "modified", "name", "newlocation", "psc_chapter",
    "psc_chapters", "pubdate", "published", "rights", "rss", "source", "subtitle", "summary", "tagline", "tags",
    "textInput", "textinput", "title", "updated", "uri", "url", "webmaster", "where", "width", "xhtml_body"
})
NAMESPACES = {
    "": "",
    "http://backend.userland.com/rss": "",
    "http://blogs.law.harvard.edu/tech/rss": "",
    "http://purl.org/rss/1.0/": "",
    "http://my.netscape.com/rdf/simple/0.9/": "",
    "http://example.com/newformat#": "",
    "http://example.com/necho": "",
    "http://purl.org/echo/": "",
    "uri/of/echo/namespace#": "",
    "http://purl.org/pie/": "",
    "http://purl.org/atom/ns#": "",
    "http://www.w3.org/2005/Atom": "",
    "http://purl.org/rss/1.0/modules/rss091#": "",
    "http://webns.net/mvcb/": "admin",
    "http://purl.org/rss/1.0/modules/aggregation/": "ag",
    "http://purl.org/rss/1.0/modules/annotate/": "annotate",
    "http://media.tangent.org/rss/1.0/": "audio",
    "http://backend.userland.com/blogChannelModule": "blogChannel",
    "http://creativecommons.org/ns#license": "cc",
    "http://web.resource.org/cc/": "cc",
    "http://cyber.law.harvard.edu/rss/creativeCommonsRssModule.html": "creativeCommons",
    "http://backend.userland.com/creativeCommonsRssModule": "creativeCommons",
    "http://purl.org/rss/1.0/modules/company": "co",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://my.theinfo.org/changed/1.0/rss/": "cp",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/rss/1.0/modules/email/": "email",
    "http://purl.org/rss/1.0/modules/event/": "ev",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    "http://freshmeat.net/rss/fm/": "fm",
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo",
    "http://www.georss.org/georss": "georss",
    "http://www.opengis.net/gml": "gml",
    "http://postneo.com/icbm/": "icbm",
    "http://purl.org/rss/1.0/modules/image/": "image",
    "http://www.itunes.com/DTDs/PodCast-1.0.dtd": "itunes",
    "http://example.com/DTDs/PodCast-1.0.dtd": "itunes",
    "http://purl.org/rss/1.0/modules/link/": "l",
    "http://search.yahoo.com/mrss": "media",
    "http://search.yahoo.com/mrss/": "media",
    "http://madskills.com/public/xml/rss/module/pingback/": "pingback",
    "http://prismstandard.org/namespaces/1.2/basic/": "prism",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://purl.org/rss/1.0/modules/reference/": "ref",
    "http://purl.org/rss/1.0/modules/richequiv/": "reqv",
    "http://purl.org/rss/1.0/modules/search/": "search",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://schemas.xmlsoap.org/soap/envelope/": "soap",
    "http://purl.org/rss/1.0/modules/servicestatus/": "ss",
    "http://hacks.benhammersley.com/rss/streaming/": "str",
    "http://purl.org/rss/1.0/modules/subscription/": "sub",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://schemas.pocketsoap.com/rss/myDescModule/": "szf",
    "http://purl.org/rss/1.0/modules/taxonomy/": "taxo",
    "http://purl.org/rss/1.0/modules/threading/": "thr",
    "http://purl.org/rss/1.0/modules/textinput/": "ti",
    "http://madskills.com/public/xml/rss/module/trackback/": "trackback",
    "http://wellformedweb.org/commentAPI/": "wfw",
    "http://purl.org/rss/1.0/modules/wiki/": "wiki",
    "http://www.w3.org/1999/xhtml": "xhtml",
    "http://www.w3.org/1999/xlink": "xlink",
    "http://www.w3.org/XML/1998/namespace": "xml",
    "http://podlove.org/simple-chapters": "psc",
}
HTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})
ACCEPTABLE_ELEMENTS = frozenset({
    "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "big", "blockquote", "br",
    "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup", "command", "datagrid", "datalist",
    "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em", "event-source", "fieldset",
    "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
    "img", "input", "ins", "kbd", "keygen", "label", "legend", "li", "m", "map", "menu", "meter", "multicol", "nav",
    "nextid", "noscript", "ol", "optgroup", "option", "output", "p", "pre", "progress", "q", "s", "samp", "section",
    "select", "small", "sound", "source", "spacer", "span", "strike", "strong", "sub", "sup", "table", "tbody",
    "td", "textarea", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "video"
})
ACCEPTABLE_URI_SCHEMES = (
    "file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet", "mailto", "mms", "news", "nntp",
    "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips", "snews", "svn", "svn+ssh", "telnet",
    "wais", "aim", "callto", "cvs", "facetime", "feed", "git", "gtalk", "irc", "ircs", "irc6", "itms", "mms",
    "msnim", "skype", "ssh", "smb", "svn", "ymsg"
)
# C1 controls read as the cp1252 characters (html.py's _cp1252).
CP1252 = {
    128: "\u20ac", 130: "\u201a", 131: "\u0192", 132: "\u201e", 133: "\u2026", 134: "\u2020", 135: "\u2021", 136:
    "\u02c6", 137: "\u2030", 138: "\u0160", 139: "\u2039", 140: "\u0152", 142: "\u017d", 145: "\u2018", 146:
    "\u2019", 147: "\u201c", 148: "\u201d", 149: "\u2022", 150: "\u2013", 151: "\u2014", 152: "\u02dc", 153:
    "\u2122", 154: "\u0161", 155: "\u203a", 156: "\u0153", 158: "\u017e", 159: "\u0178"
}
# fmt: on

# -- URLs (urls.py) ---------------------------------------------------------------------------------------------

_URI_FIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")


def urljoin(base: str, uri: str) -> str:
    """feedparser's _urljoin: '' for a link urllib refuses."""
    uri = _URI_FIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


def make_safe_absolute_uri(base: str, rel: str | None = None) -> str:
    """feedparser's make_safe_absolute_uri: `rel` resolved against `base`, '' unless its scheme is acceptable."""
    if not base:
        return rel or ""
    if not rel:
        try:
            scheme = urllib.parse.urlparse(base)[0]
        except ValueError:
            return ""
        return base if not scheme or scheme in ACCEPTABLE_URI_SCHEMES else ""
    uri = urljoin(base, rel)
    return uri if uri.strip().split(":", 1)[0] in ACCEPTABLE_URI_SCHEMES else ""


# -- text (mixin.py) -------------------------------------------------------------------------------------------


def map_content_type(content_type: str) -> str:
    """feedparser's _FeedParserMixin.map_content_type: Atom's short names made media types."""
    content_type = content_type.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html", "xhtml": "application/xhtml+xml"}.get(
        content_type, content_type
    )


def looks_like_html(text: str) -> bool:
    """feedparser's _FeedParserMixin.looks_like_html: a close tag or an entity, and only harmless tags and entities."""
    if not (re.search(r"</(\w+)>", text) or re.search(r"&#?\w+;", text)):
        return False
    if any(tag.lower() not in ACCEPTABLE_ELEMENTS for tag in re.findall(r"</?(\w+)", text)):
        return False
    return all(name in html.entities.entitydefs for name in re.findall(r"&(\w+);", text))


# -- encodings (encodings.py) ----------------------------------------------------------------------------------

# Byte order marks and the first bytes of "<?xm" in the encodings feedparser sniffs: a document starting so is
# feedparser's to decode.
_SNIFFED = (
    *(codecs.BOM_UTF32_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF8),
    *(b"\x4c\x6f\xa7\x94", b"\x00\x3c\x00\x3f", b"\x3c\x00\x3f\x00", b"\x00\x00\x00\x3c", b"\x3c\x00\x00\x00"),
)
_XML_PI_ENCODING = re.compile(rb"^<\?.*encoding=['\"](.*?)['\"].*\?>")
_XML_DECLARATION = re.compile(r"^<\?xml[^>]*?>")
_UTF8_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"
_APPLICATION_XML = ("application/xml", "application/xml-dtd", "application/xml-external-parsed-entity")
_TEXT_XML = ("text/xml", "text/xml-external-parsed-entity")


def parse_content_type(line: str) -> tuple[str, str]:
    """feedparser's parse_content_type: (the media type, its charset or '')."""
    chunks = line.split(";")
    charset = ""
    for chunk in chunks[1:]:
        key, _, value = chunk.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    return chunks[0].strip(), charset


def utf8_as_declared(headers: dict[str, str], data: bytes) -> bytes | None:
    """feedparser's convert_to_utf8(headers, data, notes) where it leaves no note: the document is the UTF-8 that
    RFC 3023's rules (the Content-Type, else the XML declaration, else UTF-8) name, under an XML media type, with
    no byte order mark; its XML declaration then says utf-8. None for anything else (another encoding, bytes that
    are not UTF-8, a BOM, a media type that is not XML's): feedparser decides those, and its notes."""
    if data.startswith(_SNIFFED):
        return None
    declared = _XML_PI_ENCODING.match(data)
    xml_encoding = declared.group(1) if declared else b""
    if not xml_encoding.isascii():
        return None
    encoding = xml_encoding.decode("ascii").lower() or "utf-8"
    if headers:
        media_type, charset = parse_content_type(headers.get("content-type") or "")
        if media_type in _APPLICATION_XML or (media_type.startswith("application/") and media_type.endswith("+xml")):
            encoding = charset or encoding
        elif media_type in _TEXT_XML or (media_type.startswith("text/") and media_type.endswith("+xml")):
            encoding = charset or "us-ascii"
        else:
            return None  # feedparser notes that it is no XML media type
    try:
        if codecs.lookup(encoding).name != "utf-8":
            return None
        text = data.decode(encoding)
    except (LookupError, ValueError):  # an unknown codec, a NUL in its name, bytes that are not UTF-8
        return None
    if _XML_DECLARATION.search(text):
        return _XML_DECLARATION.sub(_UTF8_DECLARATION, text).encode("utf-8")
    return f"{_UTF8_DECLARATION}\n{text}".encode()
