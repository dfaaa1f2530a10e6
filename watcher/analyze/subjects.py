"""Who does what a sentence says: the tracked organisations that can be its party (not "following Toyota", not
"Embraer-backed Eve"), the subject of each event (the first named before its cue; the buyer after "acquired by";
every party of a deal or a lawsuit), and a headline's company described rather than named ("Philippinische
Fastfood-Kette eröffnet ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from watcher.analyze.cues import SHARED_EVENTS
from watcher.analyze.entry_country import SUBJECT_LAST_REACH
from watcher.analyze.sentences import NOT_ACTS, POSTPOSITIONAL, VERB_FIRST, Cue, Party, Sentence, cue_language_of

NOT_PARTY_REACH = 14  # characters between "following"/"après" and the entity it demotes (after it in CJK)
_NOT_SUBJECT_AFTER = re.compile(r"-(?:backed|owned|controlled|funded|supported|affiliated|linked|led)\b", re.I)
_AGENT_REACH = 12  # characters between "acquired by" and the buyer ("by the Canadian fund Brookfield" is too far)
# Events whose subject may follow its cue anywhere: "Profit at Almarai rises", "odwołała prezesa Orlenu".
_SUBJECT_AFTER = ("earnings", "leadership")
_DESCRIBED_WORDS = 3  # words before the word for a company that describes a headline's subject
# A name something is bought from: a case ending or postposition on it ("CRRC-ден", "Stadler-ისგან", "CRRC'den",
# "CRRCから", "CRRC로부터"), or a preposition just before it ("from CRRC", "у Stadler", "从中车"). Its company
# sells what the sentence's subject buys (trains, locomotives), no acquisition of its own.
_SOLD_BY_AFTER = re.compile(
    r"[-'’]?(?:ден|дан|тен|тан|нен|нан|дын|дин|ისგან|გან|den|dan|ten|tan|dən|tən|tól|től|ltä|lta|から|로부터|으로부터)"
    r"(?!\w)",
    re.IGNORECASE,
)
_SOLD_BY_BEFORE = re.compile(r"(?:\b(?:from|von|от|у|від|od|ze|iš)\s+|[从向])$", re.IGNORECASE)


def described(sentence: Sentence) -> bool:
    """A headline whose subject is a word for a company in its first four words ("Philippinische Fastfood-Kette
    eröffnet", "Turkish defense electronics firm sets up shop"), before any event cue."""
    nouns = [cue for cue in sentence.cues if cue.kind == "org_noun"]
    acts = [cue.start for cue in sentence.cues if cue.kind not in NOT_ACTS and cue.kind != "org_noun"]
    return any(
        len(sentence.text[: noun.start].split()) <= _DESCRIBED_WORDS and noun.end <= min(acts, default=noun.end)
        for noun in nouns
    )


def parties_of(sentence: Sentence, language: str | None) -> list[Party]:
    """The tracked organisations of a sentence that can be a party (not "after Toyota", "rival Siemens")."""
    markers = [cue for cue in sentence.cues if cue.kind == "not_party"]
    postpositional = cue_language_of(language) in POSTPOSITIONAL
    parties = []
    for party in sentence.parties:
        if _NOT_SUBJECT_AFTER.match(sentence.text, party.end):
            continue  # "Embraer-backed Eve", "Siemens-owned": another company, which the name only qualifies
        demoted = any(
            (0 <= party.start - marker.end <= NOT_PARTY_REACH)
            if not postpositional
            # "トヨタに続き", "टोयोटा के बाद"; or a verb written onto the name it governs: "对标三星", "超越小米"
            else (0 <= marker.start - party.end <= 5 or party.start == marker.end)
            for marker in markers
        )
        if not demoted:
            parties.append(party)
    return parties


def subjects_of(
    event_type: str, cue: Cue, parties: Sequence[Party], language: str | None = None, text: str = ""
) -> list[str]:
    if event_type in SHARED_EVENTS:
        return list(dict.fromkeys(party.entity for party in parties))
    if cue.kind == "acquired_by":
        # "Iveco acquired by Tata Motors": the one after "by" buys; the one before is bought, no event of its own.
        after = [party for party in parties if party.start >= cue.end]
        return [after[0].entity] if after and after[0].start - cue.end <= _AGENT_REACH else []
    before = [party for party in parties if party.start < cue.start]
    if event_type == "acquisition":
        before = [party for party in before if not _sold_by(text, party)]
    if before:
        return [before[0].entity]
    if cue.kind == "first_time":
        return []  # "首次超越海尔": what comes after "for the first time" is the object, not the subject
    if cue.kind in ("arrive", "first", "market_entry") or event_type == "market_entry":
        # Arriving, or a first shop, with the company named last: "Έρχεται στην Αθήνα το πρώτο κατάστημα Uniqlo".
        after = [party for party in parties if 0 <= party.start - cue.end <= SUBJECT_LAST_REACH]
        after = [party for party in after if not _another_clause(text, cue, party)]
        return [after[0].entity] if after else []
    if event_type in _SUBJECT_AFTER or (language or "")[:2] in VERB_FIRST:
        after = [party for party in parties if party.start >= cue.start and not _another_clause(text, cue, party)]
        return [after[0].entity] if after else []
    return []


# A relative pronoun between an event's cue and a company named after it: "appointed Sarah Kendrick, who ran finance
# for Haleon's North American business". The company is in a clause that describes someone, not the subject the
# event lacks before its cue. (Not a comma alone: "En su reporte del segundo trimestre, Nu Holdings informó".)
_CLAUSE_BETWEEN = re.compile(r"\b(?:who|whose|which|qui|dont|cui|quien|quienes|cuyo)\b", re.IGNORECASE)


def _another_clause(text: str, cue: Cue, party: Party) -> bool:
    return bool(text) and _CLAUSE_BETWEEN.search(text, cue.end, party.start) is not None


def _sold_by(text: str, party: Party) -> bool:
    """The company something is bought from: "ҚТЖ CRRC-ден 150 тепловоз сатып алады"."""
    return bool(_SOLD_BY_AFTER.match(text, party.end) or _SOLD_BY_BEFORE.search(text, 0, party.start))
