"""The article's own prose in a page's full text as an extractor gives it (watcher/coverage/fulltext.py): the
paragraphs that tell the news, without the page's furniture around them.

A fetched page keeps what a reader skips: the consent banner above the article, the byline, a photo's caption with
its credit, "Related" and "Most read" lists of other headlines (naming other tracked companies and their older
events), the author's one-line bio. Read as the article's lead, the banner and the byline were its first sentences
and the lists its names. What they share, in every language, is that they are not sentences: a byline, a credit, a
list's heading and its headlines end without a full stop. The consent banner is sentences, but it is about cookies;
the footer (newsletter and app offers, the author's bio, sharing buttons) ends on the page's copyright notice.
The feed parser and the extractor give a block a line (watcher.parse.text.visible_text): blocks are lines here.
"""

from __future__ import annotations

import re

# A line ends as a sentence does: a full stop, question or exclamation mark (Latin, CJK, Devanagari, Arabic,
# Ethiopic, Armenian, Urdu), an ellipsis, maybe closed by a quote or a bracket ('... he said."', '（〜した。）').
_SENTENCE_ENDING = re.compile(r"[.!?…。！？।॥؟۔።։][\"'”’»」』）)\]]*\s*$")
# A site's consent banner names its cookies: in Latin script nearly every language says "cookie(s)"; the words of
# the languages that translate it (Turkish çerez, Japanese クッキー, Korean 쿠키, Arabic "files of identifying the
# link", Hindi कुकी, Swahili vidakuzi, Polish ciasteczka).
_COOKIES = re.compile(r"cookie|çerez|クッキー|쿠키|تعريف الارتباط|कुकी|vidakuzi|ciasteczk", re.IGNORECASE)
# Where a sentence ends, roughly (the analyser's splitter knows abbreviations): to count the sentences of a scene.
_SENTENCE_BREAK = re.compile(r"[.!?…。！？।॥؟۔።։](?:\s|$)|[。！？]|\n")
# A page's footer: its copyright notice, with the newsletter, app and sharing offers and the author's bio around it.
_COPYRIGHT = re.compile(r"[©ⓒ]|\(c\) ?(?:19|20)\d\d")
# A text longer than this many characters is read as a page's: a summary is kept as it is.
PAGE_CHARS = 400


def article_prose(text: str) -> str:
    """The blocks (paragraphs, one a line as the feed parser and the extractor give them) of a fetched page's text
    that read as the article's sentences, one a line; the text as it was where it is a summary's length or where
    nothing would be left (a page of headlines only)."""
    if len(text) < PAGE_CHARS or "\n" not in text:
        return text
    blocks = _blocks(text)
    last = len(blocks) - 1
    kept = [
        block
        for index, block in enumerate(blocks)
        if _SENTENCE_ENDING.search(block)
        # A banner opens the page or closes it: past a byline a cookie is the article's (a biscuit maker's news).
        and not (index in (0, last) and _COOKIES.search(block))
        and not (index == last and _COPYRIGHT.search(block))
    ]
    return "\n".join(kept) if kept else text


def _blocks(text: str) -> list[str]:
    """The text's non-empty lines, a line wrapped onto the next one (a plain-text page's width) joined with it."""
    blocks: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        # Carried on: the next line opens in lower case, a sentence's middle (not a script without case: "（鈴木大輔）"
        # then "ローソンは11日…" are a byline and the lead).
        if blocks and not _SENTENCE_ENDING.search(blocks[-1]) and line[:1].islower():
            blocks[-1] = f"{blocks[-1]} {line}"
        else:
            blocks.append(line)
    return blocks


def from_the_news(prose: str, named_at: list[int], read: int = 1) -> str:
    """An article's prose from the block that first names one of its companies (`named_at`: where they are named in
    it), where its first `read` sentences name none: the scene a feature opens on left out. The prose itself where
    it names none, or early enough."""
    if not named_at:
        return prose
    start = prose.rfind("\n", 0, min(named_at)) + 1
    if not start or len(_SENTENCE_BREAK.findall(prose, 0, start)) < read:
        return prose
    return prose[start:]
