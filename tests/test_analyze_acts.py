"""Who does what: verbs whose subject is not the tracked company (issue 11). Shoppers buying goods on a company's
platform are no acquisition by it; the deal that lets them is a partnership of both companies."""

from __future__ import annotations

import pytest

from watcher.analyze import Analyzer, analyze_items
from watcher.analyze.analyzer import ItemInput
from watcher.config import EntityConfig

CASES = [
    (
        "en",
        "Vodafone and Maersk have signed a deal that lets shoppers on Vodafone's app buy from retailers in Europe",
        {("partnership", "Vodafone"), ("partnership", "Maersk")},
    ),
    ("de", "Kunden von Vodafone können künftig im Shop von Maersk kaufen", set()),
    ("en", "Vodafone agreed to buy Maersk's logistics arm", {("acquisition", "Vodafone")}),
    ("sw", "Wateja wa Vodafone sasa wataweza kununua bidhaa kutoka Maersk", set()),
]


@pytest.mark.parametrize(("language", "title", "events"), CASES)
def test_customers_buying_are_no_acquisition(language: str, title: str, events: set[tuple[str, str]]) -> None:
    analyzer = Analyzer([EntityConfig.model_validate({"name": name}) for name in ("Vodafone", "Maersk")])
    (result,) = analyze_items(analyzer, [ItemInput(id="x", title=title, language=language)])
    assert {(event.type, event.entity) for event in result.events} == events
