"""Event rules heldout25's mistakes taught, each on sentences of its own: languages with no cue table for an event
type (Welsh, Icelandic, Burmese; Irish leadership and lawsuits, Yoruba loans), forms missing in known languages,
a company named as another's customer, rival or former employer, a product launched where the company already sells,
a look back ("Há 30 anos"), a past deal dated in its clause, a patent obtained (no stake), Irish country names after a
preposition ("i bPeiriú", "margadh Pheiriú")."""

from __future__ import annotations

from tests.analyze_events import analyzer_of, events

ANALYZER = analyzer_of(["Nokia", "Vodacom", "Tesla", "Orlen", "Renault", "ニデック", "比亚迪"])


def kinds(language: str, title: str, summary: str = "") -> set[tuple[str, str]]:
    return {(kind, entity) for kind, entity, _market in events(ANALYZER, language, title, summary)}


def test_languages_given_core_event_words() -> None:
    assert kinds("cy", "Dirwy o £2m i Vodacom am dorri rheolau") == {("legal", "Vodacom")}
    assert kinds("cy", "Vodacom yn lansio ffôn newydd") == {("product_launch", "Vodacom")}
    assert kinds("is", "Nokia sektað um 50 milljónir króna") == {("legal", "Nokia")}
    assert kinds("is", "Nokia segir upp 200 starfsmönnum") == {("layoffs", "Nokia")}
    assert kinds("my", "Nokia ကုမ္ပဏီ ဝန်ထမ်း ၂၀၀ အလုပ်ဖြုတ်မည်") == {("layoffs", "Nokia")}
    assert kinds("ga", "Príomhfheidhmeannach Nokia le héirí as") == {("leadership", "Nokia")}
    assert kinds("yo", "Vodacom gba owó yá ₦50bn láti ọ̀dọ̀ àwọn ilé ìfowópamọ́") == {("funding", "Vodacom")}
    assert kinds("cy", "Mae Vodacom yn gwadu ei bod am brynu cwmni") == set()  # a denial


def test_irish_country_names_after_a_preposition() -> None:
    """Irish lenites or eclipses a name's first letter: "margadh Pheiriú", "i bPeiriú", "i mBrasaíl"."""
    assert ("market_entry", "Tesla", "PE") in events(ANALYZER, "ga", "Tesla ag dul isteach i margadh Pheiriú")
    assert ("market_entry", "Tesla", "BR") in events(ANALYZER, "ga", "Tesla ag dul isteach i margadh na Brasaíle",
                                                     "Osclóidh Tesla a chéad siopa i mBrasaíl.")  # fmt: skip


def test_forms_missing_in_known_languages() -> None:
    assert kinds("en", "Orlen sells $800 million of notes due 2031") == {("funding", "Orlen")}
    assert kinds("tr", "Orlen 500 milyon dolarlık eurobond ihraç etti") == {("funding", "Orlen")}
    assert kinds("bg", "Renault ще съкрати 400 души в завода в Бурса") == {("layoffs", "Renault")}
    assert kinds("ja", "ニデック、副社長が社長に昇格") == {("leadership", "ニデック")}
    assert kinds("fi", "Telakka sai tilauksen: Tesla tilaa kolme uutta alusta") == {("partnership", "Tesla")}
    assert kinds("en", "Nokia's new 5G router is going on sale in March for $299") == {("product_launch", "Nokia")}
    assert kinds("tr", "Renault, Mısırlı bir şirketle ortak girişimle fabrika kuruyor") >= {("partnership", "Renault")}


def test_starting_production_is_no_product_launch() -> None:
    assert kinds("uk", "Renault запустила виробництво на новому заводі") == set()
    assert kinds("uk", "Renault запустила новий електромобіль") == {("product_launch", "Renault")}


def test_a_company_named_as_a_customer_rival_or_former_employer_is_no_party() -> None:
    assert kinds("en", "Acme opens first store in Lima, taking on Tesla") == set()
    assert kinds("zh", "电池隔膜厂商星源科创板IPO获受理，客户包括比亚迪") == set()
    assert kinds("zh", "比亚迪科创板IPO获受理") == {("funding", "比亚迪")}
    assert kinds("ja", "ミツバ電機、社長に元ニデック常務の山田氏") == set()
    lead = "Acme Corp said it had appointed Jane Doe, who ran sales at Nokia until 2024, as its chief executive."
    assert kinds("en", "Acme Corp board meets", lead) == set()
    assert kinds("en", "Acme Corp board meets", "Nokia said it had appointed Jane Doe as its chief executive.") == {
        ("leadership", "Nokia")
    }


def test_a_product_launched_where_the_company_sells_is_no_entry() -> None:
    lead = "Nokia has unveiled the X30 phone, with launches in Germany, France and Brazil next week."
    assert kinds("en", "Nokia launches the X30", lead) == {("product_launch", "Nokia")}
    assert ("market_entry", "Nokia", "BR") in events(ANALYZER, "en", "Nokia launches in Brazil for the first time")


def test_a_look_back_and_a_past_deal_make_no_event() -> None:
    assert kinds("pt", "Há 25 anos, Renault abria sua primeira fábrica fora da França") == set()
    assert kinds("pt", "Renault abre sua primeira fábrica no Peru") == {("market_entry", "Renault")}
    lead = "In 2003, Renault opened its first plant in Peru, near Lima."
    assert kinds("en", "Renault cars: a history", lead) == set()
    lead = "Tesla has launched a new Model S, its biggest release since the Panasonic partnership began in 2019."
    assert kinds("en", "Tesla unveils a new Model S", lead) == {("product_launch", "Tesla")}


def test_a_patent_obtained_is_no_stake_taken() -> None:
    text = "比亚迪近日获得一项电池散热结构发明专利，可使电池体积缩小约15%。"
    assert kinds("zh", "比亚迪获得电池专利授权", text) == {("patent", "比亚迪")}
    assert kinds("zh", "比亚迪获得某电池公司20%股权") == {("acquisition", "比亚迪")}
