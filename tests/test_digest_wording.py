"""What the digest says about a story, from structured facts: gist lines, quotes, coverage, ages, names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from watcher.analyze.sentences import EVENT_TYPES
from watcher.digest.names import country_name, language_name
from watcher.digest.wording import (
    EVENT_LABELS,
    EVENT_WEIGHTS,
    Fact,
    Sighting,
    age,
    best_sentence,
    coverage,
    gist,
    quote,
    repeats_headline,
)

ROOT = Path(__file__).resolve().parent.parent
# The clock is injected: age() and coverage() are given their moments.
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def by_name(name: str) -> int:
    return 0  # all equal: the subject with the weightiest events first, then by name


# --- gist ----------------------------------------------------------------------------------------


def test_the_taxonomy_is_the_analysers() -> None:
    assert tuple(EVENT_LABELS) == EVENT_TYPES
    assert set(EVENT_WEIGHTS) == set(EVENT_TYPES)


def test_gist_of_the_founding_story() -> None:
    facts = [
        Fact("Xiaomi", "patent"),
        Fact("Xiaomi", "market_entry", "KR"),
        Fact("Xiaomi", "partnership"),
        Fact("Xiaomi", "market_entry", "KR"),  # the same event from another report says nothing new
    ]
    assert gist(facts, by_name) == "Xiaomi · market entry · South Korea · partnership · patent"


def test_gist_names_the_counterpart_of_a_deal_between_tracked_entities_once() -> None:
    facts = [Fact("Volkswagen", "partnership"), Fact("Xiaomi", "partnership"), Fact("Xiaomi", "product_launch")]
    rank = {"Volkswagen": 0, "Xiaomi": 1}
    assert gist(facts, lambda name: rank[name]) == "Volkswagen · partnership with Xiaomi; Xiaomi · product launch"
    assert gist([Fact("Samsung", "legal"), Fact("Xiaomi", "legal")], by_name) == "Samsung · legal action with Xiaomi"


def test_gist_names_every_market_entered_in_english() -> None:
    facts = [Fact("Tesla", "market_entry", "IN"), Fact("Tesla", "market_entry", "VN")]
    assert gist(facts, by_name) == "Tesla · market entry · India, Vietnam"


def test_no_events_no_gist() -> None:
    assert gist([], by_name) is None
    assert gist([Fact("Xiaomi", "rumour")], by_name) is None  # not in the taxonomy


def test_english_names() -> None:
    assert country_name("KR") == "South Korea" and country_name("de") == "Germany"
    assert country_name("XX") == "XX"
    assert language_name("ko") == "Korean" and language_name("zh-CN") == "Chinese" and language_name("pt_BR")
    assert language_name(None) is None and language_name("qqq") is None


# --- quotes --------------------------------------------------------------------------------------


def test_the_headline_is_never_quoted_again() -> None:
    headline = "Xiaomi pronta a sbarcare in Corea del Sud: accordi con due distributori e un brevetto per Mi Pay"
    assert repeats_headline(headline, headline)
    assert repeats_headline(headline.upper() + ".", headline)
    assert repeats_headline("…sbarcare in Corea del Sud: accordi con due distributori…", headline)
    assert not repeats_headline("Xiaomi avrebbe già raggiunto un accordo con Youmi e Koma Trade.", headline)


def test_best_sentence_names_the_most_entities_and_skips_the_headline() -> None:
    headline = "Xiaomi pronta a sbarcare in Corea del Sud"
    body = (
        "Xiaomi pronta a sbarcare in Corea del Sud. Il mercato è difficile. "
        "Xiaomi ha firmato con due distributori. "
        "Xiaomi avrebbe depositato un brevetto in Corea per Mi Pay. Fine."
    )
    surfaces = {"Xiaomi": ["Xiaomi"], "Korea": ["Corea"], "Mi Pay": ["Mi Pay"]}
    assert best_sentence(body, headline, surfaces) == "Xiaomi avrebbe depositato un brevetto in Corea per Mi Pay."
    assert best_sentence("Nothing named here. At all.", "A title", surfaces) == "Nothing named here."
    assert best_sentence(headline, headline, surfaces) is None
    assert best_sentence("", headline, surfaces) is None


def test_best_sentence_states_the_fact_rather_than_quote_it() -> None:
    """A sentence that is only a quote and its attribution names the company as often as the one that says what
    happened, and comes first: the digest shows the fact (watcher/parse/quotes.py, as the analysis reads past it)."""
    headline = "Xiaomi enters South Korea"
    surfaces = {"Xiaomi": ["Xiaomi"], "Mi Pay": ["Mi Pay"]}
    body = (
        "“Korea is a key market for Xiaomi and for Mi Pay,” said Xiaomi's country head. "
        "Xiaomi will sell its phones and Mi Pay through two distributors from March."
    )
    assert best_sentence(body, headline, surfaces) == (
        "Xiaomi will sell its phones and Mi Pay through two distributors from March."
    )
    german = (
        "„Wir freuen uns sehr über diesen Schritt für Xiaomi“, sagte ein Sprecher. Xiaomi eröffnet zwei Läden in Seoul."
    )
    assert best_sentence(german, headline, surfaces) == "Xiaomi eröffnet zwei Läden in Seoul."
    # A quote inside a sentence that reports stays the outlet's own words; a quote alone is still better than nothing.
    inside = "Xiaomi said it would “double its Korean sales” next year. A busy week."
    assert best_sentence(inside, headline, surfaces) == "Xiaomi said it would “double its Korean sales” next year."
    only_quote = "“We are very pleased to bring Xiaomi to Korea,” said a spokesperson."
    assert best_sentence(only_quote, headline, surfaces) == only_quote
    unnamed = "“We are very pleased with this step,” said a spokesperson. The phones go on sale in March."
    assert best_sentence(unnamed, headline, surfaces) == "The phones go on sale in March."


def test_quote_marks_whole_words_in_spaced_scripts_and_substrings_in_cjk() -> None:
    found = quote("Xiaomi and XiaomiFans: Xiaomi's plan", ["Xiaomi"])
    assert [found.text[a:b] for a, b in found.highlights] == ["Xiaomi", "Xiaomi"]
    assert found.highlights[1][0] == found.text.index("Xiaomi's")
    korean = quote("업계에 따르면 샤오미는 국내 유통업체와 계약", ["샤오미"])
    assert [korean.text[a:b] for a, b in korean.highlights] == ["샤오미"]
    spaced = quote("Sales in South  Korea rose", ["South Korea"])  # whitespace as the analyser normalises it
    assert [spaced.text[a:b] for a, b in spaced.highlights] == ["South Korea"]


def test_a_long_sentence_is_clipped_around_the_first_match() -> None:
    text = "Lorem ipsum dolor sit amet. " * 12 + "Xiaomi enters Korea. " + "Filler words here. " * 12
    found = quote(text, ["Xiaomi"])
    assert len(found.text) <= 242 and found.text.startswith("…") and found.text.endswith("…")
    assert [found.text[a:b] for a, b in found.highlights] == ["Xiaomi"]


# --- coverage and age ----------------------------------------------------------------------------


def at(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def test_coverage_of_one_report() -> None:
    assert coverage([Sighting("Asia Business Wire", "en", at(3))]) == "Asia Business Wire (en)"
    assert coverage([Sighting("TecnoNotizie (IT)", "it", at(3))]) == "TecnoNotizie (IT)"  # says it already
    assert coverage([Sighting("Wire", None, at(3))]) == "Wire"


def test_coverage_says_who_was_first_and_how_far_ahead_of_the_first_english_report() -> None:
    sightings = [
        Sighting("Reuters", "en", at(1)),
        Sighting("Мировые Технологии", "ru", at(8)),
        Sighting("TecnoNotizie", "it", at(10)),
    ]
    assert (
        coverage(sightings) == "3 outlets, 3 languages, first: TecnoNotizie (it), 9 h before the first English report"
    )


def test_coverage_when_the_first_report_is_english_or_none_is() -> None:
    english_first = [Sighting("Wire", "en", at(5)), Sighting("Heise", "de", at(4.5)), Sighting("Wire", "en", at(1))]
    assert coverage(english_first) == "2 outlets, 2 languages, first: Wire (en), 30 min before the next report"
    no_english = [Sighting("KO", "ko", at(30)), Sighting("IT", "it", at(23)), Sighting("RU", "ru", at(22))]
    assert coverage(no_english) == "3 outlets, 3 languages, first: KO (ko), 7 h before the next report"
    together = [Sighting("A", "en", at(2)), Sighting("B", "en-GB", at(2))]
    assert coverage(together) == "2 outlets, 1 language, first: A (en)"


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=35), "35 min ago"),
        (timedelta(hours=5, minutes=50), "5 h ago"),
        (timedelta(hours=47), "47 h ago"),
        (timedelta(days=3, hours=2), "3 d ago"),
        (timedelta(days=40), "40 d ago"),
    ],
)
def test_age(ago: timedelta, expected: str) -> None:
    assert age(NOW - ago, NOW) == expected


def test_age_gives_the_date_when_it_was_not_this_year_in_the_digests_zone() -> None:
    seoul = ZoneInfo("Asia/Seoul")
    new_year = datetime(2027, 1, 1, 9, 30, tzinfo=seoul)
    assert age(datetime(2026, 12, 30, 10, 0, tzinfo=seoul), new_year) == "47 h ago (30 Dec 2026)"
    # 23:30 UTC on 31 December is already the new year in Seoul: no year needed there.
    assert age(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), new_year) == "1 h ago"
    assert age(datetime(2025, 6, 1, 12, 0, tzinfo=UTC), new_year).endswith("d ago (1 Jun 2025)")
