"""Which reports need a vector before items are placed into stories: those that meet another report. Pure.

The encoder is most of the analysis' cost (docs/benchmarks.md), and a vector is only ever compared within a pair of
reports naming a tracked organisation in common and published within the story window of each other: fit() vetoes
reports with no organisation in common before it reads a vector, and a story is weighed by its reports within the
window of the item placed. A report with no such other report (a company's only item in three days: common in real
feeds) is placed alone without one; its text waits (ItemFacts.unembedded) and its vector is made with a later batch's
if a report meeting it arrives while its story is open. Every pair placing compares has both vectors by then, so the
stories are the ones vectors made for every report give; the crowded book's index (story_index.py) ranks a story by
its reports' vectors, and every report of a story that can be an item's candidate meets it or another of its story's
reports, so has one too.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import timedelta

from watcher.analyze.story_facts import ItemFacts, Story

# Added to the window: a pair exactly one window apart is compared (|difference| <= window), and POSIX seconds as
# floats round the microseconds.
_MARGIN = 1.0


def meeting(stories: Iterable[Story], items: Sequence[ItemFacts], window: timedelta) -> list[ItemFacts]:
    """The reports whose vector waits, of `items` (about to be placed) and of the open `stories`' reports, that meet
    another report of either: a tracked organisation in common, published within `window` of each other. A report
    of a story that one of `items` analyses again (the same key) is left out: the item stands for it."""
    keys = {item.key for item in items}
    moments: dict[str, list[float]] = {}  # tracked organisation → when each report naming it was published
    waiting: dict[str, list[tuple[float, ItemFacts]]] = {}  # ... and the stories' reports naming it whose vector waits
    for story in stories:
        for member in story.members:
            if member.key in keys or not member.actors:
                continue
            moment = member.published.timestamp()
            for actor in member.actors:
                moments.setdefault(actor, []).append(moment)
                if member.unembedded is not None:
                    waiting.setdefault(actor, []).append((moment, member))
    for item in items:
        moment = item.published.timestamp()
        for actor in item.actors:
            moments.setdefault(actor, []).append(moment)
    for times in moments.values():
        times.sort()
    reach = window.total_seconds() + _MARGIN
    found: dict[int, ItemFacts] = {}
    for item in items:
        moment = item.published.timestamp()
        for actor in item.actors:
            times = moments[actor]
            if bisect_right(times, moment + reach) - bisect_left(times, moment - reach) < 2:
                continue  # the item alone names it in its window
            if item.unembedded is not None:
                found[id(item)] = item
            for published, member in waiting.get(actor, ()):
                if abs(published - moment) <= reach:
                    found[id(member)] = member
    return list(found.values())
