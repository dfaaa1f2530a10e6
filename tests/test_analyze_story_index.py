"""A crowded book: thousands of open stories naming one company. An item is fitted only against the MOST_FITTED
nearest of them, found by the reports' vectors, and lands where fitting them all would put it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from watcher.analyze import stories as stories_module
from watcher.analyze.signals import Signals
from watcher.analyze.stories import MOST_FITTED, MOST_REPORTS, STORY_WINDOW, StoryBook
from watcher.analyze.story_facts import ItemFacts

START = datetime.now(UTC) - timedelta(days=2)
NO_SIGNALS = Signals(frozenset(), frozenset(), frozenset())


def report(
    key: str, vector: np.ndarray | None, *, minutes: int, actors: frozenset[str] = frozenset({"Acme"})
) -> ItemFacts:
    return ItemFacts(key, START + timedelta(minutes=minutes), "en", f"feed-{key}", actors, frozenset(), frozenset(),
                     frozenset(), NO_SIGNALS, vector=vector)  # fmt: skip


def unit(generator: np.random.Generator, near: np.ndarray | None = None) -> np.ndarray:
    vector = generator.standard_normal(64).astype(np.float32)
    if near is not None:
        vector = near + 0.1 * vector / np.linalg.norm(vector)  # the same story told again: cosine ~0.99
    return vector / np.linalg.norm(vector)


def crowded_book(stories: int, seed: int = 7) -> tuple[StoryBook, list[np.ndarray]]:
    generator = np.random.default_rng(seed)
    book = StoryBook()
    vectors = [unit(generator) for _ in range(stories)]
    for number, vector in enumerate(vectors):
        book.place(report(f"story-{number}", vector, minutes=number % 600))
    return book, vectors


def test_every_story_of_a_crowded_book_is_found_again_by_a_report_of_it() -> None:
    book, vectors = crowded_book(400)
    assert len(book.stories) == 400  # unrelated vectors: each report its own story
    generator = np.random.default_rng(99)
    for number in range(0, 400, 37):
        retold = report(f"retold-{number}", unit(generator, near=vectors[number]), minutes=700 + number)
        assert book.place(retold).key == f"story-{number}"


def test_the_nearest_stories_are_the_ones_fitting_all_would_choose(monkeypatch: pytest.MonkeyPatch) -> None:
    generator = np.random.default_rng(5)
    retellings = [(number, unit(generator)) for number in range(0, 300, 29)]
    placed = {}
    for most_fitted in (MOST_FITTED, 100_000):  # the index, then every candidate fitted
        monkeypatch.setattr(stories_module, "MOST_FITTED", most_fitted)
        book, vectors = crowded_book(300)
        placed[most_fitted] = [
            book.place(report(f"r-{number}", unit(generator, near=vectors[number]), minutes=900)).key
            for number, _ in retellings
        ] + [book.place(report(f"new-{number}", other, minutes=950)).key for number, other in retellings]
    assert placed[MOST_FITTED] == placed[100_000]
    assert placed[MOST_FITTED][: len(retellings)] == [f"story-{number}" for number, _ in retellings]


def test_only_candidates_are_fitted_however_near_their_vectors() -> None:
    book, vectors = crowded_book(200)
    other_company = report("other", vectors[3], minutes=10, actors=frozenset({"Globex"}))
    assert book.place(other_company).key == "other"  # the same text, another company: a story of its own
    too_late = report("late", vectors[5], minutes=5 + 60 * 24 * 4)  # four days after story-5's only report
    assert book.place(too_late).key == "late"


def test_a_crowded_book_without_an_encoder_still_places_every_item() -> None:
    book = StoryBook()
    for number in range(MOST_FITTED * 3):
        book.place(report(f"plain-{number}", None, minutes=number))
    assert len(book.stories) >= 1 and sum(len(story.members) for story in book.stories) == MOST_FITTED * 3


def test_closing_stories_rebuilds_the_index_from_what_stays_open() -> None:
    book, vectors = crowded_book(120)
    book.close_before(START + STORY_WINDOW + timedelta(minutes=300))  # reports at minutes 0-119: every story closes
    assert book.stories == []
    generator = np.random.default_rng(3)
    fresh = report("fresh", unit(generator, near=vectors[7]), minutes=60 * 24 * 3 + 300)
    assert book.place(fresh).key == "fresh"


def test_a_story_hundreds_of_feeds_tell_weighs_a_new_report_against_its_nearest_reports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    generator = np.random.default_rng(11)
    wire = unit(generator)
    book = StoryBook()
    for number in range(300):
        book.place(report(f"wire-{number}", unit(generator, near=wire), minutes=number))
    assert len(book.stories) == 1 and len(book.stories[0].members) == 300
    fitted: list[str] = []
    real_fit = stories_module.fit

    def counted(item: ItemFacts, member: ItemFacts) -> float:
        fitted.append(member.key)
        return real_fit(item, member)

    monkeypatch.setattr(stories_module, "fit", counted)
    late = book.place(report("wire-late", unit(generator, near=wire), minutes=320))
    assert late.key == "wire-0"
    assert len(fitted) == MOST_REPORTS  # not 300: the reports nearest it in time
    assert set(fitted) == {f"wire-{number}" for number in range(300 - MOST_REPORTS, 300)}
