"""The reporting text of a summary: what the outlet itself says happened. Pure.

Real summaries often open with what is not the outlet's account: a wire dateline ("PARIS (Reuters) - ", "(서울=연합뉴스)
"), a spokesperson's quote ("“We are very pleased with this step,” said a spokesperson."), or the headline again (Google
News: the headline and the outlet's name, nothing else). Read as the lead, they pushed its sentences past the ones read
for events, and lent it the quote's names, figures and places: every report with the same kind of quote read alike,
and two reports of one event apart (our own sets with a quote before each lead, bench/perturb-leads: story F1 on dev
1.000 -> 0.934; a dateline before it: 0.913). The analysis reads the summary without them (docs/benchmarks.md, "leads
as feeds write them"). Which sentences are a quote and its attribution, watcher/parse/quotes.py says (the digest reads
it too).
"""

from __future__ import annotations

import re

from watcher.match.fold import fold
from watcher.parse.quotes import OPENING_MARK, SENTENCE_END, sentence_end, without_quotes

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
    if not OPENING_MARK.search(text, 0, READ_CHARS):
        return text  # most summaries: no quote mark at all
    cut = sentence_end(text, READ_CHARS) if len(text) > READ_CHARS else len(text)
    kept = without_quotes(text[:cut])
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
    if not rest or fold(rest) == fold(feed) or (len(rest.split()) <= 4 and not SENTENCE_END.search(rest)):
        return ""
    return rest


def _bare(word: str) -> str:
    return fold(word).strip(".,:;!?-—–|")
