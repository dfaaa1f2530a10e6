"""Market entries a story's other reports establish, for a report that names the same company and country. Pure.

One report says "Asahi signs a distribution deal to sell Super Dry in India"; another, in Japanese, of the same story
says only "アサヒ、インドでビール販売": its own words make no entry the rules can read, but it names Asahi and India in
its headline or lead, and the story (the same real-world event, grouped across languages) says what happened there.
Only market entries carry over: the reports of a story often tell different facts (one leaves out the patent), but
a report that names the company and the very country entered tells the entry. A review, rumour or denial gains none.
"""

from __future__ import annotations

from collections.abc import Iterable

from watcher.analyze.sentences import EVENT_TYPES, Event
from watcher.analyze.stories import ItemFacts, Story


def corroborated_entries(item: ItemFacts, story: Story) -> list[Event]:
    """The entries other reports of `story` make that `item` names the company and the country of, but lacks."""
    if item.blocker or not item.places:
        return []  # no country named: none to gain (and a story's reports are many where feeds are)
    found: list[Event] = []
    for member in story.members:
        if member.key == item.key or member.blocker:
            continue
        for entity, market in sorted(member.entries):
            if (
                entity in item.actors
                and market in item.places
                and (entity, market) not in item.entries
                and not any(event.entity == entity and event.market == market for event in found)
            ):
                found.append(Event("market_entry", entity, item.place_evidence.get(market, ""), market))
    return found


def corroborate(placed: Iterable[tuple[ItemFacts, list[Event], Story]]) -> None:
    """Add to each item's events (and facts) the entries its story's other reports make: every addition is decided on
    the reports' own entries first, so an entry never travels on through a report that only gained it."""
    additions = [(facts, events, corroborated_entries(facts, story)) for facts, events, story in placed]
    for facts, events, more in additions:
        if not more:
            continue
        events.extend(more)
        events.sort(key=lambda event: EVENT_TYPES.index(event.type))
        facts.entries = facts.entries | {(event.entity, event.market or "") for event in more}
        facts.events = facts.events | {(event.type, event.entity) for event in more}
        facts.entry_markets = facts.entry_markets | {event.market or "" for event in more}
