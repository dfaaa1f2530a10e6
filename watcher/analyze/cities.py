"""Capitals and big cities standing for their country where no country is named ("in Tallinn", "Tallinnas", "à
Tanger", "tại Hà Nội"): data/cities.json, from GeoNames by scripts/build_city_names.py, looked up by word."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from watcher.analyze.hits import MarketHit, lower_written
from watcher.analyze.inflections import INDIC_ENDINGS, is_abugida
from watcher.match.fold import fold
from watcher.match.packed import SortedMap

# A word: letters, and the vowel signs and viramas of the Indic scripts, which \w leaves out ("दुबई", "দুবাই"), not
# their dandas (U+0964, U+0965); Hebrew and Arabic points.
_WORD = "\\w\u0300-\u036f\u0591-\u05c7\u064b-\u065f\u0670\u0900-\u0963\u0966-\u0dff\u135d-\u135f"
_TOKEN = re.compile(f"[{_WORD}]+(?:['’-][{_WORD}]+)*")
_JOINERS = re.compile("-")  # not an apostrophe: "Hefei's Xinqiao district" is a place in the city, not a city
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]+")  # Thai, CJK, kana, Hangul
_CLITICS = ("وب", "وال", "بال", "لل", "ب", "و", "ل", "ف")  # Arabic prefixes: "بالمغرب", "وطنجة"
_VOWEL = re.compile(r"[aeiouyäöüåæøąęėįųūıаеиоуыэюяєії]")
_CLITIC_STARTS = frozenset(clitic[0] for clitic in _CLITICS)
_ADJECTIVE_ENDINGS = frozenset({"ic", "ics"})
# Words that make a city's name into another place's, never a case ending: "Queensland" is no "Queens", "Kingstown"
# no "Kings...", "Friedrichsdorf" no "Friedrichs".
_PLACE_WORDS = frozenset({"land", "town", "burg", "berg", "stad", "dorf"})
CITY_ENDING = 4  # letters a case ending may add to a city's name: "Tallinnas", "Taline", "Lisabonu"
CITY_STEM = 5  # letters a name needs before an ending may follow it ("Rabat" does, "Kyiv" does not)
MAX_CITY_WORDS = 4
WORDS_REMEMBERED = 4096  # words whose city (or none) is kept (~0.5 MB)
WHOLE = "whole"  # after a name's country: a name matched whole, with no case ending (a province's)


@lru_cache(maxsize=4096)
def _folded(word: str) -> str:
    return fold(word)  # the words of news repeat: each folded once


def _lower_rest(rest: str) -> bool:
    """Whether what follows a hyphen is a lower-case word ("based"), not a name's part ("Provence")."""
    return lower_written(rest) and rest == rest.lower()


class CityFinder:
    """Capitals and big cities (data/cities.json) by a look-up of the text's words, not an automaton: 17,000 names
    in it would cost ~25 MB, in a dict ~2. A name in a script with case must be capitalised as written ("Sale" is
    no city in "a Black Friday Sale", "Salé" is); one of five letters or more may take an ending of up to four
    ("Tallinnas", "Taline"); Arabic clitics come off ("بالمغرب"); in Thai, Chinese, Japanese and Korean every
    stretch of the text is looked up, as they write words together."""

    def __init__(self, table: dict[str, list[str]], whole: dict[str, list[str]] | None = None) -> None:
        """`table`: code → its cities' names; `whole`: code → names matched whole, with no case ending (states and
        provinces: "Pando" is no "Pandora", "Cauca" no "Caucasus"), unless a city has the name too."""
        names: dict[str, str] = {}
        unspaced: dict[str, str] = {}
        cities = set()
        for taking_endings, source in ((True, table), (False, whole or {})):
            for code, values in source.items():
                for value in values:
                    key = " ".join(fold(value).split())
                    if _UNSPACED.fullmatch(value.replace(" ", "")):
                        unspaced.setdefault(key.replace(" ", ""), code)
                    elif key not in names:
                        names[key] = code
                        if taking_endings:
                            cities.add(key)
        # The first word of each spaced name → most words a name starting with it has, where more than one; the
        # first character of each unspaced name → its names' lengths, longest first: most words and characters start
        # none.
        first_words: dict[str, int] = {}
        for key in names:
            words = key.split()
            first_words[words[0]] = max(first_words.get(words[0], 1), len(words))
        starts: dict[str, set[int]] = {}
        for key in unspaced:
            starts.setdefault(key[0], set()).add(len(key))
        # A spaced name's country, and WHOLE after it for a name matched whole (a province's): sorted lines in one
        # buffer (watcher/match/packed.py), not a dict and a set of ~25,000 names (~4 MB of small objects).
        spaced = {key: [code] if key in cities else [code, WHOLE] for key, code in names.items()}
        self._hold({"names": SortedMap.pack(spaced), "unspaced": unspaced,
                    "first_words": {word: most for word, most in first_words.items() if most > 1},
                    "starts": {char: sorted(lengths, reverse=True) for char, lengths in starts.items()}})  # fmt: skip

    def _hold(self, parts: dict[str, Any]) -> None:
        self.names = SortedMap(parts["names"])
        self.unspaced: dict[str, str] = parts["unspaced"]
        self.first_words: dict[str, int] = parts["first_words"]
        self.starts: dict[str, list[int]] = parts["starts"]
        self._remember()

    def _remember(self) -> None:
        # A word's city, remembered: the capitalised words of news repeat ("The", a company's name), and each not a
        # city's name is tried with every ending it may take (~15 look-ups).
        self._city_of = lru_cache(maxsize=WORDS_REMEMBERED)(self._city_of_word)

    def parts(self) -> dict[str, Any]:
        """What the finder holds, as plain data for from_parts (watcher/analyze/tables.py ships it)."""
        return {"names": self.names.lines, "unspaced": self.unspaced, "first_words": self.first_words,
                "starts": self.starts}  # fmt: skip

    @classmethod
    def from_parts(cls, parts: dict[str, Any]) -> CityFinder:
        finder = cls.__new__(cls)
        finder._hold(parts)
        return finder

    def _code(self, folded: str) -> str | None:
        """The country of a spaced name, a city's or a province's."""
        found = self.names.get(folded)
        return found[0] if found else None

    def _tokens(self, text: str) -> list[tuple[int, int, str]]:
        """The text's words; a capitalised word joined to a lower-case one by a hyphen is the first alone
        ("Seattle-based", "Riyadh-headquartered"), unless the whole is a name."""
        tokens = []
        for match in _TOKEN.finditer(text):
            token, start = match.group(), match.start()
            cut = 0
            if "-" in token:  # _JOINERS: most words have none
                cut = next((join.start() for join in _JOINERS.finditer(token) if _lower_rest(token[join.end() :])), 0)
            if cut and not lower_written(token) and self._code(_folded(token)) is None:
                token = token[:cut]
            tokens.append((start, start + len(token), token))
        return tokens

    def find(self, text: str) -> list[MarketHit]:
        hits = []
        tokens = self._tokens(text)

        def word(position: int) -> str:
            return _folded(tokens[position][2])

        index = 0
        while index < len(tokens):
            first = tokens[index][2]
            if lower_written(first):
                index += 1  # a cased script, not capitalised: no name starts here
                continue
            found = None
            most = min(self.first_words.get(word(index), 1), MAX_CITY_WORDS, len(tokens) - index)
            for count in range(most, 0, -1):
                last = tokens[index + count - 1]
                if count > 1:
                    gaps = zip(tokens[index : index + count], tokens[index + 1 : index + count], strict=False)
                    if any(text[a[1] : b[0]] != " " for a, b in gaps):
                        continue
                    code = self._code(" ".join(word(position) for position in range(index, index + count)))
                else:
                    code = self._city_of(first)
                if code:
                    found = MarketHit(code, tokens[index][0], last[1], True, True)
                    index += count
                    break
            if found:
                hits.append(found)
            else:
                index += 1
        for run in _UNSPACED.finditer(text):
            chunk = fold(run.group())
            if len(chunk) != len(run.group()):
                continue  # folding changed its length: offsets would not map back
            start = 0
            while start < len(chunk):
                for length in self.starts.get(chunk[start], ()):
                    code = self.unspaced.get(chunk[start : start + length]) if start + length <= len(chunk) else None
                    if code:
                        hits.append(MarketHit(code, run.start() + start, run.start() + start + length, True, True))
                        start += length
                        break
                else:
                    start += 1
        return hits

    def _city_of_word(self, written: str) -> str | None:
        return self._word(written, _folded(written))

    def _word(self, written: str, folded: str) -> str | None:
        code = self._code(folded)
        if code:
            return code
        for clitic in _CLITICS if folded[:1] in _CLITIC_STARTS else ():
            if folded.startswith(clitic) and len(folded) - len(clitic) >= 3:
                rest = folded[len(clitic) :]
                code = self._code(rest) or (self._code("ال" + rest[1:]) if clitic == "لل" else None)
                if code:
                    return code
        if written.isalpha() and not _UNSPACED.search(written):
            for end in range(len(folded) - 1, max(CITY_STEM, len(folded) - CITY_ENDING) - 1, -1):
                code = self._stem(folded[:end])
                ending = folded[end:]
                # A case ending ("-as", "-e", "-ssa"), not "Turin-g", nor an adjective's "-ic" (below: "Atlantic" is
                # no "Atlanta").
                if code and _VOWEL.search(ending) and ending not in _ADJECTIVE_ENDINGS and ending not in _PLACE_WORDS:
                    return code
            # A Slavic case ending in place of a name's final "-a": "v Prahe", "w Warszawie", "в Москве".
            for end in range(len(folded) - 1, max(CITY_STEM - 1, len(folded) - 3) - 1, -1):
                code = self._stem(folded[:end] + "a") or self._stem(folded[:end] + "а")
                if code and _VOWEL.match(folded[end:]) and folded[end:] not in _ADJECTIVE_ENDINGS:
                    return code
        elif is_abugida(written):
            # A postposition written on: "দুবাইতে", "চট্টগ্রামে", "मुंबईमध्ये", "दुबईमा" (the endings country names take,
            # inflections.py), not any word run on ("नागपूरजवळ": near Nagpur).
            for end in range(len(folded) - 1, max(3, len(folded) - 2 * CITY_ENDING) - 1, -1):
                code = self._stem(folded[:end])
                if code and folded[end:] in INDIC_ENDINGS:
                    return code
        return None

    def _stem(self, folded: str) -> str | None:
        """The country of a city's name that may take an ending (a province's may not)."""
        found = self.names.get(folded)
        return found[0] if found and found[1:] != (WHOLE,) else None
