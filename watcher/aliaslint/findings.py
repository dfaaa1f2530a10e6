"""What the alias checks report, and how a finding reads in a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WARNING, INFO = "warning", "info"

SHOWN_PER_FAMILY = 4
SHOWN_FAMILIES = 8


@dataclass(frozen=True)
class VocabularyWord:
    word: str
    zipf: float  # log10 of occurrences per billion words, in `language`
    language: str
    family: str = ""  # for a wildcard: the longer prefix this word continues ("Корен*")


@dataclass(frozen=True)
class Finding:
    entity: str
    alias: str  # as configured
    kind: str
    severity: str  # WARNING or INFO
    message: str
    suggestion: str = ""
    words: tuple[VocabularyWord, ...] = ()  # the words it matches, most telling first (family by family)
    forms: tuple[str, ...] = ()  # words taken for the alias's own forms, left out of `words`


def describe(finding: Finding) -> list[str]:
    """The finding as a few lines of text."""
    lines = [f'{finding.severity}: {finding.entity}: "{finding.alias}" ({finding.kind})', f"    {finding.message}"]
    if finding.kind == "other-words":
        families: dict[str, list[VocabularyWord]] = {}
        for word in finding.words:
            families.setdefault(word.family, []).append(word)
        for family, members in list(families.items())[:SHOWN_FAMILIES]:
            lines.append(f"      {family:<12} {_listing(members)}")
        if len(families) > SHOWN_FAMILIES:
            lines.append(f"      ... and {len(families) - SHOWN_FAMILIES} more families")
        if finding.forms:
            lines.append(f"    taken for its own forms: {', '.join(finding.forms[:6])}")
    elif len({w.word for w in finding.words}) == 1:  # one word in several languages
        shown = ", ".join(f"{w.zipf:.1f} {w.language}" for w in finding.words[:6])
        more = f" (+{len(finding.words) - 6} languages)" if len(finding.words) > 6 else ""
        lines.append(f"      {finding.words[0].word}: {shown}{more}")
    elif finding.words:
        lines.append(f"      {_listing(finding.words, shown=8)}")
    if finding.suggestion:
        lines.append(f"    → {finding.suggestion}")
    return lines


def _listing(words: Sequence[VocabularyWord], shown: int = SHOWN_PER_FAMILY) -> str:
    text = ", ".join(f"{w.word} {w.zipf:.1f} {w.language}" for w in words[:shown])
    return text + (f" (+{len(words) - shown})" if len(words) > shown else "")


def summary(findings: Sequence[Finding], worst: int = 3) -> str:
    """One line for `check-config`: how many warnings, and the first few."""
    warnings = [f for f in findings if f.severity == WARNING]
    if not warnings:
        return "aliases: no warnings"
    shown = "; ".join(f'{f.entity} "{f.alias}" ({f.kind}{_example(f)})' for f in warnings[:worst])
    if len(warnings) > worst:
        shown += f"; {len(warnings) - worst} more"
    return f"aliases: {len(warnings)} warning{'s' * (len(warnings) != 1)}: {shown} — run `watcher entities lint`"


def _example(finding: Finding) -> str:
    examples = list(dict.fromkeys(w.word for w in finding.words))[:2]
    return f": {', '.join(examples)}" if examples else ""
