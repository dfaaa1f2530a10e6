"""The checks against word lists: what an alias would match in the languages its script is written in.

Whether an alias "would match" a word is decided by the matcher itself: the aliases are built into a Matcher
and run over each word list, the words joined by "|", so that folding, word edges and '*' behave exactly as
they do in a feed.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from ahocorasick_rs import AhoCorasick, MatchKind

from watcher.aliaslint.findings import INFO, WARNING, Finding, VocabularyWord
from watcher.aliaslint.shape import folded as _folded
from watcher.config import AliasConfig, EntityConfig
from watcher.match.fold import fold
from watcher.match.matcher import Matcher
from watcher.match.words import written_unspaced
from watcher.vocabulary import SEPARATOR, Vocabulary, WordList, languages_of

COMMON_ZIPF = 3.5  # an ordinary word: 3 per million words or more...
PLURAL_ZIPF = 3.0  # ... and its plural once per million (names rarely take a plural; apples, shells do)
FREQUENT_ZIPF = 4.5  # 30 per million: worth a note even without a plural (amazon 4.6 in de)
PLURAL_LANGUAGES = ("en", "fr", "es", "pt", "ca")  # plural in -s/-es, and no genitive -s on names (Googles)
FORM_LETTERS = 3  # letters after a wildcard's prefix that still make a form of it (koreans, coreano)
# Korean particles written onto a noun: 삼성의 is still 삼성.
HANGUL_PARTICLES = frozenset((
    "은", "는", "이", "가", "을", "를", "의", "에", "도", "로",
    "와", "과", "만", "에서", "으로", "에게", "까지", "부터", "처럼", "보다",
))  # fmt: skip


@dataclass
class Check:
    """One pattern run over the word lists for one alias."""

    entity: EntityConfig
    alias: AliasConfig
    pattern: str  # the folded alias, or the alias plus a plural ending
    role: str  # "word", "plural", "wildcard", "inside"
    key: str  # the folded pattern without '*' (for a plural, the word it is the plural of)
    languages: tuple[str, ...]
    hits: dict[str, dict[str, float]] = field(default_factory=dict)  # word -> language -> zipf

    def best(self, word: str) -> VocabularyWord:
        language, zipf = max(self.hits[word].items(), key=lambda item: item[1])
        return VocabularyWord(word, zipf, language)


def checks_for(entity: EntityConfig, alias: AliasConfig) -> list[Check]:
    folded = _folded(alias.text)
    languages = languages_of(folded)
    if not languages:
        return []  # Thai, say: wordfreq has no list
    if " " in folded:
        return []  # a phrase needs all its words: it rarely occurs by accident
    key = folded.rstrip("*")
    if written_unspaced(key):
        return [Check(entity, alias, key, "inside", key, languages)]
    if folded.endswith("*"):
        return [Check(entity, alias, folded, "wildcard", key, languages)]
    return [
        Check(entity, alias, key, "word", key, languages),
        *(Check(entity, alias, key + ending, "plural", key, languages) for ending in ("s", "es")),
    ]


def run(checks: list[Check], vocabulary: Vocabulary) -> None:
    """Fill each check's hits: the words of its languages' lists its pattern matches, as the matcher decides.

    The folded keys pick out the candidate words (a word the matcher matches has the key in its fold), then the
    matcher itself runs over the candidates, joined by "|" so that edges fall as in text.
    """
    languages = dict.fromkeys(language for check in checks for language in check.languages)
    for language in languages:
        wanted = [check for check in checks if language in check.languages]
        listed = vocabulary.words(language)
        if not len(listed):
            continue
        text, lengths = _folded_list(listed)
        keys = AhoCorasick(list(dict.fromkeys(check.key for check in wanted)), matchkind=MatchKind.Standard)
        candidates = sorted(
            {_word_at(lengths, start) for _, start, _ in keys.find_matches_as_indexes(text, overlapping=True)}
        )
        if not candidates:
            continue
        words = [listed.word(index) for index in candidates]
        offsets = [0, *accumulate(map(len, words))]
        matcher = Matcher.build([EntityConfig(name=str(i), aliases=[check.pattern]) for i, check in enumerate(wanted)])
        for found in matcher.match({"title": SEPARATOR.join(words)}):
            check = wanted[int(found.entity)]
            for hit in found.hits:
                at = _word_at(offsets, hit.start)
                start, end = offsets[at] + at, offsets[at + 1] + at
                if check.role == "inside" or (hit.start == start and hit.end == end):
                    index = candidates[at]
                    check.hits.setdefault(words[at], {}).setdefault(language, listed.zipf(index))


def _word_at(lengths: Sequence[int], position: int) -> int:
    """The word a position of a "|"-joined text falls in, word i starting at lengths[i] + i."""
    return bisect_right(range(len(lengths) - 1), position, key=lambda i: lengths[i] + i) - 1


_FOLDED: dict[int, tuple[WordList, str, Sequence[int]]] = {}


def _folded_list(listed: WordList) -> tuple[str, Sequence[int]]:
    """The list's text folded, and its words' lengths summed as in WordList (word i at lengths[i] + i).

    Folded once per list and process: a second lint (check-config in a test run) costs one automaton pass.
    """
    cached = _FOLDED.get(id(listed))
    if cached is None or cached[0] is not listed:
        text = fold(listed.text)
        if text == listed.text:
            cached = (listed, listed.text, listed.lengths)
        else:
            words = text.split(SEPARATOR)
            if len(words) != len(listed):  # a word folded into a "|": search the text as it is
                cached = (listed, listed.text, listed.lengths)
            else:
                cached = (listed, text, array("I", [0, *accumulate(map(len, words))]))
        _FOLDED[id(listed)] = cached
    return cached[1], cached[2]


def common_words(checks: list[Check]) -> Iterable[Finding]:
    plurals: dict[tuple[int, str], dict[str, float]] = {}  # (entity id, alias key) -> language -> best plural
    for check in checks:
        if check.role == "plural":
            for languages in check.hits.values():
                best = plurals.setdefault((id(check.entity), check.key), {})
                for language, zipf in languages.items():
                    best[language] = max(best.get(language, 0.0), zipf)
    for check in checks:
        if check.role not in ("word", "inside") or check.alias.case_sensitive or check.entity.require_any:
            continue
        exact = next((word for word in check.hits if fold(word) == check.key), None)
        if exact is None:
            continue
        frequencies = check.hits[exact]
        plural = plurals.get((id(check.entity), check.key), {})
        evidence = [
            language
            for language, zipf in frequencies.items()
            if zipf >= COMMON_ZIPF and language in PLURAL_LANGUAGES and plural.get(language, 0.0) >= PLURAL_ZIPF
        ]
        words = tuple(
            VocabularyWord(exact, zipf, language)
            for language, zipf in sorted(frequencies.items(), key=lambda item: -item[1])
            if zipf >= COMMON_ZIPF
        )
        text = check.alias.text
        if evidence:
            language = max(evidence, key=lambda lang: frequencies[lang])
            yield Finding(
                check.entity.name,
                text,
                "common-word",
                WARNING,
                f'"{text}" is an ordinary word: {exact} {frequencies[language]:.1f} in {language}, '
                f"and its plural {plural[language]:.1f}",
                "make it case_sensitive: true if the word is written in lowercase, "
                "or add require_any: words that show the text is about this entity",
                words,
            )
        elif max(frequencies.values()) >= FREQUENT_ZIPF and not check.entity.exclude:
            yield Finding(
                check.entity.name,
                text,
                "frequent-word",
                INFO,
                f'"{text}" is very frequent ({words[0].zipf:.1f} in {words[0].language}): '
                "check that it names nothing but this entity",
                "if it also names something else (Amazon: the river), add require_any or case_sensitive",
                words,
            )


def other_words(checks: list[Check]) -> Iterable[Finding]:
    by_entity: dict[int, list[Check]] = {}
    for check in checks:
        if check.role != "plural":
            by_entity.setdefault(id(check.entity), []).append(check)
    for check in checks:
        if check.role not in ("wildcard", "inside"):
            continue
        # A word a more specific alias of the same entity also matches was meant ("koreanisch*" under "Korea*").
        vouched = {
            word
            for other in by_entity.get(id(check.entity), [])
            if other is not check and len(other.key) > len(check.key)
            for word in other.hits
        }
        words = {fold(word): word for word in check.hits if word not in vouched}
        words.pop(check.key, None)  # the alias itself
        if check.role == "wildcard":
            yield from _families(check, words)
        else:
            yield from _inside(check, words)


def _families(check: Check, words: dict[str, str]) -> Iterable[Finding]:
    """The word families a wildcard goes on into beyond its own forms, most frequent first.

    Own forms: at most FORM_LETTERS letters after the prefix (korean, koreans, coreano), or a form and one or
    two letters more (koreanern). A family is the words continuing the prefix with the same letter ("Korean*");
    it is reported whole as soon as one of its words is no form (корень goes with коренные).
    """
    key = check.key
    short = {folded for folded in words if len(folded) - len(key) <= FORM_LETTERS}
    forms = short | {folded for folded in words if folded[:-1] in short or folded[:-2] in short}
    families: dict[str, list[str]] = {}
    for folded in words:
        if folded.startswith(key):
            families.setdefault(folded[len(key)], []).append(folded)
    surface = check.alias.text.rstrip("*")
    own: list[VocabularyWord] = []
    ranked: list[tuple[float, list[VocabularyWord]]] = []  # (its most frequent word that is no form, words)
    for members in families.values():
        if all(folded in forms for folded in members):
            own += (check.best(words[folded]) for folded in members)
            continue
        # the words that are no form first: коренные before корень
        members.sort(key=lambda folded: (folded in forms, -check.best(words[folded]).zipf))
        found = [check.best(words[folded]) for folded in members]
        # the family as the words write it (Корей*, though й folds to и), where folding kept their length
        written = Counter(w.word[len(key)] for w in found if len(w.word) == len(fold(w.word)))
        letter = written.most_common(1)[0][0] if written else members[0][len(key)]
        ranked.append(
            (found[0].zipf, [VocabularyWord(w.word, w.zipf, w.language, f"{surface}{letter}*") for w in found])
        )
    if not ranked:
        return
    ranked.sort(key=lambda item: -item[0])
    listed = tuple(word for _, members in ranked for word in members)
    languages = sorted({w.language for w in listed}, key=check.languages.index)
    # A family as frequent as an ordinary word shows up in the news every day: a warning; rarer ones, a note.
    common = ranked[0][0] >= COMMON_ZIPF and not check.entity.require_any
    yield Finding(
        check.entity.name,
        check.alias.text,
        "other-words",
        WARNING if common else INFO,
        f'"{check.alias.text}" goes on into {len(ranked)} other word '
        f"{'family' if len(ranked) == 1 else 'families'} ({', '.join(languages)})",
        "if only some of these families are meant, make each an alias of its own (as listed), or write the words out",
        listed,
        tuple(w.word for w in sorted(own, key=lambda w: -w.zipf)),
    )


def _inside(check: Check, words: dict[str, str]) -> Iterable[Finding]:
    key = check.key
    inside = [
        check.best(word)
        for folded, word in words.items()
        if not (folded.startswith(key) and folded[len(key) :] in HANGUL_PARTICLES)
    ]
    if not inside:
        return
    inside.sort(key=lambda w: -w.zipf)
    yield Finding(
        check.entity.name,
        check.alias.text,
        "inside-words",
        INFO,
        f'"{check.alias.text}" also matches inside {len(inside)} longer word{"s" * (len(inside) != 1)} '
        f"({', '.join(sorted({w.language for w in inside}))})",
        "if some are not this entity, add require_any, or exclude them (an exclude vetoes the whole item); "
        f'aliases for the words you mean ("{inside[0].word}") silence this note',
        tuple(inside),
    )
