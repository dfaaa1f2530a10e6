"""Write watcher/match/data/ordinary-words.txt: the folded words of MIN_LETTERS letters or more that the alias linter
calls ordinary words (watcher.aliaslint.words: frequent in English, French, Spanish, Portuguese or Catalan, and
their plural too: "orange", "action", "bolt", "vale"). An alias that is one of them takes no case endings unless
its config says `inflect: true` (watcher/match/table.py, takes_endings).

Run after upgrading wordfreq or changing those thresholds: `.venv/bin/python scripts/build_ordinary_words.py`
(tests/test_match_inflections.py fails until then).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from watcher.aliaslint.words import COMMON_ZIPF, PLURAL_LANGUAGES, PLURAL_ZIPF  # noqa: E402
from watcher.match.endings import MIN_LETTERS  # noqa: E402
from watcher.match.fold import fold  # noqa: E402
from watcher.vocabulary import WordfreqVocabulary  # noqa: E402

OUTPUT = ROOT / "watcher" / "match" / "data" / "ordinary-words.txt"
HEADER = "# Written by scripts/build_ordinary_words.py from wordfreq's lists: do not edit.\n"


def ordinary_words() -> list[str]:
    vocabulary = WordfreqVocabulary(floor=PLURAL_ZIPF)
    found: set[str] = set()
    for language in PLURAL_LANGUAGES:
        listed = vocabulary.words(language)
        zipf: dict[str, float] = {}
        for index in range(len(listed)):
            zipf.setdefault(fold(listed.word(index)), listed.zipf(index))
        for word, frequency in zipf.items():
            plural = max(zipf.get(word + "s", 0.0), zipf.get(word + "es", 0.0))
            if frequency >= COMMON_ZIPF and plural >= PLURAL_ZIPF and sum(map(str.isalpha, word)) >= MIN_LETTERS:
                found.add(word)
    return sorted(found)


def text() -> str:
    return HEADER + "".join(f"{word}\n" for word in ordinary_words())


def main() -> None:
    OUTPUT.write_text(text(), encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
