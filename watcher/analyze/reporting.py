"""The reporting text of a summary: what the outlet itself says happened. Pure.

Real summaries often open with what is not the outlet's account: a wire dateline ("PARIS (Reuters) - ", "(서울=연합뉴스)
"), a spokesperson's quote ("“We are very pleased with this step,” said a spokesperson."), or the headline again (Google
News: the headline and the outlet's name, nothing else). Read as the lead, they pushed its sentences past the ones read
for events, and lent it the quote's names, figures and places: every report with the same kind of quote read alike,
and two reports of one event apart (our own sets with a quote before each lead, bench/perturb-leads: story F1 on dev
1.000 -> 0.934; a dateline before it: 0.913). The analysis reads the summary without them (docs/benchmarks.md, "leads
as feeds write them").
"""

from __future__ import annotations

import re
from bisect import bisect_right

from watcher.match.fold import fold

# Opening quote mark → the marks that close it: English and Chinese “ ”, German and Czech „ “, Polish and Romanian
# „ ”, French, Russian and Arabic « », Danish » «, Swedish and Finnish ” ”, Dutch ‘ ’, Japanese 「 」 and 『 』, ASCII.
_CLOSING = {
    "“": "”“", "„": "“”", "«": "»", "»": "«", "‹": "›", "›": "‹", "「": "」", "『": "』", "”": "”", "‘": "’",
    '"': '"', "'": "'", "＂": "＂",
}  # fmt: skip
_OPENING = re.compile("[" + re.escape("".join(_CLOSING)) + "]")
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
_SENTENCE_END = re.compile(r"[.!?。！？۔।؟։።](?=\s|$|<)|[。！？]|\n|</p>|<br\s*/?>", re.IGNORECASE)
_ENDS = frozenset(".!?。！？۔।؟։።")
# Scripts written without spaces between words: kana, Han, Hangul (spaced, but its phrases long), Thai, Lao, Burmese,
# Khmer.
_NO_SPACES = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff]"
)

# Wire datelines before a lead: "PARIS (Reuters) - ", "FRANKFURT, March 3 (Reuters) - ", "Dubai (رويترز) - ",
# "МОСКВА, 3 марта. /ТАСС/. ", "(서울=연합뉴스) ", "【東京＝共同】", "新华社北京3月3日电 ", "PARIS — ".
_CAPITALS = "A-ZÀ-ÖØ-ÞА-ЯЁΑ-Ω"  # a city in capitals, as wires write it, in Latin, Cyrillic or Greek letters
_CAPITAL = f"[{_CAPITALS}]"
_DATELINE = re.compile(
    r"^(?:"
    r"[^\s()（）,.]+(?:[ -][^\s()（）,.]+){0,2}(?:,\s*[^()（）\n,.]{1,24})?\s*[(（][^()（）\n]{1,30}[)）]\s*[-—–:]+\s+"
    rf"|{_CAPITAL}[{_CAPITALS} '-]{{2,24}}(?:,\s*[^\n—–.]{{1,24}})?\s+[—–-]+\s+"
    rf"|{_CAPITAL}[{_CAPITALS} -]{{2,24}},\s*\d{{1,2}}\s+\w+\.?\s*/[^/\n]{{1,12}}/\.?\s+"
    r"|[(（][^()（）\n=＝]{1,12}[=＝][^()（）\n]{1,16}[)）]\s*"
    r"|【[^】\n]{1,20}】\s*"
    r"|新华社[^\s，。]{1,16}电\s*"
    r")"
)


# The analysis reads a summary's first sentences: quotes are looked for in its first this many characters (an
# article's full text runs to thousands, with a quote in every paragraph), the rest is kept as it is.
READ_CHARS = 1500


def reporting_text(summary: str, title: str = "", feed: str = "") -> str:
    """The summary without a dateline opening it, the sentences that are a quote and its attribution, and the headline
    repeated; empty where it only repeats the headline (with the outlet's name). Where nothing else is left, the
    summary as it was: the quote is then all the outlet says."""
    text = _without_headline(summary, title, feed)
    if not text:
        return ""
    text = text[dateline_length(text) :]
    if not _OPENING.search(text, 0, READ_CHARS):
        return text  # most summaries: no quote mark at all
    cut = _sentence_end(text, READ_CHARS) if len(text) > READ_CHARS else len(text)
    kept = _without_quotes(text[:cut])
    return f"{kept} {text[cut:]}".strip() if kept.strip() else text


def dateline_length(text: str) -> int:
    """The length of a wire dateline opening the text, 0 where there is none."""
    found = _DATELINE.match(text)
    return found.end() if found else 0


def _without_headline(summary: str, title: str, feed: str) -> str:
    """The summary after the headline it repeats; empty where what follows it is no more than the outlet's name."""
    headline = title.split()
    first = headline[0] if headline else ""
    if not first or summary.lstrip()[: len(first)].casefold() != first.casefold():
        return summary  # most summaries: another first word (fold() costs ~6 µs a word)
    words = summary[: 2 * len(title) + 64].split()
    if [_bare(word) for word in words[: len(headline)]] != [_bare(word) for word in headline]:
        return summary
    rest = summary.split(None, len(headline))[-1] if len(words) > len(headline) else ""
    rest = rest.lstrip(" .:-—–|")
    if not rest or fold(rest) == fold(feed) or (len(rest.split()) <= 4 and not _SENTENCE_END.search(rest)):
        return ""
    return rest


def _bare(word: str) -> str:
    return fold(word).strip(".,:;!?-—–|")


def _without_quotes(text: str) -> str:
    """The text without its sentences that are a quote and its attribution: “…,” said a spokesperson. / Ein Sprecher
    sagte: „…“ / 「…」と社長は語った。 A quote inside a sentence that reports ("Tesla said it would “double output”")
    stays: the outlet tells it in its own words around it."""
    ends = [found.end() for found in _SENTENCE_END.finditer(text)]
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
        end = closing + 1 if text[closing - 1 : closing] in _ENDS else _sentence_end(text, closing)
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
    for found in _OPENING.finditer(text, start):
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


def _sentence_end(text: str, index: int) -> int:
    found = _SENTENCE_END.search(text, index + 1)
    return found.end() if found else len(text)
