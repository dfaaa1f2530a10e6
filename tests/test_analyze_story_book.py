"""The story book's index of open stories by tracked organisation: an item is compared with the stories naming one
of its organisations, in the book's order, as a scan of every open story would give them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from watcher.analyze import StoryBook
from watcher.analyze.signals import signals
from watcher.analyze.story_facts import ItemFacts

START = datetime.now(UTC) - timedelta(days=2)


def report(key: str, actors: set[str], axis: int, hours: float = 0.0) -> ItemFacts:
    """Reports on two axes read nothing alike: each starts a story of its own unless it shares one's axis."""
    return ItemFacts(key, START + timedelta(hours=hours), "en", f"feed-{key}", frozenset(actors), frozenset(),
                     frozenset(), frozenset(), signals(""), vector=np.eye(4)[axis])  # fmt: skip


def scanned(book: StoryBook, item: ItemFacts) -> list[str]:
    """What the book's candidates are: every open story naming one of the item's organisations, in its order."""
    return [story.key for story in book.stories if story.actors & item.actors]


def test_a_story_that_comes_to_name_another_company_is_found_for_it_in_the_books_order() -> None:
    book = StoryBook()
    scania = book.place(report("scania", {"Scania"}, 0))
    volvo = book.place(report("volvo", {"Volvo"}, 1, hours=1))
    assert scania is not volvo
    # A report of both, read like Scania's: it joins Scania's story, which now names Volvo too, before Volvo's own.
    assert book.place(report("both", {"Scania", "Volvo"}, 0, hours=2)) is scania
    asking = report("later", {"Volvo"}, 2, hours=3)
    assert [story.key for story in book.candidates(asking)] == scanned(book, asking) == ["scania", "volvo"]


def test_a_report_analysed_again_brings_its_new_organisations_to_its_story() -> None:
    book = StoryBook()
    story = book.place(report("first", {"Scania"}, 0))
    asking = report("later", {"MAN"}, 1, hours=1)
    assert book.candidates(asking) == []
    assert book.replace(report("first", {"Scania", "MAN"}, 0)) is story  # its analysis made again (storykeeper)
    assert book.candidates(asking) == [story]


def test_stories_closed_leave_the_index() -> None:
    book = StoryBook()
    book.place(report("old", {"Scania"}, 0))
    fresh = book.place(report("fresh", {"Scania"}, 1, hours=80))
    book.close_before(START + timedelta(hours=80))
    asking = report("later", {"Scania"}, 2, hours=81)
    assert book.candidates(asking) == [fresh]


def test_a_report_analysed_again_is_found_in_its_story_and_only_while_that_story_is_open() -> None:
    book = StoryBook()
    old = book.place(report("old", {"Scania"}, 0))
    fresh = book.place(report("fresh", {"Volvo"}, 1, hours=80))
    assert book.replace(report("old", {"Scania", "MAN"}, 0)) is old
    assert [member.actors for member in old.members] == [frozenset({"Scania", "MAN"})]
    book.close_before(START + timedelta(hours=80))
    assert book.replace(report("old", {"Scania"}, 0)) is None  # its story closed: the storykeeper makes it anew
    assert book.replace(report("fresh", {"Volvo", "MAN"}, 1, hours=80)) is fresh
    assert book.replace(report("never-placed", {"Volvo"}, 1, hours=81)) is None
    assert fresh.members[0].actors == frozenset({"Volvo", "MAN"})
