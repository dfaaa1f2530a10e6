"""The article's own prose in a page's full text as an extractor gives it (watcher/coverage/fulltext.py): the
paragraphs that tell the news, without the page's furniture around them.

A fetched page keeps what a reader skips: the consent banner above the article, the byline, a photo's caption with
its credit, "Related" and "Most read" lists of other headlines (naming other tracked companies and their older
events), the author's one-line bio. Read as the article's lead, the banner and the byline were its first sentences
and the lists its names. What they share, in every language, is that they are not sentences: a byline, a credit, a
list's heading and its headlines end without a full stop. The consent banner is sentences, but it is about cookies.
"""

from __future__ import annotations

import re

# A line ends as a sentence does: a full stop, question or exclamation mark (Latin, CJK, Devanagari, Arabic,
# Ethiopic, Armenian, Urdu), an ellipsis, maybe closed by a quote or a bracket ('... he said."', '（〜した。）').
_SENTENCE_ENDING = re.compile(r"[.!?…。！？।॥؟۔።։][\"'”’»」』）)\]]*\s*$")
# A line carried on the next one (text wrapped at a width): the next one opens in lower case, a sentence's middle.
_CONTINUED = re.compile(r"^[^\W\d_A-Z]", re.UNICODE)
# A site's consent banner names its cookies: in Latin script nearly every language says "cookie(s)"; the words of
# the languages that translate it (Turkish çerez, Japanese クッキー, Korean 쿠키, Arabic "files of identifying the
# link", Hindi कुकी, Swahili vidakuzi, Polish ciasteczka).
_COOKIES = re.compile(r"cookie|çerez|クッキー|쿠키|تعريف الارتباط|कुकी|vidakuzi|ciasteczk", re.IGNORECASE)
# Paragraphs of a text longer than this many characters are read as a page's: a summary is kept as it is.
PAGE_CHARS = 400


def article_prose(text: str) -> str:
    """The paragraphs and lines of a fetched page's text that read as the article's sentences, one paragraph a line;
    the text as it was where it is a summary's length or where nothing would be left (a page of headlines only)."""
    if len(text) < PAGE_CHARS or "\n" not in text:
        return text
    kept: list[str] = []
    paragraphs = re.split(r"\n\s*\n", text)
    for index, paragraph in enumerate(paragraphs):
        lines = _joined_lines(paragraph)
        prose = [line for line in lines if _SENTENCE_ENDING.search(line)]
        if not prose:
            continue
        joined = " ".join(prose)
        # A banner opens the page or closes it: past a byline a cookie is the article's (a biscuit maker's news).
        if index in (0, len(paragraphs) - 1) and _COOKIES.search(joined):
            continue
        kept.append(joined)
    return "\n".join(kept) if kept else text


def _joined_lines(paragraph: str) -> list[str]:
    """The paragraph's lines, a line wrapped onto the next one joined with it."""
    lines: list[str] = []
    for raw in paragraph.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if lines and not _SENTENCE_ENDING.search(lines[-1]) and _CONTINUED.match(line):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines
