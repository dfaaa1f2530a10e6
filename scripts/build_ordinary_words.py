"""Write watcher/match/data/ordinary-words.txt and prefixed-words.txt from wordfreq's lists.

ordinary-words.txt: the folded words the alias linter calls ordinary words (watcher.aliaslint.words: frequent in
English, French, Spanish, Portuguese or Catalan, and their plural too: "orange", "action", "bolt", "vale", of
MIN_LETTERS letters or more), and the Arabic and Hebrew words of MIN_STEM letters or more that are frequent and
frequent with the article too (טבע nature: הטבע; كريم generous: الكريم), the Persian ones with their plural in -ها:
names rarely take either. An alias that is one of them takes no case endings and no prefixes unless its config says
`inflect: true` (watcher/match/table.py, takes_endings and takes_prefixes).

prefixed-words.txt: "prefix rest" for every frequent Arabic, Persian, Urdu or Hebrew word that starts with a prefix
of watcher/match/prefixes.py and is at least as frequent as the rest of it, when the rest is no ordinary word
("ل بنان": لبنان is Lebanon, not ل + بنان; "מ בזק": מבזק is a news flash): the matcher reads such a word as itself.

Run after upgrading wordfreq or changing those thresholds: `.venv/bin/python scripts/build_ordinary_words.py`
(tests/test_match_inflections.py fails until then).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from watcher.aliaslint.words import COMMON_ZIPF, PLURAL_LANGUAGES, PLURAL_ZIPF  # noqa: E402
from watcher.match.endings import MIN_LETTERS, MIN_STEM  # noqa: E402
from watcher.match.fold import fold  # noqa: E402
from watcher.match.prefixes import tables  # noqa: E402
from watcher.vocabulary import WordfreqVocabulary  # noqa: E402

DATA = ROOT / "watcher" / "match" / "data"
OUTPUT = DATA / "ordinary-words.txt"
PREFIXED = DATA / "prefixed-words.txt"
HEADER = "# Written by scripts/build_ordinary_words.py from wordfreq's lists: do not edit.\n"
# What a noun takes that a name rarely does: the article (Arabic, Hebrew), the plural in -ها (Persian).
MARKED = {"ar": ("ال", ""), "he": ("ה", ""), "fa": ("", "ها")}
# The lists whose words may look prefixed, and the table of prefixes they are read with.
PREFIXED_LISTS = {"ar": "ar", "fa": "ar", "ur": "ar", "he": "he"}


def _zipfs(language: str) -> dict[str, float]:
    """Each folded word of the language's list down to PLURAL_ZIPF, and its frequency (the highest of its forms)."""
    listed = WordfreqVocabulary(floor=PLURAL_ZIPF).words(language)
    zipf: dict[str, float] = {}
    for index in range(len(listed)):
        zipf.setdefault(fold(listed.word(index)), listed.zipf(index))
    return zipf


def _letters(word: str) -> int:
    return sum(map(str.isalpha, word))


def ordinary_words() -> list[str]:
    found: set[str] = set()
    for language in PLURAL_LANGUAGES:
        zipf = _zipfs(language)
        for word, frequency in zipf.items():
            plural = max(zipf.get(word + "s", 0.0), zipf.get(word + "es", 0.0))
            if frequency >= COMMON_ZIPF and plural >= PLURAL_ZIPF and _letters(word) >= MIN_LETTERS:
                found.add(word)
    for language, (before, after) in MARKED.items():
        zipf = _zipfs(language)
        for word, frequency in zipf.items():
            marked = zipf.get(before + word + after, 0.0)
            if frequency >= COMMON_ZIPF and marked >= PLURAL_ZIPF and _letters(word) >= MIN_STEM:
                found.add(word)
    return sorted(found)


def prefixed_words(ordinary: set[str]) -> list[str]:
    found: set[str] = set()
    for language, table in PREFIXED_LISTS.items():
        prefixes = sorted(set().union(*tables()[table].values()))
        zipf = _zipfs(language)
        for word, frequency in zipf.items():
            if frequency < COMMON_ZIPF:
                continue
            for prefix in prefixes:
                rest = word[len(prefix) :]
                looks_prefixed = word.startswith(prefix) and _letters(rest) >= MIN_STEM and rest not in ordinary
                if looks_prefixed and frequency >= zipf.get(rest, 0.0):
                    found.add(f"{prefix} {rest}")
    return sorted(found)


def text() -> str:
    return HEADER + "".join(f"{word}\n" for word in ordinary_words())


def prefixed_text(ordinary_text: str) -> str:
    ordinary = {line for line in ordinary_text.splitlines() if line and not line.startswith("#")}
    return HEADER + "".join(f"{entry}\n" for entry in prefixed_words(ordinary))


def main() -> None:
    ordinary = text()
    OUTPUT.write_text(ordinary, encoding="utf-8")
    PREFIXED.write_text(prefixed_text(ordinary), encoding="utf-8")
    for path in (OUTPUT, PREFIXED):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
