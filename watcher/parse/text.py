"""What a reader sees of an HTML fragment: visible text, whitespace collapsed."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

# Elements whose content a reader never sees.
_INVISIBLE = frozenset({"script", "style", "template", "noscript", "head", "title", "iframe", "object"})
# Elements that break a line: their edges separate words even when the source has no space.
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)


class _VisibleText(HTMLParser):
    """Collects the text a browser shows. Fed a whole fragment at once (visible_text), then closed.

    Where Python's HTMLParser and a browser disagree, the browser wins: an unterminated comment, "<?",
    "<![CDATA[" or "<!..." construct, start tag or end tag is handed back as text by HTMLParser when the
    input ends ("safe<!--", "<![CDATA[<script>", a summary cut inside '<a href="...'), while a browser
    reads it as markup running to the end of the input and shows none of it. "<![CDATA[" and other "<!"
    constructs are, in HTML, bogus comments that end at the next ">". As the whole fragment is fed at
    once, "incomplete" here always means "unterminated at the end of the input".
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def _to_end_if_unterminated(self, end: int) -> int:
        return len(self.rawdata) if end < 0 else end

    def parse_comment(self, i: int, report: bool = True) -> int:
        return self._to_end_if_unterminated(super().parse_comment(i, report))

    def parse_html_declaration(self, i: int) -> int:
        if self.rawdata.startswith("<!--", i):
            return self.parse_comment(i)
        close = self.rawdata.find(">", i + 2)
        return self._to_end_if_unterminated(close + 1 if close >= 0 else -1)

    def parse_pi(self, i: int) -> int:
        return self._to_end_if_unterminated(super().parse_pi(i))

    def parse_starttag(self, i: int) -> int:
        return self._to_end_if_unterminated(super().parse_starttag(i))

    def parse_endtag(self, i: int) -> int:
        return self._to_end_if_unterminated(super().parse_endtag(i))

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _INVISIBLE:
            self.hidden_depth += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self.hidden_depth:
                self.parts.append(f" {alt} ")

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "img":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, entities decoded, whitespace collapsed.

    Blocks become single newlines; attributes (href, src) never reach the text.
    """
    if "<" not in html and "&" not in html:
        return collapse_whitespace(html)
    simple = _simple_visible_text(html)
    return simple if simple is not None else _parsed_visible_text(html)


def _parsed_visible_text(html: str) -> str:
    parser = _VisibleText()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # pathological markup; keep what was read
        pass
    return collapse_whitespace("".join(parser.parts))


# A start or end tag as most feed HTML writes them: a plain name, attributes without "<" or ">" in them.
_SIMPLE_TAG = re.compile(
    r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*"""
    r"""(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'=<>`]+))?)*)\s*/?>"""
)


def _simple_visible_text(html: str) -> str | None:
    """visible_text without HTMLParser for markup of plain tags only (4× faster); None for anything else.

    Gives what _VisibleText gives on such input (tests/test_parse_fast.py holds the two equal): text
    between tags entity-decoded as HTMLParser decodes it, a newline for each block tag. Markup that
    needs a real parser (a stray "<", comments, script/style and other hidden elements, img alt text,
    end tags with attributes) returns None.
    """
    pieces: list[str] = []
    position = 0
    for tag in _SIMPLE_TAG.finditer(html):
        text = html[position : tag.start()]
        if "<" in text:
            return None
        name = tag[2].lower()
        if name in _INVISIBLE or name == "img" or (tag[1] and tag[3]):
            return None
        pieces.append(unescape(text) if "&" in text else text)
        if name in _BLOCKS:
            pieces.append("\n")
        position = tag.end()
    tail = html[position:]
    if "<" in tail:
        return None
    pieces.append(unescape(tail) if "&" in tail else tail)
    return collapse_whitespace("".join(pieces))


def collapse_whitespace(text: str) -> str:
    """Runs of whitespace made one space, lines kept apart by one newline (blank ones dropped), ends trimmed.

    str.split() splits on exactly the characters a regular expression's \\s matches: the same result as the two
    substitutions used before (tests/test_parse_fast.py holds them equal), at a sixth of the CPU; it runs on every
    text field of every entry.
    """
    if "\n" not in text and "\r" not in text:
        return " ".join(text.split())
    return "\n".join(filter(None, [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]))
