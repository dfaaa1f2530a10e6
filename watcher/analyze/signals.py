"""What embeddings miss, read from a headline and its lead: figures, quarters, names. Pure.

Sentence embeddings put "Q2 results" next to "Q3 results" and a plant in Hungary next to one in
Turkey; these small facts tell such stories apart, and a shared rare figure or product name ("6,000",
"SU7", "WH-1000XM6") ties reports in different languages together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from watcher.match import fold

# Quarters in the languages of the cue tables; each pattern's groups name the quarter (1-4).
_ORDINALS = {
    "1": ["first", "ersten", "erste", "premier", "primo", "primer", "primeiro", "первом", "первый", "pierwszym",
          "eerste", "ilk", "birinci", "1er", "1."],
    "2": ["second", "zweiten", "zweite", "deuxième", "secondo", "segundo", "втором", "второй", "drugim", "tweede",
          "ikinci", "2e", "2."],
    "3": ["third", "dritten", "dritte", "troisième", "terzo", "tercer", "terceiro", "третьем", "третий", "trzecim",
          "derde", "üçüncü", "3e", "3."],
    "4": ["fourth", "vierten", "vierte", "quatrième", "quarto", "cuarto", "четвертом", "четвертый", "czwartym",
          "vierde", "dördüncü", "4e", "4."],
}  # fmt: skip
_QUARTER_WORDS = r"(?:quarter|quartal|trimestre|квартал\w*|kwartale|kwartaal|çeyrek)"
_ORDINAL_QUARTER = [
    (quarter, re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})\s*(?:-\s*)?{_QUARTER_WORDS}", re.I))
    for quarter, words in _ORDINALS.items()
]  # fmt: skip
_SHORT_QUARTER = re.compile(
    r"(?<![\w])(?:Q|T|K)([1-4])(?![\d])|([1-4])\s*(?:Q|분기|四半期)|第?([一二三四1-4])季度|"
    r"第([1-4])四半期|([1-4])(?:Q|T)\s*\d{2}"
)
_CJK_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,' \u00a0]\d{3})+|\d+(?:[.,]\d+)?)(?!\w)")
_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_HAS_DIGIT_AND_LETTER = re.compile(r"(?=.*\d)(?=.*[^\W\d_])")


@dataclass(frozen=True)
class Signals:
    quarters: frozenset[str]
    figures: frozenset[str]  # normalised numbers with three or more significant characters, or with a decimal
    names: frozenset[str]  # folded Latin-script product and company names: "su7", "trifold", "nutricell"


def quarters(text: str) -> frozenset[str]:
    found = {quarter for quarter, pattern in _ORDINAL_QUARTER if pattern.search(text)}
    for match in _SHORT_QUARTER.finditer(text):
        digit = next(group for group in match.groups() if group)
        found.add(_CJK_DIGITS.get(digit, digit))
    return frozenset(f"Q{quarter}" for quarter in found)


def figures(text: str) -> frozenset[str]:
    """Numbers as written in any locale, normalised: "6,000", "6.000" and "6 000" are "6000"; "3,4" is "3.4"."""
    found = set()
    for match in _NUMBER.finditer(text):
        raw = match.group(1)
        value = re.sub(r"\D", "", raw) if re.fullmatch(r"\d{1,3}(?:[.,' \u00a0]\d{3})+", raw) else raw.replace(",", ".")
        if re.fullmatch(r"(?:19|20)\d\d", value):
            continue  # a year dates a story but names no fact of it
        if len(value.replace(".", "")) >= 3 or "." in value:
            found.add(value)
    return frozenset(found)


def names(text: str, skip: frozenset[str] = frozenset(), *, capitals: bool = True) -> frozenset[str]:
    """Tokens that look like names of things: with digits and letters (SU7, A350), or capitalised inside
    a sentence (not with `capitals` off: German capitalises every noun), in Latin script; `skip` holds
    folded words never to count (the entities' own aliases)."""
    found = set()
    for match in _TOKEN.finditer(text):
        token = match.group()
        if not token.isascii() or len(token) < 2:
            continue
        digit_and_letter = bool(_HAS_DIGIT_AND_LETTER.match(token))
        opens_sentence = _opens_sentence(text, match.start())  # "Investors sold ...": capitalised as any first word
        capitalised = capitals and token[0].isupper() and not opens_sentence and len(token) >= 4
        inner_capital = any(ch.isupper() for ch in token[1:]) and not token.isupper()
        if digit_and_letter or inner_capital or (capitalised and not token.isupper()):
            folded = fold(token)
            if folded not in skip:
                found.add(folded)
    return frozenset(found)


def _opens_sentence(text: str, start: int) -> bool:
    for position in range(start - 1, -1, -1):
        if text[position] in ".!?:;":
            return True
        if text[position].isalnum():
            return False
    return True


def signals(text: str, skip: frozenset[str] = frozenset(), language: str | None = None) -> Signals:
    return Signals(quarters(text), figures(text), names(text, skip, capitals=language not in ("de", "lb")))


def char_trigrams(text: str) -> frozenset[str]:
    """Character trigrams of the folded text: the lexical stand-in where embeddings do not reach."""
    folded = " ".join(fold(text).split())
    return frozenset(folded[i : i + 3] for i in range(max(len(folded) - 2, 0)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
