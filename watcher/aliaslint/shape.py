"""What an alias says by itself, before any word list: too short, repeated, a '*' that does nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from watcher.aliaslint.findings import INFO, WARNING, Finding
from watcher.config import AliasConfig, EntityConfig
from watcher.match.fold import fold
from watcher.match.words import is_no_space  # the matcher's own idea of a script written without spaces


def folded(text: str) -> str:
    """An alias as the matcher compares it: folded, one space between words."""
    return " ".join(fold(text).split())


def duplicates(entities: Sequence[EntityConfig]) -> Iterable[Finding]:
    """The same alias in two entities (both match the same words), or twice in one."""
    seen: dict[str, tuple[EntityConfig, AliasConfig]] = {}
    for entity in entities:
        for alias in entity.aliases:
            earlier = seen.setdefault(folded(alias.text), (entity, alias))
            other_entity, other_alias = earlier
            if other_alias is alias:
                continue
            both_cased = alias.case_sensitive and other_alias.case_sensitive
            if both_cased and fold(alias.text, casefold=False) != fold(other_alias.text, casefold=False):
                continue  # "Mi Pay" and "MI PAY", both with their case: different aliases
            if other_entity is entity:
                yield Finding(
                    entity.name, alias.text, "repeated", INFO, f'"{alias.text}" is listed twice', "remove one"
                )
                continue
            yield Finding(
                entity.name,
                alias.text,
                "duplicate",
                WARNING,
                f'"{alias.text}" is also an alias of {other_entity.name!r}: both match the same words',
                "keep it in one entity, or give each a require_any that tells them apart",
            )


def shape(entity: EntityConfig, alias: AliasConfig) -> Iterable[Finding]:
    """One letter, one or two letters before '*', '*' after Han/Kana/Hangul, the alias also in exclude."""
    text = alias.text
    folded_text = folded(text)
    letters = folded_text.replace("*", "").replace(" ", "")
    if len(letters) == 1:
        where = "inside countless words" if is_no_space(letters) else f'every lone "{letters}"'
        yield Finding(
            entity.name,
            text,
            "one-letter",
            INFO if alias.case_sensitive and entity.require_any else WARNING,
            f'"{text}" is one letter: it matches {where}',
            "write the name out; if it must stay, make it case_sensitive and add require_any",
        )
        return
    for word in folded_text.split(" "):
        if not word.endswith("*"):
            continue
        prefix = word.rstrip("*")
        if is_no_space(prefix[-1]):
            yield Finding(
                entity.name,
                text,
                "no-op-wildcard",
                INFO,
                f'"{text}": in Chinese, Japanese and Korean text an alias already matches inside longer words, '
                "so a '*' after them adds nothing",
                f'write "{text.replace("*", "")}"',
            )
        elif len(prefix) <= 2:
            yield Finding(
                entity.name,
                text,
                "short-prefix",
                WARNING,
                f'"{text}" matches every word starting with "{prefix}"',
                "write out more of the word before the '*', or the words themselves",
            )
    if folded_text in {folded(phrase) for phrase in entity.exclude}:
        yield Finding(
            entity.name,
            text,
            "self-excluded",
            WARNING,
            f'"{text}" is also in exclude: it can never match',
            "remove one",
        )
