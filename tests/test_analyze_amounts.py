"""Amounts read alike across languages, scripts and digit systems, and what they do to stories: a report the encoder
cannot read joins its story through the sum both name; differing sums in two currencies keep no report apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from watcher.analyze.amounts import ascii_digits, same_amounts, scaled_amounts
from watcher.analyze.signals import Signals, figures, signals
from watcher.analyze.story_facts import ItemFacts
from watcher.analyze.story_fit import agree, fit


def test_one_sum_in_every_script_and_scale() -> None:
    assert ascii_digits("१५ हजार, ১৫, ١٥, ۱۵, ๑๕") == "15 हजार, 15, 15, 15, 15"
    ten_billion = {"1E+10"}
    assert scaled_amounts("Siemens agrees to buy Altair for $10bn") == ten_billion
    assert scaled_amounts("pour 10 milliards de dollars", "fr") == ten_billion
    assert scaled_amounts("シーメンス、米アルテアを100億ドルで買収", "ja") == ten_billion
    assert scaled_amounts("Rs 15,000 crore plant") == scaled_amounts("नागपूरमध्ये १५ हजार कोटींचा प्रकल्प", "mr")
    assert scaled_amounts("1.610 millones", "es") == scaled_amounts("1,61 Milliarden Euro", "de") == {"1.61E+9"}
    assert scaled_amounts("营收138.8亿元", "zh") == scaled_amounts("138억8000만위안", "ko") == {"1.39E+10"}  # in parts
    assert scaled_amounts("€32m fine") == scaled_amounts("32 millions d'euros", "fr") == {"3.2E+7"}
    assert scaled_amounts("40 de milioane de euro", "ro") == {"4E+7"}
    assert scaled_amounts("a ₹2,500-crore order") == scaled_amounts("RM25 billion") == {"2.5E+10"}
    assert scaled_amounts("5 พันล้านบาท", "th") == {"5E+9"}
    assert scaled_amounts("எல் அண்ட் டி ரூ.3,000 கோடி திரட்டியது", "ta") == scaled_amounts("₹3,000 crore") == {"3E+10"}
    assert scaled_amounts("3 billion", "en") == {"3E+9"} and scaled_amounts("3 billions", "fr") == {"3E+12"}
    assert scaled_amounts("profit up 16%") == scaled_amounts("kâr %16 arttı", "tr") == {"16%"}
    assert scaled_amounts("рост на 16 процентов", "ru") == scaled_amounts("ارتفع 16٪", "ar") == {"16%"}


def test_no_amount_in_words_that_only_begin_like_a_scale() -> None:
    assert scaled_amounts("a 30 millimeter shell, 3 miles away") == frozenset()
    assert scaled_amounts("the A350 million-dollar cabin") == frozenset()  # a model's number
    assert scaled_amounts("5 binlerce kişi", "tr") == frozenset()
    assert figures("६,००० नौकरियां") == {"6000"}  # bare figures read in any digits too


def report(key: str, language: str, text: str, *, native: bool, hours: float = 0) -> ItemFacts:
    """A report of a Mahindra plant, with nothing else the encoder could compare."""
    return ItemFacts(key, datetime.now(UTC) - timedelta(days=1) + timedelta(hours=hours), language, key,
                     frozenset({"Mahindra"}), frozenset(), frozenset(), frozenset(), signals(text, language=language),
                     vector=np.ones(4) / 2 if native else None, native=native)  # fmt: skip


def test_the_sum_both_name_pulls_an_unreadable_report_to_its_story() -> None:
    english = report("en", "en", "Mahindra to invest Rs 15,000 crore in new Nagpur plant", native=True)
    marathi = report("mr", "mr", "महिंद्रा नागपूरमध्ये उभारणार १५ हजार कोटींचा प्रकल्प", native=False, hours=3)
    other = report("mr2", "mr", "महिंद्रा नागपूरमध्ये उभारणार ५ हजार कोटींचा प्रकल्प", native=False, hours=3)
    assert fit(english, marathi) > fit(english, other)
    # Other figures keep two reports apart; one sum written two ways ("15,000 crore", "150 billion") does not.
    rupees = Signals(frozenset(), frozenset({"15000"}), frozenset(), amounts=frozenset({"1.5E+11"}))
    again = Signals(frozenset(), frozenset({"150"}), frozenset(), amounts=frozenset({"1.5E+11"}))
    assert not rupees.other_figures(again) and rupees.same_figure(again) == 1
    assert agree(english, marathi)


def test_one_amount_rounded_or_converted_near_par_is_the_same() -> None:
    rounded, converted = scaled_amounts("1.245 millones", "es"), scaled_amounts("175 millions d'euros", "fr")
    assert (
        same_amounts(rounded, scaled_amounts("$1.2bn")) == 1 and same_amounts(converted, scaled_amounts("$180m")) == 1
    )
    assert same_amounts(scaled_amounts("$1.5bn"), scaled_amounts("$1.2bn")) == 0  # another sum
    assert same_amounts(scaled_amounts("up 16%"), scaled_amounts("up 16.5%")) == 0  # shares only exactly
