"""The names a headline and its lead give things, in Latin script, for signals.py: tokens with digits and letters
("SU7", "A350"), capitalised inside a sentence, or listed first with a tracked company ("Afreximbank na Ecobank").
Pure."""

from __future__ import annotations

import re

from watcher.match.fold import fold

_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_HAS_DIGIT_AND_LETTER = re.compile(r"(?=.*\d)(?=.*[^\W\d_])")
# Han, kana and Hangul letters: Chinese and Japanese write no space between words, nor between a word and a Latin name
# or a number ("发布Mate 90系列", "昇腾960", "起售价5999元"), and Korean glues its particles on ("960을"). Blanked out
# (one space each: offsets stay valid) before names and figures are read, a name or number next to them is a word.
CJK_LETTER = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# A company listed after a word: a comma or "and" in the languages of the news, then the company's name.
_LISTED_WITH = re.compile(r"\s*(?:,|&|\s(?:and|und|et|y|ve|dan|và|и|og|och|na|da))\s+([^\W_]+)")
# A number with its scale glued on ("10bn", "1.4bn", "3.5mn", "1,2mld"), and the tail of one after its decimal mark.
_PREFIX = re.compile(r"[a-z]{1,4}|[A-Z]")  # before a dash: "nge", "ku", "al", "I", "E"
_SCALED = re.compile(r"\d+(?:bn|b|mn|m|mln|mld|mlrd|mrd|bln|mio|tn|cr)", re.IGNORECASE)
_NUMBER_TAIL = re.compile(r"\d[.,]")


def names(text: str, skip: frozenset[str] = frozenset(), *, capitals: bool = True) -> frozenset[str]:
    """Tokens that look like names of things: with digits and letters (SU7, A350), or capitalised inside
    a sentence (not with `capitals` off: German capitalises every noun), in Latin script; `skip` holds
    folded words never to count (the entities' own aliases)."""
    found = set()
    for match in _TOKEN.finditer(CJK_LETTER.sub(" ", text)):
        token = match.group()
        if not token.isascii() or len(token) < 2 or (token.islower() and token.isalpha()):
            continue  # a word in lower case (most): no digit, no capital
        if _SCALED.fullmatch(token) or _NUMBER_TAIL.match(text, max(0, match.start() - 2), match.start()):
            continue  # a sum ("$10bn", "€1.4bn": amounts reads it), not a product's name
        digit_and_letter = bool(_HAS_DIGIT_AND_LETTER.match(token))
        # "Investors sold ...": capitalised as any first word
        capitalised = capitals and token[0].isupper() and len(token) >= 4 and not _opens_sentence(text, match.start())
        # ... unless a tracked company is listed right after it: "Afreximbank na Ecobank zasaini", "Mastercard,
        # Ecobank sign": the counterpart of a deal, the first word as any of its headlines write it.
        listed = _LISTED_WITH.match(text, match.end())
        capitalised = capitalised or (
            capitals and token[0].isupper() and len(token) >= 4 and listed is not None and fold(listed.group(1)) in skip
        )
        inner_capital = any(ch.isupper() for ch in token[1:]) and not token.isupper()
        if digit_and_letter or inner_capital or (capitalised and not token.isupper()):
            folded = fold(token)
            if folded.endswith("'s"):
                folded = folded[:-2]  # "Saab's" is Saab
            if folded not in skip:
                found.add(folded)
            # "Berlin-based", "Premium-kunder": the capitalised head of a compound names what the other
            # languages name alone ("Berlin", "Premium").
            head, tail = token.split("-")[0], token.rsplit("-", 1)[-1]
            if "-" in token and len(head) >= 4 and head[0].isupper() and fold(head) not in skip:
                found.add(fold(head))
            # "nge-WhatsApp", "I-Samsung", "al-Futtaim": a name behind a prefix (Zulu's and Xhosa's noun classes, an
            # article) is the name the other languages write alone.
            prefixed = "-" in token and len(tail) >= 4 and tail[0].isupper()
            if prefixed and _PREFIX.fullmatch(token[: -len(tail) - 1]) and fold(tail) not in skip:
                found.add(fold(tail))
    return frozenset(found)


def _opens_sentence(text: str, start: int) -> bool:
    for position in range(start - 1, -1, -1):
        if text[position] in ".!?:;":
            return True
        if text[position].isalnum():
            return False
    return True
