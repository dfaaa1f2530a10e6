"""Rules heldout32's mistakes taught (event days: one company, or two rivals at one show, announcing several things of
one kind on one day), each on sentences of its own: a launch read for one company and a launch read for another are
two launches, however alike the reports read and whatever names they share; a deal's two parties may each be read as
its subject; a launch named after "after" ("days after the Phone (4) launch") is what came before the news."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.analyze_events import analyzer_of, events
from watcher.analyze import ItemFacts, ItemInput, analyze_items
from watcher.analyze.stories import AGREE, JOIN_AT
from watcher.analyze.story_fit import agree, fit
from watcher.analyze.story_subjects import other_subjects

ANALYZER = analyzer_of(["Nokia", "Vodacom", "Orlen", "Renault", "Dacia"])
MONDAY = datetime.now(UTC).replace(microsecond=0) - timedelta(days=6)


def facts(key: str, hours: int, title: str, summary: str = "", language: str = "en") -> ItemFacts:
    """What story grouping knows of an item published `hours` after Monday, from a feed of its own."""
    item = ItemInput(key, title, summary, published=MONDAY + timedelta(hours=hours), feed=key, language=language)
    (result,) = analyze_items(ANALYZER, [item])
    return result.facts


def test_a_rivals_launch_that_names_the_first_is_another_launch() -> None:
    first = facts("first", 0, "Renault unveils the Zeta 5 electric hatchback in Geneva", "Deliveries begin in May.")
    rival = facts(
        "rival", 3, "Dacia launches the Spring 7 hours after Renault's Zeta 5", "Dacia showed its car in Geneva."
    )
    assert ("product_launch", "Renault") in first.events and ("product_launch", "Dacia") in rival.events
    assert ("product_launch", "Renault") not in rival.events
    assert other_subjects(first, rival) and not agree(first, rival)
    assert fit(first, rival) + AGREE < JOIN_AT
    # Another report of the first launch still joins it.
    again = facts("again", 2, "Renault launches its Zeta 5 electric hatchback", "The car was shown in Geneva.")
    assert not other_subjects(first, again) and fit(first, again) >= JOIN_AT


def test_a_deal_read_for_either_party_is_one_deal() -> None:
    one = facts("one", 0, "Nokia buys 5% of Vodacom in a share sale", "The stake costs 300 million euros.")
    other = facts("other", 2, "Vodacom sells 5% stake to Nokia", "The stake costs 300 million euros.")
    assert one.events and other.events
    assert not other_subjects(one, other)


def test_a_launch_named_after_after_is_what_came_before() -> None:
    title = "Nokia raises 200 million euros in a new round"
    lead = "The round comes three days after the Lumia 7 launch at MWC."
    assert events(ANALYZER, "en", title, lead) == {("funding", "Nokia", None)}
    # The launch itself, and a date after "zum" that is no name, are still read.
    assert ("product_launch", "Nokia", None) in events(ANALYZER, "en", "Nokia launches the Lumia 7 at MWC")
    assert ("leadership", "Nokia", None) in events(
        ANALYZER, "de", "Nokia ernennt neue Chefin", "Die Managerin übernimmt zum 1. Januar die Leitung von Nokia."
    )
