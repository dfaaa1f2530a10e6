"""What one polling pass did: the counts `watcher poll` prints and the metrics record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class PollSummary:
    feeds_ok: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    new_items: int = 0
    new_matches: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def feeds_polled(self) -> int:
        return self.feeds_ok + self.feeds_unchanged + self.feeds_failed

    def add(self, other: PollSummary) -> None:
        self.feeds_ok += other.feeds_ok
        self.feeds_unchanged += other.feeds_unchanged
        self.feeds_failed += other.feeds_failed
        self.new_items += other.new_items
        self.new_matches += other.new_matches
        self.errors.extend(other.errors)
