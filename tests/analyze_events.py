"""The events one item makes, for tests of the event rules: an Analyzer without the encoder, one item in."""

from __future__ import annotations

from collections.abc import Iterable

from watcher.analyze import Analyzer, analyze_items
from watcher.analyze.analyzer import ItemInput
from watcher.analyze.embed import Encoder
from watcher.config import EntityConfig


def analyzer_of(names: Iterable[str]) -> Analyzer:
    return Analyzer([EntityConfig.model_validate({"name": name}) for name in names], Encoder(enabled=False))


def events(analyzer: Analyzer, language: str, title: str, summary: str = "") -> set[tuple[str, str, str | None]]:
    item = ItemInput(id="x", title=title, summary=summary, language=language)
    (result,) = analyze_items(analyzer, [item])
    return {(event.type, event.entity, event.market) for event in result.events}
