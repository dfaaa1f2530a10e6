"""Wrong events of heldout21 as general rules (issue 11): a country the company has long been in is no market to
enter, and "présente en France" (present) is no launch."""

from __future__ import annotations

import pytest

from watcher.analyze import Analyzer, analyze_items
from watcher.analyze.analyzer import ItemInput
from watcher.analyze.embed import Encoder
from watcher.config import EntityConfig

ENTITIES = ("Tesco", "Chery", "Daikin", "Costco")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer([EntityConfig.model_validate({"name": name}) for name in ENTITIES], Encoder(enabled=False))


def events(analyzer: Analyzer, language: str, title: str, summary: str = "") -> set[tuple[str, str, str | None]]:
    item = ItemInput(id="x", title=title, summary=summary, language=language)
    (result,) = analyze_items(analyzer, [item])
    return {(event.type, event.entity, event.market) for event in result.events}


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
