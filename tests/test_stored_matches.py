"""watcher.stored_matches.prepare_matches writes what the matcher's own snippet and json.dumps would: the same
snippet text, highlights and hits, over texts of every shape (hits at either end, long words, newlines, quotes,
backslashes, non-ASCII, several hits in several fields)."""

from __future__ import annotations

import json
import random

from watcher.config import EntityConfig
from watcher.match.matcher import Matcher
from watcher.match.results import snippet_for
from watcher.stored_matches import prepare_matches

ENTITIES = [
    EntityConfig(name="Ørsted"),
    EntityConfig(name="Samsung", aliases=["Samsung", "삼성"]),
    EntityConfig(name="Quote", aliases=['say "hi"', "back\\slash"]),
    EntityConfig(name="Xiaomi"),
]
WORDS = ["Samsung", "삼성", "Ørsted", 'say "hi"', "back\\slash", "Xiaomi", "lorem", "ipsum\n", "a", "🎉", "x" * 70, " "]


def expected(fields: dict[str, str], found: object) -> tuple[object, ...]:
    snippet = snippet_for(fields, found)
    hit = found.primary
    hits = [{"alias": h.alias, "field": h.field, "start": h.start, "end": h.end, "text": h.text} for h in found.hits]
    return (found.entity, hit.alias, hit.field, hit.start, hit.end, hit.text, snippet.text,
            [list(span) for span in snippet.highlights], hits)  # fmt: skip


def test_prepared_rows_are_the_matchers_snippets_and_hits() -> None:
    matcher = Matcher.build(ENTITIES)
    chance = random.Random(12)
    compared = several = 0
    for _ in range(3000):
        fields = {
            name: " ".join(chance.choice(WORDS) for _ in range(chance.randrange(size + 1)))
            for name, size in (("title", 12), ("summary", 120), ("content", chance.choice([0, 5, 300])))
        }
        found = matcher.match(fields)
        prepared = prepare_matches(fields, found)
        assert len(prepared) == len(found)
        for row, match in zip(prepared, found, strict=True):
            assert (*row[:7], json.loads(row[7]), json.loads(row[8])) == expected(fields, match)
            assert row[7].isascii() and row[8].isascii()
            compared += 1
            several += len(match.hits) > 1
    assert compared > 3000 and several > 1000
