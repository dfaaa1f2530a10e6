"""Cue families checked across languages (issue 11, heldout22): each phrase family with its equivalents in the other
major languages, written for these tests, not taken from a labelled set."""

from __future__ import annotations

import pytest

from tests.analyze_events import analyzer_of, events

HOTELS = analyzer_of(["Hilton"])

# A chain's first hotel in a country is its entry, as a first shop is.
FIRST_HOTEL = [
    ("en", "Hilton opens its first hotel in Latvia", "LV"),
    ("de", "Hilton eröffnet sein erstes Hotel in Lettland", "LV"),
    ("fr", "Hilton ouvre son premier hôtel en Lettonie", "LV"),
    ("es", "Hilton abre su primer hotel en Letonia", "LV"),
    ("it", "Hilton apre il suo primo hotel in Lettonia", "LV"),
    ("pt", "Hilton abre o seu primeiro hotel na Letônia", "LV"),
    ("nl", "Hilton opent eerste hotel in Letland", "LV"),
    ("pl", "Hilton otwiera pierwszy hotel na Łotwie", "LV"),
    ("ru", "Hilton открыла первый отель в Латвии", "LV"),
    ("uk", "Hilton відкрила перший готель у Латвії", "LV"),
    ("sv", "Hilton öppnar sitt första hotell i Lettland", "LV"),
    ("fi", "Hilton avasi ensimmäisen hotellinsa Latviaan", "LV"),
    ("lv", "Rīgā atvērta pirmā Hilton viesnīca Latvijā", "LV"),
    ("et", "Hilton avas Lätis esimese hotelli", "LV"),
    ("cs", "Hilton otevřel první hotel v Lotyšsku", "LV"),
    ("tr", "Hilton Letonya'daki ilk otelini açtı", "LV"),
    ("ja", "Hilton、ラトビアに初のホテルを開業", "LV"),
    ("zh", "Hilton在拉脱维亚开设首家酒店", "LV"),
    ("ko", "Hilton, 라트비아에 첫 호텔 개장", "LV"),
    ("vi", "Hilton khai trương khách sạn đầu tiên tại Latvia", "LV"),
    ("id", "Hilton membuka hotel pertama di Latvia", "LV"),
]


@pytest.mark.parametrize(("language", "title", "market"), FIRST_HOTEL)
def test_a_first_hotel_in_a_country_is_an_entry(language: str, title: str, market: str) -> None:
    assert ("market_entry", "Hilton", market) in events(HOTELS, language, title)


PAYMENTS = analyzer_of(["Stripe"])


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("ru", "Stripe пришел в Казахстан"),
        ("ru", "Stripe пришёл в Казахстан"),
        ("ru", "Stripe придёт в Казахстан"),
        ("uk", "Stripe прийшов у Казахстан"),
        ("uk", "Stripe прийде до Казахстану"),
    ],
)
def test_russian_and_ukrainian_come_in_every_gender_and_tense(language: str, title: str) -> None:
    assert ("market_entry", "Stripe", "KZ") in events(PAYMENTS, language, title)


def test_estonian_illatives_that_double_a_consonant_are_the_country() -> None:
    assert ("market_entry", "Hilton", "LV") in events(HOTELS, "et", "Hilton jõudis Lätti")
    assert ("market_entry", "Hilton", "LT") in events(HOTELS, "et", "Hilton jõudis Leetu")


def test_a_word_for_companies_the_verb_reaches_is_no_home() -> None:
    """ "available to Kazakh companies": customers, not where the company is from."""
    found = events(
        PAYMENTS,
        "ru",
        "Stripe пришла в Казахстан",
        "Платежный сервис Stripe стал доступен казахстанским компаниям.",
    )
    assert ("market_entry", "Stripe", "KZ") in found
    # its description stays its home: no entry into the country it is from
    assert events(PAYMENTS, "ru", "Stripe, американская компания, пришла в США") == set()


@pytest.mark.parametrize(
    ("noun", "company"),
    [
        ("telco", "Telstra"),
        ("steelmaker", "Baowu"),
        ("fintech", "Stripe"),
        ("hotelier", "Hilton"),
        ("oil major", "Shell"),
    ],
)
def test_a_headline_names_its_company_by_its_trade(noun: str, company: str) -> None:
    """ "Australian telco opens first office in Vietnam", the company named in the lead: the headline's subject."""
    found = events(
        analyzer_of([company]),
        "en",
        f"Foreign {noun} opens first office in Vietnam",
        f"{company} said the office in Hanoi would serve its customers in the region.",
    )
    assert ("market_entry", company, "VN") in found


@pytest.mark.parametrize(
    ("language", "title", "company"),
    [
        ("ko", "일본 택배사 Yamato, 일본에 첫 물류센터 개장", "Yamato"),
        ("ko", "프랑스 해운사 CMA CGM, 프랑스에 첫 공장 건설", "CMA CGM"),
        ("ko", "중국 철강사 Baowu, 중국에 첫 공장 건설", "Baowu"),
        ("ko", "호주 통신사 Telstra, 호주에 첫 데이터센터 개장", "Telstra"),
        ("ko", "스위스 제약사 Roche, 스위스에 첫 공장 건설", "Roche"),
        ("zh", "澳大利亚运营商Telstra在澳大利亚开设首个数据中心", "Telstra"),
    ],
)
def test_a_country_before_a_word_for_the_companys_trade_is_its_home(language: str, title: str, company: str) -> None:
    """ "일본 최대 택배사 야마토운수" (Japan's largest courier Yamato): Japan is Yamato's home, no market it enters."""
    assert not any(kind == "market_entry" for kind, _entity, _market in events(analyzer_of([company]), language, title))
