"""The events one item makes, for tests of the event rules: an Analyzer without the encoder, one item in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from watcher.analyze import Analyzer, ItemFacts, analyze_items
from watcher.analyze.analyzer import ItemInput
from watcher.analyze.embed import Encoder
from watcher.config import EntityConfig


def analyzer_of(names: Iterable[str]) -> Analyzer:
    return Analyzer([EntityConfig.model_validate({"name": name}) for name in names], Encoder(enabled=False))


def events(analyzer: Analyzer, language: str, title: str, summary: str = "") -> set[tuple[str, str, str | None]]:
    item = ItemInput(id="x", title=title, summary=summary, language=language)
    (result,) = analyze_items(analyzer, [item])
    return {(event.type, event.entity, event.market) for event in result.events}


def story_facts(
    analyzer: Analyzer, monday: datetime, key: str, hours: int, title: str, summary: str = "", language: str = "en"
) -> ItemFacts:
    """What story grouping knows of an item published `hours` after `monday`, from a feed of its own."""
    item = ItemInput(key, title, summary, published=monday + timedelta(hours=hours), feed=key, language=language)
    (result,) = analyze_items(analyzer, [item])
    return result.facts


def unseen(report: ItemFacts, language: str = "sw") -> ItemFacts:
    """The report as if written in a language the encoder was not trained on (what it compares is the same)."""
    return replace(report, language=language, native=False)
