"""A company whose name is also a word is tracked with require_any words (issue 11): those words are the item's to
have, anywhere in it, not each sentence's. A headline naming the company without them is still about it when the
lead says what the company is."""

from __future__ import annotations

import pytest

from watcher.analyze import Analyzer, analyze_items
from watcher.analyze.analyzer import ItemInput
from watcher.config import EntityConfig

CASES = [
    (
        "en",
        "Falcon opens its first store in Kenya",
        "The fashion retailer will sell its clothing in Nairobi from March.",
        {("market_entry", "Falcon")},
    ),
    (
        "fr",
        "Falcon va construire une usine au Brésil",
        "Le détaillant de mode y fabriquera ses vêtements à partir de 2028.",
        {("market_entry", "Falcon")},
    ),
    # No require_any word anywhere: the bird, not the company.
    ("en", "Falcon opens its first store in Kenya", "The bird was seen near Nairobi in March.", set()),
]


@pytest.mark.parametrize(("language", "title", "summary", "events"), CASES)
def test_require_any_words_are_the_items(language: str, title: str, summary: str, events: set[tuple[str, str]]) -> None:
    falcon = EntityConfig.model_validate({"name": "Falcon", "require_any": ["retailer*", "détaillant*"]})
    (result,) = analyze_items(Analyzer([falcon]), [ItemInput(id="x", title=title, summary=summary, language=language)])
    assert {(event.type, event.entity) for event in result.events} == events
