"""The open stories an item could join, nearest first, for a crowded book: arrays, not a loop over every story. Pure.

Where an item has more candidate stories than stories.MOST_FITTED (thousands of open stories naming one company:
10,000 feeds whose every item names it), only the nearest are fitted: those with the report whose vector is most
like the item's. The index holds a row per report and, per story, what may make it a candidate (its actors and
the time its reports span); those only grow as reports join, so what it finds is a superset of the candidates,
each then checked as StoryBook.candidates checks it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from watcher.analyze.story_facts import ItemFacts, Story

_FIRST_SIZE = 1024


class StoryIndex:
    """Every story a number (in the book's order), every report with a vector a row."""

    def __init__(self, stories: Iterable[Story]) -> None:
        import numpy  # only a crowded book pays for it here (the encoder has loaded it by then anyway)

        self._np: Any = numpy
        self._stories: list[Story] = []
        self._number: dict[str, int] = {}  # story key → number
        self._actors: list[set[str]] = []  # story number → the actors its reports named
        self._postings: dict[str, list[int]] = {}  # actor → numbers of the stories naming it
        self._first = numpy.zeros(_FIRST_SIZE)  # story number → its first and last report, in POSIX seconds
        self._last = numpy.zeros(_FIRST_SIZE)
        self._matrix: Any = None  # row → the report's unit vector, float32; made with the first vector
        self._owner = numpy.zeros(_FIRST_SIZE, dtype=numpy.int64)  # row → story number
        self._rows = 0
        self._row_of: dict[str, int] = {}  # report key → row
        for story in stories:
            for member in story.members:
                self.add(story, member)

    def add(self, story: Story, member: ItemFacts) -> None:
        """A report joined `story` (or its analysis was made again)."""
        number = self._story_number(story)
        moment = member.published.timestamp()
        self._first[number] = min(self._first[number], moment)
        self._last[number] = max(self._last[number], moment)
        for actor in member.actors - self._actors[number]:
            self._actors[number].add(actor)
            self._postings.setdefault(actor, []).append(number)
        if member.vector is not None:
            row = self._row_of.get(member.key)
            if row is None:
                row = self._row_of[member.key] = self._rows
                self._rows += 1
                self._grow_rows(len(member.vector))
            self._matrix[row] = member.vector
            self._owner[row] = number

    def candidates(
        self, item: ItemFacts, count: int, window_seconds: float, is_candidate: Callable[[Story], bool]
    ) -> list[Story]:
        """The `count` stories nearest the item of those `is_candidate` takes, in the book's order."""
        np = self._np
        stories = len(self._stories)
        possible = np.zeros(stories, dtype=bool)
        for actor in item.actors:
            if numbers := self._postings.get(actor):
                possible[numbers] = True
        moment = item.published.timestamp()
        possible &= (self._first[:stories] <= moment + window_seconds) & (
            self._last[:stories] >= moment - window_seconds
        )
        numbers = np.flatnonzero(possible)
        order = numbers[np.argsort(-self._nearness(item, moment)[numbers], kind="stable")]
        chosen: list[int] = []
        for number in order.tolist():
            if is_candidate(self._stories[number]):
                chosen.append(number)
                if len(chosen) == count:
                    break
        return [self._stories[number] for number in sorted(chosen)]

    def _nearness(self, item: ItemFacts, moment: float) -> Any:
        """Story number → how near the item it is: its most alike report's cosine; by time where there is no vector."""
        np = self._np
        stories = len(self._stories)
        if item.vector is None or self._rows == 0:
            return -np.abs(self._last[:stories] - moment)
        similarity = self._matrix[: self._rows] @ np.asarray(item.vector, dtype=np.float32)
        best = np.full(stories, -np.inf, dtype=np.float32)
        np.maximum.at(best, self._owner[: self._rows], similarity)
        return best

    def _story_number(self, story: Story) -> int:
        number = self._number.get(story.key)
        if number is None:
            number = self._number[story.key] = len(self._stories)
            self._stories.append(story)
            self._actors.append(set())
            if number >= len(self._first):
                self._first, self._last = self._grown(self._first), self._grown(self._last)
            self._first[number], self._last[number] = float("inf"), float("-inf")
        return number

    def _grow_rows(self, dimensions: int) -> None:
        np = self._np
        if self._matrix is None:
            self._matrix = np.zeros((len(self._owner), dimensions), dtype=np.float32)
        if self._rows > len(self._matrix):
            self._matrix, self._owner = self._grown(self._matrix), self._grown(self._owner)

    def _grown(self, array: Any) -> Any:
        """`array` in one twice as long (its first axis), the new part zero."""
        bigger = self._np.zeros((2 * len(array), *array.shape[1:]), dtype=array.dtype)
        bigger[: len(array)] = array
        return bigger
