"""What story grouping knows of an analysed item (ItemFacts), and a story: its reports (Story)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from watcher.analyze.signals import Signals


@dataclass
class ItemFacts:
    """What story grouping needs to know about one analysed item."""

    key: str
    published: datetime
    language: str | None
    feed: str
    actors: frozenset[str]  # tracked organisations named in it
    events: frozenset[tuple[str, str]]  # (type, entity)
    entry_markets: frozenset[str]
    places: frozenset[str]  # countries named in the headline and lead
    signals: Signals
    vector: Any = None  # unit vector of headline + lead, or None (no encoder)
    trigrams: frozenset[str] = frozenset()  # of headline + lead, where there is no vector or it is not native
    native: bool = True  # the encoder was trained on the item's language
    blocker: str | None = None  # the item is a review, opinion, rumour, denial, share move or anniversary
    entries: frozenset[tuple[str, str]] = frozenset()  # (entity, market) of its market entries
    place_evidence: dict[str, str] = field(default_factory=dict)  # country of `places` → the words that name it
    sounds: frozenset[str] = frozenset()  # the consonants of its Latin names (watcher.analyze.sounds)
    script_words: frozenset[str] = frozenset()  # ... and of its words in other scripts
    title_names: frozenset[str] = frozenset()  # the names of `signals` its headline gives (none in Title Case)

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(event_type for event_type, _entity in self.events)


@dataclass
class Story:
    key: str  # stable: the key of the report that started it
    members: list[ItemFacts] = field(default_factory=list)
    # `actors` of the members list it was made from (held, so never another list at its address) and of its length:
    # asked of every open story for every item placed. Members are appended or the list replaced, never changed.
    _actors: tuple[list[ItemFacts], int, frozenset[str]] | None = field(default=None, repr=False, compare=False)

    @property
    def actors(self) -> frozenset[str]:
        made = self._actors
        if made is None or made[0] is not self.members or made[1] != len(self.members):
            union = frozenset().union(*(member.actors for member in self.members))
            made = self._actors = (self.members, len(self.members), union)
        return made[2]

    @property
    def last_published(self) -> datetime:
        return max(member.published for member in self.members)

    @property
    def first_published(self) -> datetime:
        return min(member.published for member in self.members)
