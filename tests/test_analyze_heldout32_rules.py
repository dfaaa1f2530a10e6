"""Rules heldout32's mistakes taught (event days: one company, or two rivals at one show, announcing several things of
one kind on one day), each on sentences of its own: a launch read for one company and a launch read for another are
two launches, however alike the reports read and whatever names they share; a deal's two parties may each be read as
its subject; a launch named after "after" ("days after the Phone (4) launch") is what came before the news; a report
that fits two stories of one kind of event and names what tells each apart is a round-up of the company's day, a
story of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.analyze_events import analyzer_of, events, story_facts
from watcher.analyze import ItemFacts
from watcher.analyze.stories import AGREE, JOIN_AT, Story, StoryBook
from watcher.analyze.story_fit import agree, fit
from watcher.analyze.story_roundup import roundup
from watcher.analyze.story_subjects import other_subjects

ANALYZER = analyzer_of(["Nokia", "Vodacom", "Orlen", "Renault", "Dacia"])
MONDAY = datetime.now(UTC).replace(microsecond=0) - timedelta(days=6)


def facts(key: str, hours: int, title: str, summary: str = "", language: str = "en") -> ItemFacts:
    """What story grouping knows of an item published `hours` after Monday, from a feed of its own."""
    return story_facts(ANALYZER, MONDAY, key, hours, title, summary, language)


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


def test_a_round_up_of_two_launches_is_a_story_of_its_own() -> None:
    zeta = facts("zeta", 0, "Renault unveils the Zeta 5 hatchback in Geneva", "The Zeta 5 goes on sale in May.")
    clio = facts("clio", 1, "Renault unveils the Clio 9 estate in Geneva", "The Clio 9 goes on sale in June.")
    day = facts(
        "day", 8, "Renault's Geneva day: the Zeta 5 and the Clio 9", "Renault unveiled the Zeta 5 and the Clio 9."
    )
    assert roundup(day, [zeta, clio])
    # Placed after the two stories (told apart by their other reports), it fits both and starts a story of its own.
    assert fit(day, zeta) + AGREE >= JOIN_AT and fit(day, clio) + AGREE >= JOIN_AT
    book = StoryBook([Story("zeta", [zeta]), Story("clio", [clio])])
    assert book.place(day).key == "day"
    # A report of one launch is no round-up: it never names the other car.
    again = facts("again", 9, "Renault's Zeta 5 shown in Geneva", "The Zeta 5 costs 25,000 euros.")
    assert not roundup(again, [zeta, clio])
    # Nor are two reports of one launch, which tell nothing apart.
    assert not roundup(day, [zeta, facts("zeta2", 2, "Renault shows its Zeta 5 hatchback", "On sale in May.")])
