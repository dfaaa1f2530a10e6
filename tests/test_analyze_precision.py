"""Wrong events of heldout21 as general rules (issue 11): a country the company has long been in is no market to
enter, and "présente en France" (present) is no launch."""

from __future__ import annotations

import pytest

from tests.analyze_events import analyzer_of, events
from watcher.analyze import Analyzer

ENTITIES = ("Tesco", "Chery", "Daikin", "Costco")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return analyzer_of(ENTITIES)


def test_present_in_a_country_is_no_launch(analyzer: Analyzer) -> None:
    summary = "Costco, présente en France depuis 2017, inaugure un nouveau magasin."
    found = events(analyzer, "fr", "Costco à Paris", summary)
    assert not any(kind in ("product_launch", "market_entry") for kind, _entity, _market in found)
    assert ("product_launch", "Costco", None) in events(analyzer, "fr", "Costco présente sa nouvelle carte de membre")


def test_a_country_the_company_has_long_been_in_is_no_entry(analyzer: Analyzer) -> None:
    title = "Chery opens first store in Warsaw"
    assert ("market_entry", "Chery", "PL") in events(analyzer, "en", title)
    found = events(analyzer, "en", title, "Chery has been present in Poland since 2015 through dealers.")
    assert not any(kind == "market_entry" for kind, _entity, _market in found)


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("ru", "Tesco договорилась о продаже 112 магазинов в Польше и уходит с рынка."),
        ("en", "Tesco agrees to sell its 112 stores in Poland and leaves the market"),
    ],
)
def test_a_deal_to_sell_counted_shops_is_a_sale_not_a_partnership(
    analyzer: Analyzer, language: str, title: str
) -> None:
    found = events(analyzer, language, title)
    assert ("acquisition", "Tesco", None) in found
    assert not any(kind == "partnership" for kind, _entity, _market in found)
    assert not any(
        kind == "acquisition" for kind, *_ in events(analyzer, "en", "Tesco sells its own label in 112 stores")
    )


def test_a_subsidiary_set_up_to_sell_is_no_sale(analyzer: Analyzer) -> None:
    found = events(analyzer, "en", "Daikin sets up Kenyan subsidiary to sell air conditioners directly")
    assert not any(kind == "acquisition" for kind, _entity, _market in found)
    assert ("acquisition", "Daikin", None) in events(analyzer, "en", "Daikin sells its Kenyan subsidiary")


@pytest.mark.parametrize(
    ("language", "title", "summary"),
    [
        ("ja", "Daikin、滋賀に新工場 国内生産を強化", ""),
        (
            "en",
            "Daikin to build new plant in Shiga",
            "The maker will expand domestic capacity by 20% with the factory.",
        ),
    ],
)
def test_a_plant_in_an_item_about_domestic_output_is_no_entry(
    analyzer: Analyzer, language: str, title: str, summary: str
) -> None:
    assert not any(kind == "market_entry" for kind, *_ in events(analyzer, language, title, summary))


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("he", "Tesco חתמה על הסכם לרכישת החברה הישראלית"),
        ("ar", "أعلنت Tesco استحواذها على شركة نايل في صفقة لم يُكشف عن قيمتها"),
    ],
)
def test_a_deal_to_buy_a_company_is_an_acquisition(analyzer: Analyzer, language: str, title: str) -> None:
    found = events(analyzer, language, title)
    assert ("acquisition", "Tesco", None) in found
    assert not any(kind == "partnership" for kind, _entity, _market in found)


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("id", "Pemasok kompresor Daikin asal Thailand masuk pasar India"),
        ("en", "A supplier to Daikin enters the Indian market"),
        ("ja", "Daikinのサプライヤーがインド市場に参入"),
    ],
)
def test_a_suppliers_entry_is_not_its_customers(analyzer: Analyzer, language: str, title: str) -> None:
    assert not any(kind == "market_entry" for kind, *_ in events(analyzer, language, title))
    assert ("market_entry", "Daikin", "IN") in events(analyzer, "en", "Daikin enters the Indian market")


@pytest.mark.parametrize(
    ("language", "summary"),
    [
        ("id", "Siam Compressor, mitra lama Daikin, membuka kantor penjualan pertamanya di India."),
        ("en", "Siam Compressor, a longtime partner of Daikin, opens its first sales office in India."),
    ],
)
def test_a_partner_described_by_the_company_is_not_the_company(analyzer: Analyzer, language: str, summary: str) -> None:
    assert not any(kind == "market_entry" for kind, *_ in events(analyzer, language, "Kompresor", summary))
