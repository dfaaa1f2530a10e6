"""Names across scripts: "पीथमपुर" and "Pithampur", "कोपेनहेगन" and "Copenhagen", "ระยอง" and "Rayong". Pure.

A report in a language the encoder was not trained on still writes the places, plants and partners of its story,
in its own script. Each word is transliterated to ASCII (anyascii, ISC licence: tables for every script, read
lazily) and reduced to its consonants, the part of a name that survives transliteration: scripts drop or add
vowels (Devanagari writes "hlol" for Halol, "mumbi" for Mumbai; Hebrew and Arabic write few vowels and use v, w
and y for them) and aspiration ("th", "ph"). A word in another script is compared with the Latin report's names
(capitalised words, models), never with its common words, and a tracked company's own name never counts; so are two
Latin spellings in two languages ("Toshkent" and "Tashkent", "Debrecína" and "Debrecen").
Measured on the 17 tuning sets: of 116 pairs of reports of one company within three days that share such a name,
all 116 report one story.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from anyascii import anyascii

# A word of a script other than Latin: letters and marks up to a space, a digit or punctuation ("नागपूरमध्ये").
_WORD = re.compile(r"[^\s\d.,:;!?\"'“”«»()\[\]{}/|\-–—،、。，・「」『』:%$€£¥₹]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_OTHER_SCRIPT = re.compile(r"[^\x00-\u02ff\u1e00-\u1eff\u2000-\u20cf]")
_DOUBLE = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^a-z]")
_ASPIRATED = re.compile(r"(?<=[bcdgkpstjz])h")
_VOWELS = re.compile(r"[aeiouyvw]")
_ALIKE = str.maketrans("cqxz", "kkks")
# Indic scripts' anusvara is the nasal of the consonant after it, which anyascii writes "m" everywhere: "महिंद्रा"
# is Mahindra, "मुंबई" Mumbai. The blocks share one layout: the labials (pa-ma) at 0x2A-0x2E in each.
_ANUSVARA = re.compile(r"[\u0902\u0982\u0a02\u0a82\u0b02\u0c02\u0c82\u0d02](.?)")


def _nasal(match: re.Match[str]) -> str:
    after = match.group(1)
    return ("m" if after and 0x2A <= ord(after) % 0x80 <= 0x2E else "n") + after


SHORTEST = 3  # consonants: "Halol" (hll) and longer; two collide by chance


@lru_cache(maxsize=4096)  # a language's common words come back in every report; 4,096 words hold ~2 MB
def skeleton(word: str) -> str:
    """The consonants of a word as any script writes it: "Pithampur" and "पीथमपुर" are "ptmpr"."""
    letters = _NOT_LETTER.sub("", anyascii(_ANUSVARA.sub(_nasal, word)).lower())
    letters = _ASPIRATED.sub("", _DOUBLE.sub(r"\1", letters).replace("ph", "f")).translate(_ALIKE)
    return _VOWELS.sub("", letters)


def script_sounds(text: str, skip: frozenset[str]) -> frozenset[str]:
    """The skeletons of the words of `text` in scripts other than Latin, but those in `skip`."""
    found: set[str] = set()
    if not _OTHER_SCRIPT.search(text):  # most reports: Latin letters, with or without accents
        return frozenset()
    for word in _WORD.findall(text):
        if word.isascii() or _LATIN.search(word):
            continue
        sound = skeleton(word)
        if len(sound) >= SHORTEST and sound not in skip:
            found.add(sound)
    return frozenset(found)


def name_sounds(names: Iterable[str], skip: frozenset[str]) -> frozenset[str]:
    """The skeletons of a Latin report's names (signals.names), but those in `skip`."""
    return frozenset(sound for sound in map(skeleton, names) if len(sound) >= SHORTEST and sound not in skip)


def shared_sounds(names: frozenset[str], words: frozenset[str]) -> int:
    """How many of one report's names another writes in its script; a word may carry an ending of its language
    ("नागपूरमध्ये", in Nagpur) after a name of four consonants or more."""
    return sum(
        1 for name in names if name in words or (len(name) > SHORTEST and any(w.startswith(name) for w in words))
    )
