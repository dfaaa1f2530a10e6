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
from watcher.analyze.sentences import (
    NOT_ACTS,
    POSTPOSITIONAL,
    VERB_FIRST,
    VERB_LAST,
    Cue,
    Party,
    Sentence,
    cue_language_of,
)

NOT_PARTY_REACH = 14  # characters between "following"/"après" and the entity it demotes (after it in CJK)
# "Embraer-backed Eve"; "Volkswagen supplier ZF", "Airbus customer Wizz Air": the name qualifies another company's;
# "Airbus veteran appointed": a person's past employer.
_NOT_SUBJECT_AFTER = re.compile(
    r"-(?i:backed|owned|controlled|funded|supported|affiliated|linked|led)\b"
    r"|(?:['’]s)?\s+(?i:supplier|customer|client)s?\s+(?=[A-Z])|\s+(?i:veteran|alumnus|alumna)\b"
)
# A word that makes a name no party written after it with a case ending, in languages that put the ending on the name
# with an apostrophe: "Arçelik'in tedarikçisi" (Arçelik's supplier), "Arçelik'e rakip" (a rival to Arçelik).
_MARKED_AFTER = ("tr", "az")
_CASE_ENDING = re.compile(r"['’]\w{1,5}\s+")
# A party named after a clause break, in a sentence whose deal or lawsuit is before it: "Airbus wins IndiGo
# maintenance deal as Boeing misses out", "Apple sued by app developers; Samsung's store not affected". Not "such as",
# "as well as", nor "as" before what a party is ("signs Samsung as supplier").
_CLAUSE_BREAK = re.compile(
    r";|\s(?:while|whereas|während|tandis que|alors que|mentre|mientras|enquanto|terwijl)\s"
    r"|(?<!\bsuch)(?<!\bwell)\sas\s(?!(?:well|part|a|an|the|its|their|his|her|supplier|partner|sponsor)\b)",
    re.IGNORECASE,
)
# A unit named as the seller's, just before "bought by": "Nestlé's frozen food unit bought by PAI", "la filiale de
# Nestlé rachetée par": the seller sells a business (the taxonomy's acquisition, for the seller).
_OWN_UNIT = re.compile(r"['’]s\s+(?:[\w-]+\s+){0,3}")
_UNIT_OF = re.compile(r"\s+(?:[\w-]+\s+){0,2}(?:of|de|du|des|di|del|della|do|da|von|van)\s+", re.IGNORECASE)
_SELLER_REACH = 25  # characters between the seller or its unit and "bought by"
_AGENT_REACH = 12  # characters between "acquired by" and the buyer ("by the Canadian fund Brookfield" is too far)
# Events whose subject may follow its cue anywhere: "Profit at Almarai rises", "odwołała prezesa Orlenu".
_SUBJECT_AFTER = ("earnings", "leadership")
# ... and, in a verb-last language, events a noun names ahead of its doer: an IPO, a launch, job cuts (not a patent:
# "पेटेंट विवाद: ... एरिक्सन के पक्ष में", a patent dispute ruled in its favour, is no patent of its own).
_NOUN_BEFORE_SUBJECT = ("funding", "product_launch", "layoffs")
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
            (0 <= party.start - marker.end <= NOT_PARTY_REACH or _ending_before(sentence.text, party, marker, language))
            if not postpositional
            # "トヨタに続き", "टोयोटा के बाद"; or a verb written onto the name it governs: "对标三星", "超越小米"
            else (0 <= marker.start - party.end <= 5 or party.start == marker.end)
            for marker in markers
        )
        if not demoted:
            parties.append(party)
    return parties


def _ending_before(text: str, party: Party, marker: Cue, language: str | None) -> bool:
    """A marker just after the name's case ending, in a language that writes one with an apostrophe."""
    return cue_language_of(language) in _MARKED_AFTER and bool(_CASE_ENDING.fullmatch(text, party.end, marker.start))


def subjects_of(
    event_type: str,
    cue: Cue,
    parties: Sequence[Party],
    language: str | None = None,
    text: str = "",
    cues: Sequence[Cue] = (),
) -> list[str]:
    """`cues`: the sentence's; its words for a business ("unit", "filiale") name a seller before "bought by", and a
    cue of the event's type in a later clause makes that clause's party a party too ("; Bayer will in Berufung
    gehen")."""
    parties = _own_clause(text, cue, parties, cues)
    if event_type in SHARED_EVENTS:
        shared = [party for party in parties if party.start < cue.end or _same_clause(text, cue, party, cues)]
        return list(dict.fromkeys(party.entity for party in shared))
    if cue.kind == "acquired_by":
        # "Iveco acquired by Tata Motors": the one after "by" buys; the one before is bought, no event of its own,
        # unless it is named as the owner of the unit bought ("Nestlé's frozen food unit bought by PAI Partners").
        after = [party for party in parties if party.start >= cue.end]
        buyer = [after[0].entity] if after and after[0].start - cue.end <= _AGENT_REACH else []
        units = [unit for unit in cues if unit.kind == "asset"]
        return buyer + [party.entity for party in parties if _sells_unit(text, party, cue, units)]
    before = [party for party in parties if party.start < cue.start and not _in_relative_clause(text, party, cue)]
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
    if event_type in _NOUN_BEFORE_SUBJECT and cue_language_of(language) in VERB_LAST:
        # A verb-last language names what is done first, as a noun, and its doer after it, before the verb at the
        # end: "जिओच्या आयपीओसाठी रिलायन्स ... दाखल" (for Jio's IPO, Reliance filed), "জিও-র আইপিও: ... জমা দিল রিলায়েন্স".
        after = [party for party in parties if party.start >= cue.end and not _another_clause(text, cue, party)]
        return [after[0].entity] if after else []
    return []


# A break between the clauses of a round-up ("Husqvarna names CFO, Yakult files EU trademark, Uber fined in Italy").
_LIST_BREAK = re.compile(r"[,;，；]\s*|\s[–—|]\s")


def _own_clause(text: str, cue: Cue, parties: Sequence[Party], cues: Sequence[Cue]) -> list[Party]:
    """The parties a cue can have where clauses list a company and what it did each: those after the last break
    before the cue that has a party after it, where a company and an act come before that break. "Novo Nordisk
    streicht Stellen, Rio Tinto platziert Anleihe": the bond is Rio Tinto's, not the first company's. Not "Renault,
    Nissan sign a deal" (no act before the break), nor "Tesla, which opened a plant in 2019, is sued" (no company
    after it)."""
    breaks = [found.start() for found in _LIST_BREAK.finditer(text, 0, cue.start)]
    for at in reversed(breaks):
        if not any(at < party.start < cue.start for party in parties):
            continue
        earlier = [party for party in parties if party.start < at]
        acted = any(
            other.kind not in NOT_ACTS and other.kind != "org_noun" and other.end <= at
            and any(party.end <= other.start for party in earlier)
            for other in cues
        )  # fmt: skip
        return [party for party in parties if party.start > at] if acted else list(parties)
    return list(parties)


def _same_clause(text: str, cue: Cue, party: Party, cues: Sequence[Cue]) -> bool:
    """A party after the cue in its clause, or in a later one that has a cue of the same kind."""
    breaks = list(_CLAUSE_BREAK.finditer(text, cue.end, party.start))
    if not breaks:
        return True
    clause = breaks[-1].end()
    return any(other.kind == cue.kind and clause <= other.start for other in cues)


def _sells_unit(text: str, party: Party, bought: Cue, units: Sequence[Cue]) -> bool:
    """The party owns the unit "bought by" someone: "Nestlé's frozen food unit bought by", "la filiale de Nestlé
    rachetée par"."""
    if party.end > bought.start:
        return False
    return any(
        (
            party.end <= unit.start
            and unit.end <= bought.start
            and bought.start - unit.end <= _SELLER_REACH
            and _OWN_UNIT.fullmatch(text, party.end, unit.start) is not None
        )
        or (
            unit.end <= party.start
            and bought.start - party.end <= _SELLER_REACH
            and _UNIT_OF.fullmatch(text, unit.end, party.start) is not None
        )
        for unit in units
    )


# A relative pronoun between an event's cue and a company named after it: "appointed Sarah Kendrick, who ran finance
# for Haleon's North American business". The company is in a clause that describes someone, not the subject the
# event lacks before its cue. (Not a comma alone: "En su reporte del segundo trimestre, Nu Holdings informó".)
# Swedish, Danish and Norwegian "som" is "who" after a comma ("Mette Kjær, som fram till i våras ledde Novo Nordisks
# forskning"), "as" without one ("utser Anna som vd").
# A place's relative ("a market where Keeta, Meituan's app, debuted", "em que", "où") is one too.
_CLAUSE_BETWEEN = re.compile(
    r"\b(?:who|whose|which|where|in which|qui|dont|où|cui|dove|quien|quienes|cuyo|donde|en el que|en la que|onde"
    r"|em que|no qual|na qual)\b|,\s+som\b",
    re.IGNORECASE,
)


def _in_relative_clause(text: str, party: Party, cue: Cue) -> bool:
    """A company named inside a relative clause closed before the cue: "appointed Mette Kjær, who until spring ran
    Novo Nordisk's research, as chief executive" (the clause describes the person, the company is not the subject)."""
    if not text:
        return False
    opened = [
        found for found in _CLAUSE_BETWEEN.finditer(text, 0, party.start) if "," not in text[found.end() : party.start]
    ]
    return bool(opened) and "," in text[party.end : cue.start]


def _another_clause(text: str, cue: Cue, party: Party) -> bool:
    return bool(text) and _CLAUSE_BETWEEN.search(text, cue.end, party.start) is not None


def _sold_by(text: str, party: Party) -> bool:
    """The company something is bought from: "ҚТЖ CRRC-ден 150 тепловоз сатып алады"."""
    return bool(_SOLD_BY_AFTER.match(text, party.end) or _SOLD_BY_BEFORE.search(text, 0, party.start))
