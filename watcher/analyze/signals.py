"""What embeddings miss, read from a headline and its lead: figures, quarters, names. Pure.

Sentence embeddings put "Q2 results" next to "Q3 results" and a plant in Hungary next to one in
Turkey; these small facts tell such stories apart, and a shared rare figure or product name ("6,000",
"SU7", "WH-1000XM6") ties reports in different languages together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from sys import intern

from watcher.analyze.amounts import ascii_digits, number_value, same_amounts, scaled_amounts
from watcher.analyze.signal_names import CJK_LETTER, names
from watcher.match.fold import fold

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
_ANY_QUARTER_WORD = re.compile(_QUARTER_WORDS, re.I)
_SHORT_QUARTER = re.compile(
    r"(?<![\w])(?:Q|T|K)([1-4])(?![\d])|([1-4])\s*(?:Q|분기|四半期)|第?([一二三四1-4])季度|"
    r"第([1-4])四半期|([1-4])(?:Q|T)\s*\d{2}"
)
_CJK_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,' \u00a0]\d{3})+|\d+(?:[.,]\d+)?)(?!\w)")


# Month names in the languages of the cue tables, as written (Polish and Russian with their case forms),
# folded when read; English ones only capitalised ("may", "march"). Not Portuguese março: folded, it is Marco.
_MONTH_WORDS = (
    "januar janvier gennaio enero janeiro januari styczen stycznia styczniu ocak январь января январе يناير",
    "februar fevrier febbraio febrero fevereiro februari luty lutego lutym subat февраль февраля феврале فبراير",
    "marz mars marzo maart marzec marca marcu mart март марта марте مارس",
    "april avril aprile abril kwiecien kwietnia kwietniu nisan апрель апреля апреле أبريل",
    "mai maggio mayo maio mei maj maja maju mayis май мая мае مايو",
    "juni juin giugno junio junho czerwiec czerwca czerwcu haziran июнь июня июне يونيو",
    "juli juillet luglio julio julho lipiec lipca lipcu temmuz июль июля июле يوليو",
    "august aout agosto augustus sierpien sierpnia sierpniu agustos август августа августе أغسطس",
    "september septembre settembre septiembre setembro wrzesien wrzesnia wrzesniu eylul"
    " сентябрь сентября сентябре سبتمبر",
    "oktober octobre ottobre octubre outubro pazdziernik pazdziernika pazdzierniku ekim октябрь октября октябре أكتوبر",
    "november novembre noviembre novembro listopad listopada listopadzie kasim ноябрь ноября ноябре نوفمبر",
    "dezember decembre dicembre diciembre dezembro december grudzien grudnia grudniu aralik"
    " декабрь декабря декабре ديسمبر",
)  # fmt: skip
_ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                   "November", "December")  # fmt: skip
_ENGLISH_MONTH_SET = frozenset(_ENGLISH_MONTHS)
_MONTH_NUMBER = {word: number for number, words in enumerate(_MONTH_WORDS, 1) for word in words.split()}
_WORD = re.compile(r"\w+")
_UNTIL_MONTH = re.compile(
    r"(?<!\w)(?:up to|to|through|until|bis|jusqu'à|jusqu'en|jusqu'au|fino ad|fino a|hasta|"
    r"até|tot en met|tot|do|до|fins al|fins a|kadar)\s+"
    r"(?:(?:el|la|le|il|de|di|del|fine|finales de|Ende|end of|the end of)\s+)*(?P<month>\w+)",
    re.IGNORECASE,
)
_MONTH_SPAN = re.compile(
    r"(?<!\w)\w+\s*(?:[-–—/]|\s(?:to|through|until|bis|à|au|a|al|hasta|até|tot|до|ile)\s)\s*\w+",
)


def _month_span(match: re.Match[str]) -> str:
    first, *_rest, last = _WORD.findall(fold(match.group()))
    both = [word in _MONTH_NUMBER or word.capitalize() in _ENGLISH_MONTHS for word in (first, last)]
    return " " if all(both) else match.group()


# "5月", "5월"; not a span of months ("4～12月期": nine months of a fiscal year).
_CJK_MONTH = re.compile(r"(?<![～~〜\-–\d])(1[0-2]|[1-9])\s*(?:月|월)(?![期～~〜])")
# A fiscal year named by the month it ends ("2027年3月期", "the year through March", "the year ending in March"):
# "FY03" among the months, a period of its own, which another month's figures are not.
FISCAL_YEAR = "FY"
_FISCAL_YEAR = re.compile(
    r"(?<![～~〜\-–\d])(1[0-2]|[1-9])\s*月期|(?<!\w)year (?:through|ending|ended|to) (?:in )?(\w+)",
)


_EMPTY: frozenset = frozenset()


def shared_empty(value: frozenset) -> frozenset:
    """`value`, or the one empty frozenset where it is empty: frozenset(set()) makes a new one each time (216 bytes),
    and the open stories' reports hold a dozen sets each, mostly empty."""
    return value if value else _EMPTY


@dataclass(frozen=True)
class Signals:
    quarters: frozenset[str]
    figures: frozenset[str]  # normalised numbers with three or more significant characters, or with a decimal
    names: frozenset[str]  # folded Latin-script product and company names: "su7", "trifold", "nutricell"
    months: frozenset[str] = frozenset()  # "M05": the months named, as the periods of monthly figures
    # Sums and counts with their scale word, as values: "$10bn", "10 milliards" and "100億ドル" are "1E+10". Compared
    # where the written figures differ: "1.610 millones" and "1,61 Milliarden" are one amount.
    amounts: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("quarters", "figures", "names", "months", "amounts"):
            if not getattr(self, name):
                object.__setattr__(self, name, _EMPTY)  # held by every open report: one empty set, not five each

    def same_figure(self, other: Signals) -> int:
        """How many figures two texts share, written alike or as one amount."""
        return max(len(self.figures & other.figures), same_amounts(self.amounts, other.amounts))

    def other_figures(self, other: Signals) -> bool:
        """Both name figures and none is the same, as written or as an amount."""
        return bool(self.figures and other.figures) and not self.same_figure(other)


def quarters(text: str) -> frozenset[str]:
    # Each ordinal pattern ends in a quarter's word: without one, none of the four is searched for.
    found = (
        {quarter for quarter, pattern in _ORDINAL_QUARTER if pattern.search(text)}
        if _ANY_QUARTER_WORD.search(text)
        else set()
    )
    for match in _SHORT_QUARTER.finditer(text):
        digit = next(group for group in match.groups() if group)
        found.add(_CJK_DIGITS.get(digit, digit))
    return frozenset(f"Q{quarter}" for quarter in found)


def without_quarters(text: str) -> str:
    """The text with its quarters blanked out: "Q4", "4분기" and "third quarter" hold no figure of their own."""
    for _quarter, pattern in _ORDINAL_QUARTER:
        text = pattern.sub(" ", text)
    return _SHORT_QUARTER.sub(" ", text)


def figures(text: str) -> frozenset[str]:
    """Numbers as written in any locale and digit system, normalised: "6,000", "6.000", "6 000" and "६,०००" are
    "6000"; "3,4" is "3.4"."""
    found = set()
    for match in _NUMBER.finditer(CJK_LETTER.sub(" ", ascii_digits(text))):
        value = number_value(match.group(1))
        if re.fullmatch(r"(?:19|20)\d\d", value):
            continue  # a year dates a story but names no fact of it
        if len(value.replace(".", "")) >= 3 or "." in value:
            found.add(value)
    return frozenset(found)


def _month_until(match: re.Match[str]) -> str:
    word = fold(match.group("month"))
    return " " if word in _MONTH_NUMBER or match.group("month") in _ENGLISH_MONTHS else match.group()


def months(text: str) -> frozenset[str]:
    """Months named in any of the cue tables' languages: "May", "im Mai", "w maju", "5월", "5月"; not the ends of
    a span ("April-December", "January to March": several months, a period of their own), nor a month that ends
    a period running to it ("nine months to September", "hasta septiembre", "bis Ende September")."""
    found: set[int] = set()
    # Spans and periods are only taken out of the text, each a run of whole words: where no word names a month, none
    # is left to find after them either (most texts).
    words = _WORD.findall(fold(text))
    if not _MONTH_NUMBER.keys().isdisjoint(words) or not _ENGLISH_MONTH_SET.isdisjoint(_WORD.findall(text)):
        spans = _MONTH_SPAN.sub(_month_span, text)
        spans = _UNTIL_MONTH.sub(_month_until, spans)
        found.update(_MONTH_NUMBER[word] for word in _WORD.findall(fold(spans)) if word in _MONTH_NUMBER)
        found.update(_ENGLISH_MONTHS.index(word) + 1 for word in _WORD.findall(spans) if word in _ENGLISH_MONTHS)
    found.update(int(match.group(1)) for match in _CJK_MONTH.finditer(text))
    ends = {_fiscal_end(match) for match in _FISCAL_YEAR.finditer(text)} - {None}
    found -= ends  # "the year ending March": March names the year, no month's figures
    return frozenset({f"M{number:02d}" for number in found} | {f"{FISCAL_YEAR}{end:02d}" for end in ends})


def _fiscal_end(match: re.Match[str]) -> int | None:
    digits, word = match.groups()
    if digits:
        return int(digits)
    return _ENGLISH_MONTHS.index(word) + 1 if word in _ENGLISH_MONTHS else None


def signals(text: str, skip: frozenset[str] = frozenset(), language: str | None = None) -> Signals:
    capitals = language not in ("de", "lb")
    found = names(text, skip, capitals=capitals)
    return Signals(quarters(text), figures(text), found, months(text), scaled_amounts(text, language))


def char_trigrams(text: str) -> frozenset[str]:
    """Character trigrams of the folded text: the lexical stand-in where embeddings do not reach."""
    folded = " ".join(fold(text).split())
    # Interned: an open report in a language the encoder was not trained on holds its ~200 trigrams for 72 hours, and
    # the reports of one language share most of theirs (one string each instead of one a report).
    return frozenset(intern(folded[i : i + 3]) for i in range(max(len(folded) - 2, 0)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
