"""bench/match's naive baseline: one compiled, case-insensitive \\b-regex per alias."""

from __future__ import annotations

import re

from watcher.config import EntityConfig


class NaiveMatcher:
    """One compiled, case-insensitive \\b-regex per alias, each run on every field."""

    def __init__(self, entities: list[EntityConfig]) -> None:
        self.patterns = []
        for entity in entities:
            for alias in entity.aliases:
                body = re.escape(alias.text.replace("*", "")) + (r"\w*" if alias.text.endswith("*") else r"\b")
                self.patterns.append((entity.name, re.compile(r"\b" + body, re.IGNORECASE)))

    def match(self, fields: dict[str, str]) -> set[str]:
        found = set()
        for text in fields.values():
            for name, pattern in self.patterns:
                if pattern.search(text):
                    found.add(name)
        return found
