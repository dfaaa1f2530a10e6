"""The market entries one sentence makes or takes back beyond its cue words and entries.py's first-and-site rules, for
sentence_events.py: a company bought to enter a country; no entry where what enters is a stage of making or talks,
where a launched product goes on sale, where goods are exported, a second shop opens, a supplier's customer builds, or
the entry came before ("a week after opening its first office"). Pure.
"""

from __future__ import annotations

import re

from watcher.analyze.entries import numeric_ordinals, ordinal_near
from watcher.analyze.entry_country import arrives, country_near
from watcher.analyze.sentences import Cue, Sentence

_PAST_ENTRY_REACH = 20  # characters between "after" and an entry's cue, across its verb ("after opening its first ...")
_BUY_TO_ENTER_REACH = 60  # characters between a purchase and the entry it is for ("compra la vietnamita PayGo para ")
_CLAUSE_BREAK = re.compile(r"[,;:()]|\b(?:which|that|who|qui|que|che|który|która|które|который|которая)\b")
# A comma before a purpose word joins the clauses: "PayGo, by wejść", "PayGo, чтобы выйти".
_PURPOSE_AFTER_COMMA = re.compile(r",\s*(?=(?:by|aby|żeby|чтобы|щоб|um|in order|so as)\b)", re.IGNORECASE)


# What a product or a company enters that is no country: a stage of its making, talks ("the cell enters mass
# production in the second quarter", "entra en producción en serie", "enters talks with").
_STAGE_AFTER = re.compile(
    r"\s+(?:(?:into|in|en|a)\s+)?(?:(?:mass|series|serial|volume|full|commercial|trial|pilot|en serie|en masa)\s+)?"
    r"(?:production|producción|produção|operation|service|servicio|talks|negotiations|negociaciones|administration)\b"
    r"|\s+(?:la |a )?(?:producción|produção|production)\b",
    re.IGNORECASE,
)
_ENTERING = re.compile(r"ent(?:er|ra|re)", re.IGNORECASE)  # enters, entering, entra, entre (not "first service")


def enters_a_stage(sentence: Sentence, made: list[tuple[str, Cue]]) -> bool:
    return any(
        kind == "market_entry"
        and _ENTERING.match(sentence.text, cue.start) is not None
        and _STAGE_AFTER.match(sentence.text, cue.end) is not None
        for kind, cue in made
    )


_ENTRY_SAYS_FIRST = frozenset({"first", "first_time", "absent", "new_market", "enter", "market_word", "abroad"})


def launched_there(sentence: Sentence, kinds: dict[str, Cue], events: dict[str, Cue]) -> bool:
    """A product launched, then "launches in" or "on sale in" a country, in a sentence that says no first nor a
    market entered: "Haleon has unveiled X ..., with launches in the UK and the US", "เปิดตัว ... วางขายในไทย" (on
    sale in Thailand). The product's launch where the company sells, not the company's entry."""
    entry, launch = events.get("market_entry"), kinds.get("product_launch")
    if entry is None or launch is None or entry.kind not in ("market_entry", "arrive", "product_launch"):
        return False
    return launch.start < entry.start and not (_ENTRY_SAYS_FIRST & set(kinds))


def bought_to_enter(sentence: Sentence, kinds: dict[str, Cue]) -> bool:
    """A company that buys a business to enter a country, in one clause or with a purpose word after a comma:
    "compra la vietnamita PayGo para entrar en Vietnam", "przejmuje PayGo, by wejść do Wietnamu"; the buyer is the
    subject, just before its verb. Not "buys PayGo, which entered Vietnam in 2019"."""
    entering, buying = kinds.get("enter"), kinds.get("acquisition")
    if entering is None or buying is None or not 0 <= entering.start - buying.end <= _BUY_TO_ENTER_REACH:
        return False
    between = _PURPOSE_AFTER_COMMA.sub(" ", sentence.text[buying.end : entering.start])
    return not _CLAUSE_BREAK.search(between) and country_near(sentence, entering) and arrives(sentence, buying)


def supplies_a_party(sentence: Sentence) -> bool:
    """One tracked company supplying another, in a sentence that names a plant: the plant is the customer's (or
    the supplier's own, at home or abroad; either way no entry the sentence can tell)."""
    return any(cue.kind == "supply" for cue in sentence.cues) and len({party.entity for party in sentence.parties}) >= 2


def exports(sentence: Sentence) -> bool:
    """Goods shipped or exported to a country, in a sentence that says no first: exports from a plant, no entry (the
    taxonomy), whatever else the sentence says of the plant ("a new batch of coaches made at its plant")."""
    kinds = {cue.kind for cue in sentence.cues}
    return "export" in kinds and not kinds & {"first", "first_time", "absent"}


def entry_after(entry: Cue, afters: list[int]) -> bool:
    """An entry just after "after", across its verb: "a week after opening its first overseas office in Dubai"."""
    return any(0 <= entry.start - end <= _PAST_ENTRY_REACH for end in afters)


def numbered_another(sentence: Sentence) -> bool:
    """A second or another shop or office, in a sentence that says no first: "opens its second store in Riyadh". Not
    a plant: a new factory abroad is an entry, the second too (the taxonomy; "segunda fábrica en España")."""
    if any(cue.kind in ("first", "first_time", "absent") for cue in sentence.cues):
        return False
    plants = [cue for cue in sentence.cues if cue.kind == "facility"]
    sites = [
        cue for cue in sentence.cues
        if cue.kind in ("outlet", "office") and not any(plant.start <= cue.start < plant.end for plant in plants)
    ]  # fmt: skip
    numbered = [cue for cue in sentence.cues if cue.kind == "another"] + numeric_ordinals(sentence.text)
    return any(ordinal_near(sentence.text, another, site) for another in numbered for site in sites)
