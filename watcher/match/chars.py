"""Folding one character: NFKC, case folded, diacritics and Hebrew/Arabic vowel points dropped, apostrophes and
hyphens made one; the fold tables that remember each character's fold, and the scan watcher/fold_scan.py holds."""

from __future__ import annotations

import unicodedata

# Letters with no Unicode decomposition that readers still treat as accented forms of a base letter.
_EXTRA_FOLDS = {
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ħ": "h",
    "ŧ": "t",
    "ı": "i",
    "æ": "ae",
    "œ": "oe",
    "Ł": "L",
    "Ø": "O",
    "Đ": "D",
    "Ð": "D",
    "Ħ": "H",
    "Ŧ": "T",
    "Æ": "AE",
    "Œ": "OE",
}
_APOSTROPHES = "\u2019\u2018\u02bc\u02b9\u2032\uff07"
_HYPHENS = "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d"
_ARABIC_TATWEEL = "\u0640"  # kashida: stretches a word, is not a letter of it
# Letters Arabic, Persian and Urdu write differently for one letter, as Arabic writes them: Persian and Urdu yeh (ی)
# and Egypt's final alef maksura (ى) as ي, keheh (ک, ڪ) as ك, teh marbuta (ة, "الجزيرة" / Persian "الجزیره"), Persian's
# heh with a hamza (ۀ) and Urdu's heh goal and doachashmee (ہ, ۂ, ھ) as ه; Urdu's ٹ, ڈ, ڑ as ت, د, ر, which some text
# writes with a small tah above (U+0615, dropped as a vowel point): an alias written with one matches text written with
# the other ("نوكيا" / "نوکیا", "تويوتا" / "ٹویوٹا"). Arabic-Indic and Persian digits as ASCII ("آيفون ١٥", "S۲۴").
ARABIC_LETTERS = {
    0x06CC: "\u064a", 0x0649: "\u064a", 0x06A9: "\u0643", 0x06AA: "\u0643", 0x0629: "\u0647", 0x06C0: "\u0647",
    0x06C1: "\u0647", 0x06C2: "\u0647", 0x06BE: "\u0647", 0x0679: "\u062a", 0x0688: "\u062f", 0x0691: "\u0631",
}  # fmt: skip
ARABIC_DIGITS = {zero + value: str(value) for zero in (0x0660, 0x06F0) for value in range(10)}
ARABIC_LETTERS.update(ARABIC_DIGITS)
# A hamza above or below that composes with no letter before it (Persian "خانهٔ", ه + hamza, is ۀ): optional, as ۀ is.
_LOOSE_HAMZA = frozenset({"\u0654", "\u0655"})


def _is_generic_mark(code: int) -> bool:
    # Combining diacritics used with Latin, Greek and Cyrillic: dropped even when they stand alone
    # (text that arrives decomposed, "e" + U+0301).
    return (
        0x0300 <= code <= 0x036F
        or 0x1AB0 <= code <= 0x1AFF
        or 0x1DC0 <= code <= 0x1DFF
        or 0x20D0 <= code <= 0x20FF
        or 0xFE20 <= code <= 0xFE2F
    )


def _is_optional_point(code: int, category: str) -> bool:
    # Hebrew niqqud and cantillation, Arabic harakat: vowel signs most text leaves out ("שָׁלוֹם" == "שלום").
    return category == "Mn" and (
        0x0591 <= code <= 0x05C7  # Hebrew
        or 0x0610 <= code <= 0x061A
        or 0x064B <= code <= 0x0652  # not 0653-0655: madda and hamza, parts of letters (أ, آ, ؤ)
        or 0x0656 <= code <= 0x065F
        or code == 0x0670
        or 0x06D6 <= code <= 0x06ED
        or 0x08D3 <= code <= 0x08FF  # Arabic, Arabic Extended-A
    )


def _fold_char(ch: str, casefold: bool) -> str:
    """The fold of one character, or of a cluster of characters that compose (NFKC) into fewer."""
    out = []
    # The caseless fold (what aliases are found by) writes Arabic script's letter variants one way, before NFKC (ۀ is
    # ە + hamza after it) and after (presentation forms: ﯼ is ی); the cased one keeps them as written, as it keeps
    # case (table.py: an alias that is an ordinary word is found only as written); both write its digits 0-9.
    letters = ARABIC_LETTERS if casefold else ARABIC_DIGITS
    normalized = unicodedata.normalize("NFKC", ch.translate(letters))
    if normalized in _LOOSE_HAMZA:
        return ""
    for c in normalized.translate(letters):
        code = ord(c)
        category = unicodedata.category(c)
        if _is_generic_mark(code) or category == "Cf" or c == _ARABIC_TATWEEL or _is_optional_point(code, category):
            continue  # diacritics; zero-width joiners, soft hyphens; kashida; vowel points
        if c.isspace() or category in ("Zs", "Zl", "Zp", "Cc"):
            out.append(" ")
        elif c in _APOSTROPHES:
            out.append("'")
        elif c in _HYPHENS:
            out.append("-")
        else:
            if code < 0x0530 or 0x1E00 <= code <= 0x1FFF:  # Latin, Greek, Cyrillic (+ extended): accents off
                # before case folding, which would turn a Greek iota subscript into a letter ("ᾳ" -> "αι").
                c = "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))
            if casefold:
                c = c.casefold()
            out.append("".join(_EXTRA_FOLDS.get(d, d) for d in c))
    return "".join(out)


class _FoldTable(dict[int, str]):
    """A str.translate table that folds each character on first sight and remembers it.

    str.translate runs in C and calls __missing__ only for characters not seen before, so folding a
    text costs about as much as copying it.
    """

    def __init__(self, casefold: bool) -> None:
        super().__init__()
        self.casefold = casefold
        self.irregular: set[str] = set()  # characters whose fold is not exactly one character

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code), self.casefold)
        if len(folded) != 1:
            self.irregular.add(chr(code))
        self[code] = folded
        return folded


_CASELESS = _FoldTable(casefold=True)
_CASED = _FoldTable(casefold=False)


_UNCHANGED_BLOCKS = (  # big blocks checked whole: letters that neither case, NFKC nor accents touch
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),
    (0x20000, 0x2A6DF),
)


def unchanged_blocks() -> list[tuple[int, int]]:
    """The _UNCHANGED_BLOCKS that hold, with this Python's Unicode data, what they are said to."""
    found = []
    for low, high in _UNCHANGED_BLOCKS:
        block = "".join(map(chr, range(low, high + 1)))
        if block.isalpha() and block.casefold() == block and unicodedata.is_normalized("NFKC", block):
            found.append((low, high))
    return found


def scan_folds() -> tuple[list[tuple[int, int]], list[int]]:
    """(ranges of the code points up to CJK and of emoji that fold to themselves, code points there whose fold is
    not one character): what watcher/fold_scan.py holds (`python -m watcher.fold_scan` writes it)."""
    codes = (*range(0x3400), *range(0x1F000, 0x1FB00))  # up to CJK; emoji
    folds = _FoldTable(casefold=True)
    unchanged: list[tuple[int, int]] = []
    for code in codes:
        if folds[code] == chr(code):
            if unchanged and unchanged[-1][1] == code - 1:
                unchanged[-1] = (unchanged[-1][0], code)
            else:
                unchanged.append((code, code))
    return unchanged, sorted(map(ord, folds.irregular))


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def _composes(cluster: str, ch: str) -> bool:
    before = unicodedata.normalize("NFKC", cluster)
    after = unicodedata.normalize("NFKC", ch)
    return len(unicodedata.normalize("NFC", before + after)) < len(before) + len(after)
