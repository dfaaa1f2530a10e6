"""Aliases that match the wrong words: the checks behind `watcher entities lint`. Pure: entities in, findings out.

Nothing is read but the vocabulary (watcher.vocabulary: wordfreq's lists of the languages an alias's script
is written in). The kinds of finding:

- one-letter, short-prefix: an alias of one letter, a '*' after one or two (`a*`, `삼*`);
- no-op-wildcard (info): '*' after Han, Kana or Hangul, where an alias already matches inside longer words;
- duplicate, repeated (info), self-excluded: one alias in two entities, twice in one, or also in its exclude;
- common-word: the alias is an ordinary word (apple, shell, target, mi): frequent, and its plural too;
- frequent-word (info): very frequent, though not provably an ordinary word (amazon: the shop or the river?);
- other-words: a wildcard going on into other words ("Коре*": кореспондент, коренные, корень), by family
  ("Корес*", "Корен*"), its own forms (корея, кореи, корее) left out; a warning when one of them is common;
- inside-words (info): in text without spaces an alias matches inside longer words (삼성 in 삼성동).
"""

from __future__ import annotations

from collections.abc import Sequence

from watcher.aliaslint import words
from watcher.aliaslint.findings import INFO, WARNING, Finding, VocabularyWord, describe, summary
from watcher.aliaslint.shape import duplicates, shape
from watcher.config import EntityConfig
from watcher.vocabulary import Vocabulary

__all__ = ["INFO", "WARNING", "Finding", "VocabularyWord", "describe", "lint_entities", "summary"]


def lint_entities(entities: Sequence[EntityConfig], vocabulary: Vocabulary | None) -> list[Finding]:
    """Every finding about the entities' aliases, warnings first; `vocabulary=None` skips the word lists."""
    findings = list(duplicates(entities))
    checks: list[words.Check] = []
    for entity in entities:
        for alias in entity.aliases:
            found = list(shape(entity, alias))
            findings += found
            if vocabulary is not None and not any(f.severity == WARNING for f in found):
                checks += words.checks_for(entity, alias)  # `a*` would list half the dictionary
    if checks and vocabulary is not None:
        words.run(checks, vocabulary)
        findings += words.common_words(checks)
        findings += words.other_words(checks)
    order = {entity.name: index for index, entity in enumerate(entities)}
    return sorted(findings, key=lambda f: (f.severity != WARNING, order.get(f.entity, 0)))
