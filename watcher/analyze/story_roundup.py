"""A company's round-up: one report of several of its announcements of a day ("Honor's big MWC day: three
partnerships, a foldable and a tablet", "Kia, two new cars and entries into Morocco and Japan"). Pure.

Such a report tells each of the day's stories in part and is none of them: it fits each, and joined to one it bridged
the next report of another. Told apart by what it fits, in any language: two open stories, each of which it would
join, whose reports tell two events of one kind that cannot be one (two products, two countries entered, two
companies' launches), and the item names what tells each apart (both products, both countries, both launches). An
item that fits two stories split by mistake is no round-up: their reports do not contradict each other; nor one that
fits a story and another that names its product in passing: it does not name the other's.
"""

from __future__ import annotations

from collections.abc import Sequence

from watcher.analyze.story_facts import ItemFacts
from watcher.analyze.story_fit import other_markets
from watcher.analyze.story_subjects import other_subjects


def roundup(item: ItemFacts, nearest: Sequence[ItemFacts]) -> bool:
    """Whether an item that would join stories whose reports nearest to it are `nearest` (one a story) tells several:
    two of them tell two events of one kind apart, and the item names what each has that the other has not."""
    return any(_covers(item, a, b) for i, a in enumerate(nearest) for b in nearest[i + 1 :])


def _covers(item: ItemFacts, a: ItemFacts, b: ItemFacts) -> bool:
    if not a.event_types & b.event_types:
        return False
    if other_markets(a, b):
        named = item.places | item.entry_markets
        return bool(a.entry_markets & named and b.entry_markets & named)
    if other_subjects(a, b):
        return a.events <= item.events and b.events <= item.events
    # What each headline names and the other report never does (the product, the company bought), not a city both
    # name in passing: named by the item, both.
    only_a, only_b = a.title_names - b.signals.names, b.title_names - a.signals.names
    return bool(item.signals.names & only_a and item.signals.names & only_b)
