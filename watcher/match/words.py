"""Word edges: the scripts written without spaces between words (an alias matches in them as a substring), and
how far a word of a spaced script goes on (where a '*' may continue it)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Scripts written without spaces between words: aliases in them match as substrings.
_NO_SPACE_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x31FF),  # Bopomofo, Hangul compatibility jamo, Katakana extensions
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFFDC),  # halfwidth Katakana and Hangul
    (0x20000, 0x3FFFF),  # CJK Extensions B onwards
)


def _char_class(ranges: Iterable[tuple[int, int]]) -> str:
    """The inside of a regex character class for inclusive code point ranges (merged: sre then tests fast).

    Characters are written as themselves, ASCII punctuation and controls escaped with a backslash: the parser
    reads a class of \\U escapes more slowly (_unusual_chars: 8 -> 5 ms to compile its 380 ranges)."""
    merged: list[list[int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return "".join(
        _class_char(low) if low == high else f"{_class_char(low)}-{_class_char(high)}" for low, high in merged
    )


def _class_char(code: int) -> str:
    char = chr(code)
    return "\\" + char if code < 0x80 and not char.isalnum() else char


# The rest of a word, as far as a '*' may continue it: letters and digits of spaced scripts (combining
# marks, which Python's \w leaves out, are stepped over in _continue_word).
_WORD_RUN = re.compile(f"[^\\W_{_char_class(_NO_SPACE_RANGES)}]*")


_UNSPACED_CHAR = re.compile(f"[{_char_class(_NO_SPACE_RANGES)}]")


def written_unspaced(text: str) -> bool:
    """Whether text has a character of a script written without spaces between words (Thai, CJK ...)."""
    return _UNSPACED_CHAR.search(text) is not None


def is_no_space(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _NO_SPACE_RANGES)


_WORD_CHARS: dict[str, bool] = {}


def _is_spaced_word_char(ch: str) -> bool:
    """A letter, digit or mark of a script that separates words with spaces: a word goes on."""
    known = _WORD_CHARS.get(ch)
    if known is None:
        known = (ch.isalnum() or unicodedata.category(ch)[0] == "M") and not is_no_space(ch)
        _WORD_CHARS[ch] = known
    return known


def _continue_word(folded: str, position: int) -> int:
    """Where the word going on at `position` ends (`position` itself if none does)."""
    end = _WORD_RUN.match(folded, position).end()  # type: ignore[union-attr]  # '*' always matches
    while end < len(folded) and _is_spaced_word_char(folded[end]):  # a combining mark
        end = _WORD_RUN.match(folded, end + 1).end()  # type: ignore[union-attr]
    return end
