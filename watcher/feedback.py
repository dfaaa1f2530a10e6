"""Feedback that teaches (pure, but for the link secret's file): what an analyst's "not relevant" suggests
for the entity's config, which new matches look like rejected ones, and the signed one-click links.

- `propose`: an exclude phrase is a run of one to three words seen near the alias in several rejected items
  and in no accepted one ("pay de limon" for Mi Pay); a require_any phrase is one seen in nearly every
  accepted item and in no rejected one. Both are phrases as config.yaml takes them (the matcher folds them).
- `closest_rejected`: a new match of the same entity whose headline and lead share enough character
  trigrams with a rejected one (the analyzer's own lexical similarity, watcher/analyze/signals.py), and more
  than with any accepted one, is held back from the digest until someone releases it. HOLD_SIMILARITY was
  chosen on tests/data/feedback/ (docs/benchmarks.md: rejected-like items scored 0.27-0.57, news 0.06-0.14).
- Links: itsdangerous' URL-safe timed signatures over {"match": id}, salted with their single purpose, with
  the secret kept in state_dir (0600); they expire after web.link_days.
"""

from __future__ import annotations

import os
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from watcher import clock
from watcher.analyze.signals import char_trigrams, jaccard
from watcher.config import EntityConfig
from watcher.match.words import is_no_space
from watcher.search.terms import terms

HOLD_SIMILARITY = 0.20
NEAR = 4  # words either side of the alias where an exclude phrase is looked for
MIN_REJECTED = 2  # an exclude phrase must be in at least this many rejected items
REQUIRE_SHARE = 0.9  # a require_any phrase must be in this share of accepted items (of at least MIN_ACCEPTED)
MIN_ACCEPTED = 3
SECRET_FILE = "web-secret"
NOT_RELEVANT_PURPOSE = "watcher.not-relevant"


@dataclass(frozen=True)
class Sample:
    """A judged match: its item's text and whether it was rejected."""

    text: str
    rejected: bool


@dataclass(frozen=True)
class Proposal:
    kind: str  # "exclude" or "require_any"
    phrase: str
    rejected: int  # rejected items it is in
    accepted: int  # accepted items it is in


def _phrase(words: Sequence[str]) -> str:
    if all(is_no_space(word[0]) for word in words):  # letter pairs: 미페 페이 → 미페이
        return words[0] + "".join(word[-1] for word in words[1:])
    return " ".join(words)


def _ngrams(words: Sequence[str], low: int = 0, high: int | None = None) -> set[tuple[str, ...]]:
    high = len(words) if high is None else high
    return {
        tuple(words[start : start + size])
        for size in (1, 2, 3)
        for start in range(max(low, 0), min(high, len(words)) - size + 1)
    }


def _near_alias(words: list[str], alias_terms: list[set[str]]) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for position, word in enumerate(words):
        if any(word in alias for alias in alias_terms):
            found |= _ngrams(words, position - NEAR, position + NEAR + 1)
    return found


def propose(entity: EntityConfig, samples: Sequence[Sample], limit: int = 3) -> list[Proposal]:
    """Phrases to add to the entity's exclude or require_any, best first; none already configured."""
    alias_terms = [set(terms(alias.text.replace("*", ""))) for alias in entity.aliases]
    alias_words = set().union(*alias_terms) if alias_terms else set()
    configured = {" ".join(terms(phrase)) for phrase in [*entity.exclude, *entity.require_any]}
    rejected = [terms(sample.text) for sample in samples if sample.rejected]
    accepted = [terms(sample.text) for sample in samples if not sample.rejected]
    in_accepted = Counter(gram for words in accepted for gram in _ngrams(words))
    proposals: list[Proposal] = []
    if len(rejected) >= MIN_REJECTED:
        near = Counter(gram for words in rejected for gram in _near_alias(words, alias_terms))
        excludes = [
            (count, len(gram), gram)
            for gram, count in near.items()
            if count >= MIN_REJECTED
            and not in_accepted[gram]
            and not set(gram) <= alias_words  # the alias itself vetoes everything
            and (len(gram) > 1 or len(gram[0]) >= 4)  # a lone short word ("con", "de") is noise
        ]
        for count, _size, gram in sorted(excludes, key=lambda e: (-e[0], -e[1], e[2])):
            phrase = _phrase(gram)
            if " ".join(gram) not in configured and not any(_contains(p.phrase, phrase) for p in proposals):
                proposals.append(Proposal("exclude", phrase, count, 0))
            if len(proposals) >= limit:
                break
    if len(accepted) >= MIN_ACCEPTED and rejected:
        in_rejected = Counter(gram for words in rejected for gram in _ngrams(words))
        needed = REQUIRE_SHARE * len(accepted)
        requires = [
            (count, gram)
            for gram, count in in_accepted.items()
            if count >= needed and not in_rejected[gram] and not set(gram) & alias_words and len(gram) == 1
            and len(gram[0]) >= 3
        ]  # fmt: skip
        for count, gram in sorted(requires, key=lambda e: (-e[0], e[1]))[:1]:
            if " ".join(gram) not in configured:
                proposals.append(Proposal("require_any", _phrase(gram), 0, count))
    return proposals


def _contains(longer: str, shorter: str) -> bool:
    return f" {shorter} " in f" {longer} " or f" {longer} " in f" {shorter} "


def closest_rejected(
    text: str, rejected: Sequence[tuple[int, frozenset[str]]], accepted: Sequence[frozenset[str]] = ()
) -> tuple[int, float] | None:
    """The rejected match (id, similarity) most like `text`, if it is at least HOLD_SIMILARITY alike and more
    alike than any accepted match (the nearest neighbour decides)."""
    grams = char_trigrams(text)
    best: tuple[int, float] | None = None
    for match_id, other in rejected:
        score = jaccard(grams, other)
        if score >= HOLD_SIMILARITY and (best is None or score > best[1]):
            best = (match_id, score)
    if best is not None and any(jaccard(grams, other) >= best[1] for other in accepted):
        return None
    return best


# --- one-click links -------------------------------------------------------------------------------------


def link_secret(state_path: Path) -> bytes:
    """The secret signing sessions and digest links, made on first use (0600 in state_dir)."""
    path = state_path / SECRET_FILE
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    state_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48).encode()
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "wb") as file:
        file.write(value)
    return value


class _ClockSigner(TimestampSigner):
    """Signed and checked on watcher's clock (the one the daemon and the digest use), not the machine's."""

    def get_timestamp(self) -> int:
        return int(clock.utcnow().timestamp())


def _serializer(secret: bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=NOT_RELEVANT_PURPOSE, signer=_ClockSigner)


def not_relevant_token(secret: bytes, match_id: int) -> str:
    return _serializer(secret).dumps({"match": match_id})


def read_not_relevant_token(secret: bytes, token: str, max_age_days: int) -> int | None:
    """The match id a "not relevant" link is for, or None when it is forged, for another purpose or expired."""
    try:
        data = _serializer(secret).loads(token, max_age=max_age_days * 86400)
    except (BadSignature, SignatureExpired):
        return None
    match_id = data.get("match") if isinstance(data, dict) else None
    return match_id if isinstance(match_id, int) else None
