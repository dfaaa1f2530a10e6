"""What story grouping knows of an analysed item (ItemFacts), and a story: its reports (Story)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from watcher.analyze.signals import Signals, shared_empty


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
    readable: bool = True  # most of its letters in a script the encoder reads (embed.readable)
    unembedded: str | None = None  # the text its vector is made of, while it waits (story_meeting.py)
    # The item is a review, opinion, rumour, denial, share move, anniversary or results preview.
    blocker: str | None = None
    entries: frozenset[tuple[str, str]] = frozenset()  # (entity, market) of its market entries
    place_evidence: dict[str, str] = field(default_factory=dict)  # country of `places` → the words that name it
    sounds: frozenset[str] = frozenset()  # the consonants of its Latin names (watcher.analyze.sounds)
    script_words: frozenset[str] = frozenset()  # ... and of its words in other scripts
    title_names: frozenset[str] = frozenset()  # the names of `signals` its headline gives (none in Title Case)
    succession: str | None = None  # of a leadership report: a chief leaving or one named (succession.py)
    _types: tuple[frozenset[tuple[str, str]], frozenset[str]] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # An open report is held for 72 hours, and most of its sets are empty: each its own 216 bytes otherwise
        # (~6 MB of the crowded bench's 3,000 open reports, docs/benchmarks.md).
        for name in _SETS:
            value = getattr(self, name)
            if not value:
                setattr(self, name, shared_empty(value))  # set after too where made later (analyzer.py)

    @property
    def event_types(self) -> frozenset[str]:
        # Asked of both reports of every fit; `events` may be replaced (corroborate), never changed in place.
        made = self._types
        if made is None or made[0] is not self.events:
            types = frozenset(event_type for event_type, _entity in self.events)
            made = self._types = (self.events, shared_empty(types))
        return made[1]


_SETS = ("actors", "events", "entry_markets", "places", "trigrams", "entries", "sounds", "script_words", "title_names")


@dataclass
class Story:
    key: str  # stable: the key of the report that started it
    members: list[ItemFacts] = field(default_factory=list)
    # What is asked of every open story for every item placed (its actors, first and last report), made once from the
    # members list it was made from (held, so never another list at its address) and of its length. Members are
    # appended or the list replaced, never changed in place.
    _made: tuple[list[ItemFacts], int, frozenset[str], datetime, datetime] | None = field(
        default=None, repr=False, compare=False
    )

    def _summary(self) -> tuple[list[ItemFacts], int, frozenset[str], datetime, datetime]:
        made, members = self._made, self.members
        if made is not None and made[0] is members and made[1] == len(members):
            return made
        # Reports appended since: only they are read (a story hundreds of feeds tell grows by one at a time).
        start = made[1] if made is not None and made[0] is members and made[1] < len(members) else 0
        added = members[start:]
        times = [member.published for member in added]
        actors = frozenset().union(*(member.actors for member in added))
        if start:
            actors, times = actors | made[2], [*times, made[3], made[4]]
        made = self._made = (members, len(members), actors, min(times), max(times))
        return made

    @property
    def actors(self) -> frozenset[str]:
        return self._summary()[2]

    @property
    def last_published(self) -> datetime:
        return self._summary()[4]

    @property
    def first_published(self) -> datetime:
        return self._summary()[3]
