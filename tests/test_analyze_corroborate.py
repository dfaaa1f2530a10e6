"""A story's reports share the market entries one of them makes (issue 11): a report naming the company and the
country entered gains the entry its own words do not make; not a rumour, nor one naming another country."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watcher.analyze import Analyzer, ItemInput, analyze_items
from watcher.analyze.corroborate import corroborate, corroborated_entries
from watcher.analyze.sentences import Event
from watcher.analyze.signals import Signals
from watcher.analyze.stories import ItemFacts, Story
from watcher.config import EntityConfig

NOW = datetime.now(UTC)


def facts(
    key: str, places: set[str], entries: frozenset[tuple[str, str]] = frozenset(), blocker: str | None = None
) -> ItemFacts:
    return ItemFacts(
        key=key,
        published=NOW,
        language="en",
        feed=key,
        actors=frozenset({"Asahi"}),
        events=frozenset(("market_entry", entity) for entity, _market in entries),
        entry_markets=frozenset(market for _entity, market in entries),
        places=frozenset(places),
        signals=Signals(frozenset(), frozenset(), frozenset(), frozenset()),
        blocker=blocker,
        entries=frozenset(entries),
        place_evidence={code: f"words naming {code}" for code in places},
    )


def test_a_report_naming_the_country_gains_the_entry_and_others_do_not() -> None:
    source = facts("en", {"IN"}, frozenset({("Asahi", "IN")}))
    naming = facts("ja", {"IN"})
    elsewhere = facts("hi", {"JP"})  # names the company's home only
    rumour = facts("ko", {"IN"}, blocker="rumour")
    story = Story("en", [source, naming, elsewhere, rumour])
    assert corroborated_entries(naming, story) == [Event("market_entry", "Asahi", "words naming IN", "IN")]
    assert corroborated_entries(elsewhere, story) == []
    assert corroborated_entries(rumour, story) == []
    assert corroborated_entries(source, story) == []  # has it already


def test_an_entry_does_not_travel_on_through_a_report_that_only_gained_it() -> None:
    source = facts("en", {"IN", "NP"}, frozenset({("Asahi", "IN")}))
    gains = facts("ja", {"IN"})
    story = Story("en", [source, gains])
    events: list[Event] = []
    corroborate([(gains, events, story), (source, [], story)])
    assert [(event.type, event.market) for event in events] == [("market_entry", "IN")]
    assert ("Asahi", "IN") in gains.entries and ("market_entry", "Asahi") in gains.events


def test_reports_of_one_story_share_the_entry_through_analyze_items() -> None:
    analyzer = Analyzer([EntityConfig.model_validate({"name": "Tesco"})])
    hours = [NOW - timedelta(hours=5), NOW - timedelta(hours=3)]
    items = [
        ItemInput(
            id="a",
            title="Tesco signs a distribution agreement with Lotte to sell its own-label goods in South Korea",
            published=hours[0],
            feed="Wire",
            language="en",
        ),
        ItemInput(
            id="b",
            title="Lotte to carry Tesco own-label goods across South Korea under a distribution agreement",
            published=hours[1],
            feed="Retail Daily",
            language="en",
        ),
    ]
    first, second = analyze_items(analyzer, items)
    assert first.story == second.story
    assert [(e.type, e.market) for e in first.events if e.type == "market_entry"] == [("market_entry", "KR")]
    assert [(e.type, e.market) for e in second.events if e.type == "market_entry"] == [("market_entry", "KR")]
    assert "South Korea" in next(e.evidence for e in second.events if e.type == "market_entry")
