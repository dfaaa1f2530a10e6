"""What a sentence says beside its news is no event (issue 11, heldout17's leftovers as general rules): a launch's
time ("300 partners at launch"), a shop run by a franchisee, goods shipped from a plant, a plant that describes the
company whose results are the news; and a company's country written after the word for it (Vietnamese)."""

from __future__ import annotations

import pytest

from tests.analyze_events import analyzer_of, events
from watcher.analyze import Analyzer
from watcher.analyze.homes import item_homes

ENTITIES = ("Tesco", "Chery", "Alstom", "Costco")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return analyzer_of(ENTITIES)


def test_a_launch_named_as_a_time_is_no_launch(analyzer: Analyzer) -> None:
    found = events(analyzer, "en", "Costco's Kenyan unit reports", "Costco said 300 suppliers signed up at launch.")
    assert not any(kind == "product_launch" for kind, _entity, _market in found)
    assert ("product_launch", "Costco", None) in events(analyzer, "en", "Costco relaunches its app with new services")


@pytest.mark.parametrize(
    ("language", "summary"),
    [
        ("en", "The store in Tbilisi is run by a franchisee, like the chain's stores elsewhere."),
        ("da", "Butikken i Tbilisi drives af en franchisetager, ligesom kædens andre butikker."),
        ("sv", "Butiken i Tbilisi drivs av en franchisetagare."),
    ],
)
def test_a_shop_run_by_a_franchisee_is_no_new_partnership(analyzer: Analyzer, language: str, summary: str) -> None:
    found = events(analyzer, language, "Tesco Tbilisi", f"Tesco. {summary}")
    assert not any(kind == "partnership" for kind, _entity, _market in found)


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Alstom ships a new batch of metro coaches from its Chennai plant to Australia"),
        ("en", "Alstom exports new trains built at its plant in India to Australia"),
        ("hi", "Alstom ने भारत के प्लांट में बने मेट्रो कोचों की नई खेप ऑस्ट्रेलिया भेजी"),
    ],
)
def test_goods_shipped_from_a_plant_enter_no_market(analyzer: Analyzer, language: str, title: str) -> None:
    assert not any(kind == "market_entry" for kind, _entity, _market in events(analyzer, language, title))


def test_a_plant_describing_the_company_whose_results_are_the_news_is_no_entry(analyzer: Analyzer) -> None:
    found = events(
        analyzer,
        "vi",
        "Chery báo lỗ 100 triệu USD trong quý IV",
        "Hãng xe Trung Quốc Chery, chủ đầu tư nhà máy tại Thái Bình, báo lỗ ròng 100 triệu USD trong quý IV.",
    )
    assert found == {("earnings", "Chery", None)}


def test_a_country_after_the_word_for_the_company_is_its_home(analyzer: Analyzer) -> None:
    sentence = analyzer._sentence(0, "Nhà sản xuất ô tô Trung Quốc Chery khai trương nhà máy mới", "vi")
    assert item_homes([sentence], "vi") == {"CN"}
    elsewhere = analyzer._sentence(0, "Hãng xe Chery mở nhà máy đầu tiên tại Trung Quốc", "vi")
    assert item_homes([elsewhere], "vi") == set()
