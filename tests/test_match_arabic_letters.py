"""Arabic, Persian and Urdu write some letters their own way (ي/ی/ى, ك/ک, ة/ه/ۀ, ہ/ھ, ٹ) and their own digits: an
alias written with one set finds text written with the other (watcher/match/chars.py, ARABIC_LETTERS), and the
analysis reads their sums (watcher/analyze/amounts.py)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from tests.test_match_inflections import neutral_entities
from tests.test_match_prefixes import grid_counts
from watcher.analyze.amounts import scaled_amounts
from watcher.config import EntityConfig
from watcher.match.endings import UNDETERMINED
from watcher.match.fold import fold
from watcher.match.matcher import Matcher

DATA = Path(__file__).resolve().parent / "data" / "matcher"
GRID = [json.loads(line) for line in (DATA / "arabic-letters.jsonl").read_text(encoding="utf-8").splitlines() if line]


def test_letter_variants_fold_to_arabics() -> None:
    assert fold("نوکیا") == fold("نوكيا") == "نوكيا"  # Persian keheh and yeh
    assert fold("شاومى") == fold("شاومي")  # Egypt's final alef maksura
    assert fold("الجزیره") == fold("الجزيرة")  # teh marbuta written heh
    assert fold("بیمۀ") == fold("بیمهٔ") == fold("بیمه")  # heh with a hamza, composed or not
    assert fold("ہونڈا") == fold("ھونڈا") == fold("هوندا")  # Urdu's heh goal and doachashmee; ڈ
    assert fold("ٹویوٹا") == fold("ت\u0615ویوٹا") == fold("تويوتا")  # ٹ, or ت with a small tah above
    assert fold("آیفون ۱۵") == fold("آيفون ١٥") == fold("آيفون 15")  # Persian, Arabic-Indic and ASCII digits
    assert fold("شاومـــي") == fold("شَاوْمِي") == fold("شاومي")  # tatweel, harakat
    assert fold("أبل") != fold("ابل")  # the hamza of أ stays a part of its letter
    # The cased fold keeps the letters as written, as it keeps case.
    assert fold("کریم", casefold=False) != fold("كريم", casefold=False)


def test_the_grid_of_letters_written_differently() -> None:
    """tests/data/matcher/arabic-letters.jsonl: every name found, with the item's language and without knowing it;
    nothing wrong (0.133 found before the letters were folded: bench/match-inflections --grid arabic-letters)."""
    matcher = Matcher.build(neutral_entities("arabic-letters.entities.yaml"))
    for language in ("item", UNDETERMINED):
        total = sum(grid_counts(matcher, language, GRID).values(), Counter())
        assert total["wrong"] == 0 and total["missed"] == 0 and total["found"] >= 30, (language, total)


def test_an_alias_that_is_a_word_is_found_only_as_written() -> None:
    """ "كريم" (generous) is Careem's Arabic alias and an ordinary word: written with Persian's letters ("قرآن کریم",
    the Quran; the name Karim) it is not the company. A name is read alike in either spelling."""
    matcher = Matcher.build([EntityConfig(name="Careem", aliases=["Careem", "كريم"]),
                             EntityConfig(name="Nokia", aliases=["نوكيا"])])  # fmt: skip
    assert [m.entity for m in matcher.match({"title": "عرض استحواذ على كريم"}, language="ar")] == ["Careem"]
    assert matcher.match({"title": "قرآن کریم"}, language="fa") == []
    assert [m.entity for m in matcher.match({"title": "گوشی نوکیا"}, language="fa")] == ["Nokia"]


def test_sums_in_persian_and_urdu_digits_and_words() -> None:
    """Persian and Arabic-Indic digits, Arabic's decimal mark, Persian typed with Arabic's ي, Urdu's scale words."""
    assert scaled_amounts("سرمایه‌گذاری ۱۵ میلیارد تومانی", "fa") == scaled_amounts("15 مليار دولار", "ar")
    assert scaled_amounts("۱٫۵ میلیارد دلار", "fa") == scaled_amounts("$1.5bn", "en") == {"1.5E+9"}
    assert scaled_amounts("20 ميليون دلار", "fa") == scaled_amounts("٢٠ مليون", "ar") == {"2E+7"}
    assert scaled_amounts("۱۵ ارب روپے", "ur") == {"1.5E+10"}
    assert scaled_amounts("۵ کروڑ روپے", "ur") == scaled_amounts("Rs 5 crore", "en") == {"5E+7"}
    assert scaled_amounts("۳ لاکھ", "ur") == {"3E+5"} and scaled_amounts("۱۰ ہزار", "ur") == {"1E+4"}
    assert scaled_amounts("۱۲ فیصد", "ur") == scaled_amounts("١٢٪", "ar") == {"12%"}
