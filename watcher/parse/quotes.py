"""Quotes in a text, and the sentences that are only a quote and its attribution: someone's words, not what the outlet
says happened. Pure. The analysis reads a summary without them (watcher/analyze/reporting.py); the digest prefers a
sentence that states the fact as its evidence (watcher/digest/wording.py, best_sentence)."""

from __future__ import annotations

import re
from bisect import bisect_right

# Opening quote mark → the marks that close it: English and Chinese “ ”, German and Czech „ “, Polish and Romanian
# „ ”, French, Russian and Arabic « », Danish » «, Swedish and Finnish ” ”, Dutch ‘ ’, Japanese 「 」 and 『 』, ASCII.
_CLOSING = {
    "“": "”“", "„": "“”", "«": "»", "»": "«", "‹": "›", "›": "‹", "「": "」", "『": "』", "”": "”", "‘": "’",
    '"': '"', "'": "'", "＂": "＂",
}  # fmt: skip
OPENING_MARK = re.compile("[" + re.escape("".join(_CLOSING)) + "]")
_APOSTROPHE = re.compile(r"'(?!\w)")  # a closing ASCII quote; not "L'Oréal"
# A quote is speech, not a name in quotes ("«Эйр Астана»", "“Ozon”", 「トヨタ」): four words or more, or in a script
# written without spaces, eight letters.
_QUOTE_WORDS = 4
_QUOTE_LETTERS = 8
# What a sentence may hold besides a quote to be the quote and its attribution ("said a spokesperson",
# "a déclaré le directeur général de l'entreprise", "と同社の広報担当者は記者団に語った"): at most this many words, or
# letters in a script written without spaces.
_ATTRIBUTION_WORDS = 10
_ATTRIBUTION_LETTERS = 24
# A paragraph's end in a summary that keeps its HTML ("…returns hub.</p> “We expect …”") ends a sentence too.
SENTENCE_END = re.compile(r"[.!?。！？۔।؟։።](?=\s|$|<)|[。！？]|\n|</p>|<br\s*/?>", re.IGNORECASE)
_ENDS = frozenset(".!?。！？۔।؟։።")
# Scripts written without spaces between words: kana, Han, Hangul (spaced, but its phrases long), Thai, Lao, Burmese,
# Khmer.
_NO_SPACES = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff]"
)


def without_quotes(text: str) -> str:
    """The text without its sentences that are a quote and its attribution: “…,” said a spokesperson. / Ein Sprecher
    sagte: „…“ / 「…」と社長は語った。 A quote inside a sentence that reports ("Tesla said it would “double output”")
    stays: the outlet tells it in its own words around it."""
    ends = [found.end() for found in SENTENCE_END.finditer(text)]
    spans = []
    start = 0
    while start < len(text):
        quote = _quote_at(text, start)
        if quote is None:
            break
        opening, closing = quote
        before = bisect_right(ends, opening) - 1
        begin = ends[before] if before >= 0 else 0
        # „…diesen Schritt.“: a quote ending its sentence ends the sentence that holds it
        end = closing + 1 if text[closing - 1 : closing] in _ENDS else sentence_end(text, closing)
        if _is_speech(text[opening + 1 : closing]) and _short(text[begin:opening] + " " + text[closing + 1 : end]):
            spans.append((begin, end))
        start = closing + 1
    if not spans:
        return text
    kept, last = [], 0
    for begin, end in spans:
        kept.append(text[last:begin])
        last = max(last, end)
    kept.append(text[last:])
    return " ".join(" ".join(kept).split())


def _quote_at(text: str, start: int) -> tuple[int, int] | None:
    """The next quoted span from `start`: its opening mark's index and its closing one's."""
    for found in OPENING_MARK.finditer(text, start):
        index = found.start()
        if text[index] == "'" and index and text[index - 1].isalnum():
            continue  # "Domino's"
        close = _closing_at(text, index + 1, _CLOSING[text[index]])
        if close is not None:
            return index, close
    return None


def _closing_at(text: str, start: int, closings: str) -> int | None:
    if closings == "'":
        found = _APOSTROPHE.search(text, start)
        return found.start() if found else None
    ends = [index for index in (text.find(mark, start) for mark in closings) if index >= 0]
    return min(ends) if ends else None


def _is_speech(quoted: str) -> bool:
    if _NO_SPACES.search(quoted):
        return sum(char.isalpha() for char in quoted) >= _QUOTE_LETTERS
    return len(quoted.split()) >= _QUOTE_WORDS


def _short(rest: str) -> bool:
    """Whether what a sentence holds besides its quote is no more than an attribution."""
    if _NO_SPACES.search(rest):
        return sum(char.isalpha() for char in rest) <= _ATTRIBUTION_LETTERS
    return len(rest.split()) <= _ATTRIBUTION_WORDS


def sentence_end(text: str, index: int) -> int:
    found = SENTENCE_END.search(text, index + 1)
    return found.end() if found else len(text)
