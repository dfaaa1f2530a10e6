"""Entries heldout18's mistakes taught: the country "for the first time" belongs to (the one beside it in its clause,
not the next target named after a clause ends), a first European plant in more languages, a start of operations
reported in a verb-last clause, Korean "판매를 시작" (begins selling), and what a company says it will not do ("no
plans", "bir karar bulunmadığını"): no entry, and a denial in a headline, not the report of the launch."""

from __future__ import annotations

from tests.analyze_events import events
from watcher.analyze import Analyzer, ItemInput, analyze_items
from watcher.analyze.embed import Encoder
from watcher.config import EntityConfig

ANALYZER = Analyzer(
    [
        EntityConfig(name="Ping An", aliases=["Ping An", "ผิงอัน"]),
        EntityConfig(name="DP World", aliases=["DP World"]),
        EntityConfig(name="CJ CheilJedang", aliases=["CJ CheilJedang", "CJ제일제당", "비비고"]),
        EntityConfig(name="Careem", aliases=["Careem"]),
    ],
    Encoder(enabled=False),
)


def markets(language: str, title: str, summary: str = "") -> set[str | None]:
    return {market for kind, _entity, market in events(ANALYZER, language, title, summary) if kind == "market_entry"}


def test_first_time_takes_the_country_before_it_when_its_clause_ends_before_the_next() -> None:
    thai = "ผิงอัน นับเป็นการรุกตลาดมาเลเซียครั้งแรกของกลุ่ม ขณะที่นักวิเคราะห์มองว่าไทยอาจเป็นเป้าหมายถัดไป"
    assert markets("th", thai) == {"MY"}
    english = "Ping An offers insurance in Malaysia for the first time, while rivals look at Thailand"
    assert markets("en", english) == {"MY"}
    # A country after it in the same clause is the one entered; the one before it is the company's.
    assert markets("vi", "DP World: tập đoàn cảng biển của UAE lần đầu đầu tư vào Việt Nam") == {"VN"}


def test_a_first_european_plant_in_hungarian_and_german() -> None:
    hungarian = "Magyarországon kezdte meg első európai üzemének működését a dél-koreai CJ CheilJedang."
    assert markets("hu", "CJ CheilJedang", hungarian) == {"HU"}
    german = "CJ CheilJedang eröffnet in Ungarn das erste europäische Werk"
    assert markets("de", german) == {"HU"}


def test_pasta_is_no_test_in_hungarian() -> None:
    """ "teszt*" (a review) folded without accents caught "tésztát" (pasta, dough): the sentence was dropped."""
    lead = "Magyarországon kezdte meg első európai üzemének működését a CJ CheilJedang, amely töltött tésztát gyárt."
    assert markets("hu", "CJ CheilJedang", lead) == {"HU"}


def test_a_start_of_operations_in_a_verb_last_clause_with_the_company_described() -> None:
    summary = "Kompaniya bir vaqtning oʻzida qoʻshni Qozogʻistonda ham faoliyat boshlaganini maʼlum qildi."
    assert markets("uz", "Careem Oʻzbekistonda ish boshladi", summary) == {"UZ", "KZ"}


def test_korean_begins_selling_in_a_country() -> None:
    summary = "CJ제일제당이 사우디와 아랍에미리트(UAE)에서 비비고 만두 판매를 시작한다."
    assert markets("ko", "CJ제일제당, 사우디 시장 첫 진출", summary) == {"SA", "AE"}


def test_a_decision_not_taken_is_no_entry() -> None:
    assert markets("tr", "Careem: Türkiye pazarına girme yönünde bir karar bulunmadığını söyledi") == set()
    assert markets("az", "Careem: Azərbaycan bazarına daxil olmaq üçün planımız yoxdur") == set()


def test_no_plans_in_a_headline_is_a_denial() -> None:
    def blocker(language: str, title: str) -> str | None:
        (analysis,) = analyze_items(ANALYZER, [ItemInput(id="x", title=title, language=language)])
        return analysis.facts.blocker

    assert blocker("tr", "Careem'den Türkiye açıklaması: Şu an bir planımız yok") == "denial"
    assert blocker("en", "Careem says it has no plans to enter Turkey") == "denial"
    assert blocker("de", "Careem hat keine Pläne für die Türkei") == "denial"
    assert blocker("en", "Careem enters Turkey") is None
