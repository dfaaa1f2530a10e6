"""Rules heldout31's second reading taught, each on text of its own: an airline's first flight to a country is its
entry there; the same events read in two languages the encoder cannot compare are no sign of one event where
both reports give figures and none is the same (two acquisitions two days apart); the clause after weeks or more
since an event ("weeks after it raised ...") and a sentence opening on a time before the news ("Two days earlier,
...") tell an earlier event, no event of the item's; a debt facility or a credit line obtained is funding; papers filed
with a regulator are no legal action; Hindi and Urdu written in Latin letters are told by their own words, and read
with English cues beside their own; a Korean headline's "베트남 이어" (after Vietnam) names the country entered
before; cue words of ten languages that the set's headlines used."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.analyze_events import analyzer_of, events, story_facts, unseen
from watcher.analyze import ItemFacts, ItemInput, analyze_items
from watcher.analyze.language import detect_language
from watcher.analyze.stories import JOIN_AT
from watcher.analyze.story_fit import fit

ANALYZER = analyzer_of(["Jambojet", "Vodacom", "Orlen"])
MONDAY = datetime.now(UTC).replace(microsecond=0) - timedelta(days=6)


def facts(key: str, hours: int, title: str, summary: str = "", language: str = "en") -> ItemFacts:
    """What story grouping knows of an item published `hours` after Monday, from a feed of its own."""
    return story_facts(ANALYZER, MONDAY, key, hours, title, summary, language)


def test_an_airlines_first_flight_to_a_country_is_an_entry() -> None:
    assert ("market_entry", "Jambojet", "GH") in events(ANALYZER, "en", "Jambojet operates its first flight to Ghana")
    landed = "Jambojet, a low-cost carrier, landed its first scheduled flight in Ghana on Monday."
    assert ("market_entry", "Jambojet", "GH") in events(ANALYZER, "en", "A new tail at Kotoka", landed)
    assert not any(kind == "market_entry" for kind, _e, _m in events(ANALYZER, "en", "Jambojet's first flight lands"))


def test_two_purchases_with_other_figures_in_languages_not_compared_stay_apart() -> None:
    first = facts("first", 0, "Orlen buys a lubricants brand for 210 million dollars")
    second = facts("second", 48, "Orlen buys a fuel retailer for 95.5 billion yen", "It takes 80% of the company.")
    assert ("acquisition", "Orlen") in first.events & second.events
    assert fit(unseen(first), second) < JOIN_AT
    # A report of the first purchase giving its figure still joins it.
    again = facts("again", 6, "Orlen to acquire lubricants brand in 210 million dollar deal")
    assert fit(unseen(again), first) >= JOIN_AT


def test_an_event_weeks_before_the_news_is_background() -> None:
    news = "Vodacom will cut 300 jobs. The cuts come weeks after the operator raised 80 million dollars from investors."
    found = events(ANALYZER, "en", "Vodacom to cut jobs", news)
    assert ("layoffs", "Vodacom", None) in found and ("funding", "Vodacom", None) not in found
    earlier = "Vodacom will cut 300 jobs. Two days earlier, the operator had raised 80 million dollars from investors."
    assert ("funding", "Vodacom", None) not in events(ANALYZER, "en", "Vodacom to cut jobs", earlier)
    # Days after an event, it is news still: the earlier event is the item's too.
    days = "Vodacom will cut 300 jobs. The cuts come days after the operator raised 80 million dollars from investors."
    assert ("funding", "Vodacom", None) in events(ANALYZER, "en", "Vodacom to cut jobs", days)
    opening = "Dois dias antes, a Vodacom havia captado 80 milhões de dólares com investidores."
    assert ("funding", "Vodacom", None) not in events(ANALYZER, "pt", "Vodacom corta 300 empregos", opening)


def test_a_debt_facility_or_a_credit_line_obtained_is_funding() -> None:
    assert ("funding", "Vodacom", None) in events(ANALYZER, "en", "Vodacom lines up $25 million debt facility")
    assert ("funding", "Vodacom", None) in events(ANALYZER, "pt", "Vodacom obtém linha de crédito de US$ 25 milhões")


def test_papers_filed_with_a_regulator_are_no_legal_action() -> None:
    filed = "Orlen's draft prospectus, filed with the market regulator on Tuesday, runs to 600 pages."
    assert not any(kind == "legal" for kind, _e, _m in events(ANALYZER, "en", "What Orlen's listing says", filed))
    fined = "The market regulator fined Orlen 5 million zlotys after complaints were filed with the watchdog."
    assert ("legal", "Orlen", None) in events(ANALYZER, "en", "Regulator fines Orlen", fined)


def test_hindi_and_urdu_in_latin_letters_are_told_by_their_words() -> None:
    assert detect_language("Vodacom ne 500 logon ki chhutti ki") == "hi"
    assert detect_language("Orlen ab Berlin mein: pehli baar videsh mein petrol pump") == "hi"
    assert detect_language("Orlen ka Berlin mein aaghaz: kya Pakistan agla hai?") == "ur"
    assert detect_language("Mein Unternehmen ist ab heute in Berlin tätig und hat neue Kunden") == "de"
    assert detect_language("Gojek meluncurkan layanan baru ke Jakarta pada hari Jumat") != "hi"


def test_hinglish_is_read_with_its_english_business_words() -> None:
    item = ItemInput("h1", "Vodacom ne Orlen ke saath nayi partnership sign ki hai", "", feed="x")
    (result,) = analyze_items(ANALYZER, [item])
    assert result.language == "hi"
    assert {("partnership", "Vodacom"), ("partnership", "Orlen")} <= {(e.type, e.entity) for e in result.events}
    (fired,) = analyze_items(ANALYZER, [ItemInput("h2", "Vodacom ne 500 logon ki chhutti ki", "", feed="x")])
    assert [(e.type, e.entity) for e in fired.events] == [("layoffs", "Vodacom")]


def test_a_korean_headline_names_the_country_entered_before_without_its_particle() -> None:
    found = events(ANALYZER, "ko", "Orlen, 체코 1호점…슬로바키아 이어 하루 만에 또 해외 진출")
    assert {market for kind, _e, market in found if kind == "market_entry"} == {"CZ"}


@pytest.mark.parametrize(
    ("language", "title", "expected"),
    [
        ("pl", "Orlen pozwany przez inwestorów w USA", ("legal", "Orlen", None)),
        ("es", "Suprema Corte falla contra Orlen en litigio fiscal", ("legal", "Orlen", None)),
        ("hi", "सीसीआई ने Orlen के खिलाफ जांच के आदेश दिए", ("legal", "Orlen", None)),
        ("sk", "Orlen podal prihlášku ochrannej známky Sirius", ("patent", "Orlen", None)),
        ("ja", "Orlen、9〜11月期は増益", ("earnings", "Orlen", None)),
        ("ko", "Orlen 새 대표에 김승환 부사장", ("leadership", "Orlen", None)),
        ("tr", "Orlen 1,5 milyar dolarlık sukuk sattı", ("funding", "Orlen", None)),
        ("bn", "ছয় শহরে ওষুধ ডেলিভারি চালু করল Orlen", ("product_launch", "Orlen", None)),
    ],
)
def test_cue_words_the_sets_headlines_used(language: str, title: str, expected: tuple[str, str, None]) -> None:
    assert expected in events(ANALYZER, language, title)


def test_an_indonesian_denial_without_its_prefix_is_no_event() -> None:
    assert events(ANALYZER, "id", "Orlen bantah kabar merger dengan Lotos") == set()
