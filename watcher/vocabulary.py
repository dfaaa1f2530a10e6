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
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
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


@dataclass(frozen=True)
class WordList:
    """A language's words, most frequent first, in bands of equal frequency (as wordfreq stores them)."""

    words: Sequence[str]
    band_ends: Sequence[int]  # band i is words[band_ends[i - 1]:band_ends[i]] ...
    band_zipfs: Sequence[float]  # ... at zipf band_zipfs[i]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, float]]) -> WordList:
        """A list from (word, zipf) pairs (for tests and small vocabularies)."""
        ordered = sorted(pairs, key=lambda pair: -pair[1])
        return cls([word for word, _ in ordered], list(range(1, len(ordered) + 1)), [zipf for _, zipf in ordered])

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
    words: list[str] = []
    ends: list[int] = []
    zipfs: list[float] = []
    if path is None:
        return WordList(words, ends, zipfs)
    last_band = round((9 - floor) * 100)  # band i holds the words at -i centibels: zipf (900 - i) / 100
    with gzip.open(path, "rb") as packed:
        unpacker = msgpack.Unpacker(packed, raw=False)
        count = unpacker.read_array_header()
        header = unpacker.unpack()
        if header != {"format": "cB", "version": 1}:
            raise ValueError(f"{path}: not a wordfreq cBpack list (header {header!r})")
        for band in range(min(count - 1, last_band + 1)):
            band_words = unpacker.unpack()
            if band_words:
                words += band_words
                ends.append(len(words))
                zipfs.append((900 - band) / 100)
    return WordList(words, ends, zipfs)
