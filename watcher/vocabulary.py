"""Common words of the languages an alias could be read in: wordfreq's word lists, read offline.

wordfreq (code Apache-2.0, word lists CC-BY-SA 4.0) ships its lists inside the package: nothing is
downloaded at run time. Only the lists are used, never wordfreq's tokenizers, which would want jieba or
MeCab for Chinese and Japanese.

A list is a gzipped msgpack array of frequency bands, most frequent first, one band per centibel (the
"cBpack" format documented in wordfreq.read_cBpack). Reading the bands only down to the floor asked for,
instead of wordfreq.get_frequency_list's whole file, is what keeps `check-config` quick: every list down to
zipf 2 (3.8 M words in 42 languages) reads in about 0.5 s here, the whole files in several seconds.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, islice
from typing import Protocol

# Zipf: log10 of occurrences per billion words. 3 is once per million words (wordfreq's "small" lists stop
# there); 2 reaches the 100,000th English word, where names and rarer inflections still count.
DEFAULT_FLOOR = 2.0

# The languages wordfreq has lists for, by the script they are written in (wordfreq 3.1).
LATIN_LANGUAGES = (
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sv", "nb", "da", "fi", "ca", "ro", "hu",
    "tr", "id", "ms", "vi", "fil", "lt", "lv", "sk", "sl", "is", "sh",
)  # fmt: skip
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "LATIN": LATIN_LANGUAGES,
    "CYRILLIC": ("ru", "uk", "bg", "mk"),
    "GREEK": ("el",),
    "HEBREW": ("he",),
    "ARABIC": ("ar", "fa", "ur"),
    "DEVANAGARI": ("hi",),
    "BENGALI": ("bn",),
    "TAMIL": ("ta",),
    "HANGUL": ("ko",),
    "HIRAGANA": ("ja",),
    "KATAKANA": ("ja",),
    "CJK": ("zh", "ja"),  # Han characters: "CJK UNIFIED IDEOGRAPH-..."
}


SEPARATOR = "|"  # joins a list's words into one text: no word holds it, and it is no letter (a word edge)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # emoji and rare Han: one of them makes a text 4 bytes a letter


@dataclass(frozen=True)
class WordList:
    """A language's words, most frequent first, kept as one text (3.8 M separate strings took 300 MB more).

    Word i is text[lengths[i] + i : lengths[i + 1] + i]. The words come in bands of equal frequency, as
    wordfreq stores them.
    """

    text: str  # the words joined by SEPARATOR
    lengths: Sequence[int]  # lengths[i]: how many letters the words before word i have (an array)
    band_ends: Sequence[int]  # band i is words band_ends[i - 1] to band_ends[i] - 1 ...
    band_zipfs: Sequence[float]  # ... at zipf band_zipfs[i]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, float]]) -> WordList:
        """A list from (word, zipf) pairs (for tests and small vocabularies)."""
        ordered = sorted(pairs, key=lambda pair: -pair[1])
        words = [word for word, _ in ordered]
        lengths = array("I", [0, *accumulate(map(len, words))])
        return cls(SEPARATOR.join(words), lengths, range(1, len(words) + 1), [zipf for _, zipf in ordered])

    def __len__(self) -> int:
        return len(self.lengths) - 1

    def word(self, index: int) -> str:
        return self.text[self.lengths[index] + index : self.lengths[index + 1] + index]

    def zipf(self, index: int) -> float:
        return self.band_zipfs[bisect_right(self.band_ends, index)]


class Vocabulary(Protocol):
    """The word list of a language (empty when there is none)."""

    def words(self, language: str) -> WordList: ...


def scripts_of(text: str) -> set[str]:
    """The scripts of the letters in `text`, as the first word of their Unicode names ("LATIN", "HANGUL")."""
    scripts = set()
    for ch in unicodedata.normalize("NFKC", text):
        if ch.isalpha():
            scripts.add(unicodedata.name(ch, "?").split(" ")[0])
    return scripts


def languages_of(text: str) -> tuple[str, ...]:
    """The languages whose word lists an alias written in these scripts could meet (none for Thai, say)."""
    found: dict[str, None] = {}
    for script in sorted(scripts_of(text)):
        found.update(dict.fromkeys(SCRIPT_LANGUAGES.get(script, ())))
    return tuple(found)


class WordfreqVocabulary:
    """wordfreq's lists down to `floor` (zipf), each read on first use and kept for the process."""

    def __init__(self, floor: float = DEFAULT_FLOOR) -> None:
        self.floor = floor

    def words(self, language: str) -> WordList:
        return _read_list(language, self.floor)


@cache
def _list_paths() -> dict[str, str]:
    import wordfreq  # ~80 ms of imports (langcodes, regex): only when aliases are checked

    return wordfreq.available_languages("best")  # the "large" list where there is one, else "small"


@cache
def _read_list(language: str, floor: float) -> WordList:
    import msgpack  # a dependency of wordfreq

    path = _list_paths().get(language)
    bands: list[str] = []
    lengths = array("I", [0])
    ends: list[int] = []
    zipfs: list[float] = []
    if path is not None:
        last_band = round((9 - floor) * 100)  # band i holds the words at -i centibels: zipf (900 - i) / 100
        with gzip.open(path, "rb") as packed:
            unpacker = msgpack.Unpacker(packed, raw=False)
            count = unpacker.read_array_header()
            header = unpacker.unpack()
            if header != {"format": "cB", "version": 1}:
                raise ValueError(f"{path}: not a wordfreq cBpack list (header {header!r})")
            for band in range(min(count - 1, last_band + 1)):
                words = unpacker.unpack()
                text = SEPARATOR.join(words)
                if text.count(SEPARATOR) != len(words) - 1 or _ASTRAL.search(text):
                    words = [word for word in words if SEPARATOR not in word and not _ASTRAL.search(word)]
                    text = SEPARATOR.join(words)
                if words:
                    bands.append(text)
                    lengths.extend(islice(accumulate(map(len, words), initial=lengths[-1]), 1, None))
                    ends.append(len(lengths) - 1)
                    zipfs.append((900 - band) / 100)
    return WordList(SEPARATOR.join(bands), lengths, ends, zipfs)
