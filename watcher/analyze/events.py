"""Business events an item reports about tracked entities. Pure: sentences, entity hits and cues in, events out.

An event needs, in one sentence (the title or one of the first sentences of the summary):
- a cue of its type in the item's language (watcher/analyze/cues.py);
- a tracked organisation as its subject: the first one named before the cue. Partnerships and legal
  actions go to every tracked party named in the sentence ("VW kooperiert mit Xiaomi": both; "Brandenburg
  fines Tesla": Tesla), but never to one just after "following", "like", "rival" ... ("after Toyota");
- for a market entry, a country in the sentence (the first after the cue; a name over an adjective).
A rumour, denial, negation, review, opinion, share move or anniversary in a sentence drops it; in the
title, it drops every event of the item. When in doubt the item carries no event: a wrong event costs an
analyst more than a missing one.

The sentence model and the cue finder are in sentences.py, who is a party or a subject in subjects.py, a company's
home in homes.py, the rules that read a market entry in entries.py and its country in entry_country.py, weak cues and
conflicts between events in conflicts.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from watcher.analyze.conflicts import has_figure, resolve
from watcher.analyze.cues import ITEM_BLOCKERS, blockers
from watcher.analyze.entries import (
    ORDINAL_AFTER,
    absent_until_now,
    dated_before,
    deal_to_sell,
    distributor_for,
    first_abroad,
    first_foreign,
    first_in_country,
    first_time_in,
    first_venture,
    launches_a_shop,
    new_market,
    ordinal_near,
)
from watcher.analyze.entry_country import (
    ARRIVE_REACH,
    also_entered,
    arrives,
    country_near,
    entry_market,
    in_the_past,
)
from watcher.analyze.homes import item_homes, written_locally
from watcher.analyze.sentences import (
    EVENT_TYPES,
    VERB_LAST,
    Cue,
    Event,
    Party,
    Sentence,
    cue_language_of,
)
from watcher.analyze.subjects import described, parties_of, subjects_of

EVIDENCE_CHARS = 240
# Between "after" and the event it dates back, its size: "after the $69bn takeover", "nach der 5-Mrd-Übernahme".
_SIZED = re.compile(
    r"\s*(?:the|its|a|der|die|das|la|le|el|il)?\s*[$€£¥]?\s?\d[\d.,]*\s?(?:bn|m|billion|million|Mrd)?[-\s]*"
)
_AFTER_REACH = 5  # characters between "after"/"dopo l'" and the event it dates back ("after the deal")
_MARKET_WORD_REACH = 25  # characters between a movement verb and the market it moves into ("into the Greek ")
_PAST_ENTRY_REACH = 20  # ... and an entry's cue, across its verb ("after opening its first overseas office")
_QUESTION_MARKS = ("?", "\uff1f", "؟", "\u055e")  # Latin, full-width, Arabic-script and Armenian question marks
_BUYERS_REACH = 40  # characters between shoppers and the verb they buy with ("shoppers on its Masoko platform buy")
# A licence fined, bought with a company or financed: not one won to operate in a new country.
_LICENCE_ELSEWHERE = frozenset({"legal", "acquisition", "funding", "earnings"})


def _blockers(sentence: Sentence) -> list[str]:
    """The blockers of a sentence, in text order. Shares sold to raise money are funding, not a share move
    ("размещение акций", "share placement")."""
    afters = [cue.end for cue in sentence.cues if cue.kind == "after"]
    # "terms were not disclosed", "โดยไม่เปิดเผยมูลค่าดีล": a detail withheld, not the news denied; "where it was not
    # present until now": a first, not a denial.
    spans = [cue for cue in sentence.cues if cue.kind in ("disclosed", "absent")]
    kinds = [
        cue.kind
        for cue in sentence.cues
        if cue.kind in blockers()
        and cue.kind != "not_party"
        and not any(_inside(cue, other) for other in spans)
        and not any(0 <= cue.start - end <= _AFTER_REACH for end in afters)  # "after years of expansion": the past
    ]
    if "stock" in kinds and any(cue.kind == "funding" for cue in sentence.cues):
        kinds = [kind for kind in kinds if kind != "stock"]
    return kinds


def _inside(cue: Cue, span: Cue) -> bool:
    return span.start <= cue.start and cue.end <= span.end


def item_blocker(title: Sentence) -> str | None:
    """What a title is when it is a review, opinion, denial, rumour, share move or anniversary: no event at all."""
    if any(mark in title.text for mark in _QUESTION_MARKS):
        return "rumour"  # "Costco guarda all'Italia?", "Is Tesco coming to Greece?": asked, not reported
    return next((kind for kind in _blockers(title) if kind in ITEM_BLOCKERS), None)


def extract_events(
    sentences: Sequence[Sentence],
    language: str | None,
    known_homes: frozenset[str] = frozenset(),
    year: int | None = None,
) -> list[Event]:
    """The events of an item, title first; at most one per (type, entity). known_homes: the home countries
    config.yaml gives the item's companies (`home: CN`), never entered, like those the item's own words give;
    year: the item's, an entry dated before it being the company's past."""
    if not sentences:
        return []
    blocker = item_blocker(sentences[0])
    # "Broadcom forecasts strong AI chip revenue, shares jump": the results moved the shares; only they count.
    only = {"earnings"} if blocker == "stock" and _reports_results(sentences[0]) else None
    if blocker and only is None:
        return []
    title_parties = parties_of(sentences[0], language)  # not "following Aramco": no subject to carry on
    title_subject = title_parties[0] if title_parties else None
    # A headline's figures are often in the lead: "Heineken sells less beer in the third quarter" (volumes -4%).
    lead_figure = len(sentences) > 1 and has_figure(sentences[1].text)
    # "Allegro wchodzi na rynek węgierski. ... na Węgrzech": an entry whose sentence names no country enters
    # the one country the item names elsewhere (by name, not an adjective: "the Polish group" is its home).
    home = item_homes(sentences, language, known_homes)
    named = {hit.code for sentence in sentences for hit in sentence.markets if hit.is_name} - home
    named_elsewhere = next(iter(named)) if len(named) == 1 else None
    # A plant built somewhere the item names by a city alone may be the company's own country ("महिंद्रा नागपूरमध्ये
    # उभारणार": Mahindra builds near Nagpur): a building's country named elsewhere must be named as a country.
    countries = {hit.code for sentence in sentences for hit in sentence.markets if hit.is_name and not hit.is_city}
    said = {hit.code for sentence in sentences for hit in sentence.markets if not hit.is_city}  # "the Polish market"
    built_elsewhere = named_elsewhere if named_elsewhere in countries - home else None
    named_parties = {party.entity for sentence in sentences for party in parties_of(sentence, language)}
    sole = next(iter(named_parties)) if len(named_parties) == 1 else None
    found: dict[tuple[str, str], list[Event]] = {}
    previous: Party | None = None  # the subject of the last sentence that named one
    for sentence in sentences:
        parties = parties_of(sentence, language)
        if not parties and title_subject is None and previous is not None and described(sentence):
            # "Kedden letették az LG Energy Solution ... alapkövét. A dél-koreai vállalat első magyarországi gyára":
            # the company described is the one the sentence before named.
            parties = [Party(previous.entity, -1, -1)]
        previous = parties[0] if parties else previous
        if _blockers(sentence):
            continue
        if not parties and sentence.index == 0 and sole is not None and described(sentence):
            # "Philippinische Fastfood-Kette eröffnet erste deutsche Filiale" and only Jollibee named below: the
            # headline's company, described, is the one tracked company the item names.
            parties = [Party(sole, -1, -1)]
        if not parties and sentence.index >= 1 and title_subject is not None:
            # The lead continues the title: "The German group is paying ..." is about the title's subject.
            parties = [Party(title_subject.entity, -1, -1)]
        if not parties:
            continue
        for event_type, cue in _event_cues(sentence, figure=sentence.index == 0 and lead_figure, language=language):
            markets: list[str | None] = [None]
            if only is not None and event_type not in only:
                continue
            if event_type == "market_entry":
                if year is not None and dated_before(sentence.text, cue, year):
                    continue
                candidates = [
                    hit for hit in sentence.markets if hit.code not in home and not in_the_past(sentence, cue, hit)
                ]
                there = any(other.kind == "there" and other.start >= cue.start for other in sentence.cues)
                building = cue.kind in ("facility", "build")
                elsewhere = built_elsewhere if building else named_elsewhere
                market = entry_market(candidates, cue, elsewhere, cue_language_of(language) in VERB_LAST, there=there)
                if market is None or market in home:
                    continue  # without a country too unsure to report; at home ("the German group's plant in
                    # Germany") no entry
                if building and not home and market not in said and written_locally(language, market):
                    # "Infineon baut neue Chipfabrik in Dresden" in a German paper: a plant in one of its own
                    # country's cities, by a company it does not call foreign ("Duński producent" would), is the
                    # company's own country more often than not.
                    continue
                markets = [market, *also_entered(sentence.text, candidates, market, cue)]
            for entity in subjects_of(event_type, cue, parties, language, sentence.text):
                key = (event_type, entity)
                evidence = evidence_at(sentence.text, cue.start)
                if key not in found:
                    found[key] = [Event(event_type, entity, evidence, market) for market in markets]
                elif event_type == "market_entry":
                    # "Llega a Colombia Globoplay ... desembarca en el país, y también en Perú": a later sentence adds
                    # the countries it names and enters too (not "its first investment in the country" again).
                    known = {event.market for event in found[key]} | {None}
                    named_here = {hit.code for hit in sentence.markets}
                    found[key] += [
                        Event(event_type, entity, evidence, m) for m in markets if m not in known and m in named_here
                    ]
    entered = {entity for event_type, entity in found if event_type == "market_entry"}
    # "Enters Japan with a kei car": the entry is the news, the car its means.
    events = [
        event for key, same in found.items() if not (key[0] == "product_launch" and key[1] in entered) for event in same
    ]
    return sorted(events, key=lambda event: EVENT_TYPES.index(event.type))


def _reports_results(title: Sentence) -> bool:
    return any(cue.kind in ("earnings", "earnings?") for cue in title.cues)


def _event_cues(sentence: Sentence, figure: bool = False, language: str | None = None) -> list[tuple[str, Cue]]:
    """(event type, its cue) for each event the sentence's cues make, in text order, conflicts resolved.
    `figure`: a figure elsewhere (the lead's) counts for the weak cues, as one in the sentence does."""
    kinds: dict[str, Cue] = {}
    afters = [cue.end for cue in sentence.cues if cue.kind == "after"]
    absent = [cue for cue in sentence.cues if cue.kind == "absent"]
    for cue in sentence.cues:
        if any(other is not cue and _inside(cue, other) for other in absent):
            continue  # "where it has had no business": no sale of a business
        if sentence.index >= 1 and _in_a_name(sentence.text, cue, language):
            continue  # "the Star Alliance carrier": a name, not an alliance made
        if cue.kind in EVENT_TYPES and any(
            0 <= cue.start - end <= _AFTER_REACH or _SIZED.fullmatch(sentence.text[end : cue.start])
            for end in afters
            if end <= cue.start
        ):
            continue  # "dopo l'accordo con Exor", "after the merger": what came before the news
        kinds.setdefault(cue.kind, cue)
    events: dict[str, Cue] = {kind: cue for kind, cue in kinds.items() if kind in EVENT_TYPES}
    buying = events.get("acquisition")
    if buying and any(cue.kind == "buyers" and 0 <= buying.start - cue.end <= _BUYERS_REACH for cue in sentence.cues):
        events.pop("acquisition")  # "lets shoppers on its platform buy from retailers": shopping, not a takeover
    if "market_entry" not in events:
        # "first flagship store", "erste Filiale", "첫 매장": an ordinal just before a kind of site.
        firsts = [cue for cue in sentence.cues if cue.kind == "first"]
        outlets = [cue for cue in sentence.cues if cue.kind == "outlet"]
        after = cue_language_of(language) in ORDINAL_AFTER
        near = [
            first
            for first in firsts
            if any(ordinal_near(sentence.text, first, outlet, after) for outlet in outlets) and not _past(first, afters)
        ]
        if near:
            events["market_entry"] = near[0]
    if "market_entry" not in events:
        entry = (
            first_abroad(sentence, language)
            or first_foreign(sentence)
            or first_time_in(sentence)
            or distributor_for(sentence)
            or deal_to_sell(sentence)
            or new_market(sentence)
            or first_venture(sentence, language)
            or first_in_country(sentence)
            or absent_until_now(sentence)
        )
        if entry is not None and not _past(entry, afters):
            events["market_entry"] = entry
    launched = kinds.get("product_launch")
    if "market_entry" not in events and launched and launches_a_shop(sentence, launched):
        events["market_entry"] = launched  # "spustil e-shop v Polsku", "launched a storefront for Polish shoppers"
    for moving in (kinds.get("arrive"), kinds.get("enter")):
        if "market_entry" not in events and moving and country_near(sentence, moving) and arrives(sentence, moving):
            # "starts operations in Bangladesh", "chega ao Brasil", "jõuab Eestisse", "ליפמוטור נכנסת לישראל"
            events["market_entry"] = moving
    licence = kinds.get("licence")
    if "market_entry" not in events and licence and "operator" in kinds and not _LICENCE_ELSEWHERE & set(kinds):
        events["market_entry"] = licence  # "wins Ethiopian mobile licence", "obtém licença e vai operar na Argentina"
    if "market_entry" not in events and "open" in kinds and "office" in kinds:
        opening = min(kinds["open"], kinds["office"], key=lambda cue: cue.start)
        if country_near(sentence, opening, reach=ARRIVE_REACH + 30):
            events["market_entry"] = opening  # "opens an office in Hanoi", "avas Tallinnas esinduse"
    if "market_entry" not in events and "enter" in kinds and "market_word" in kinds:
        events["market_entry"] = min(kinds["enter"], kinds["market_word"], key=lambda cue: cue.start)
    arriving, market_word = kinds.get("arrive"), kinds.get("market_word")
    into_market = arriving and market_word and 0 <= market_word.start - arriving.end <= _MARKET_WORD_REACH
    if "market_entry" not in events and arriving and into_market and arrives(sentence, arriving, clause=True):
        events["market_entry"] = arriving  # "μπαίνει στην ελληνική αγορά": the company moving into a market

    made = resolve(sentence, kinds, events, figure)
    if _numbered_another(sentence):
        made = [(kind, cue) for kind, cue in made if kind != "market_entry"]  # "to build second Brazilian plant"
    if _exports(sentence):
        made = [(kind, cue) for kind, cue in made if kind != "market_entry"]  # "ships a new batch ... to Australia"
    if any(kind == "earnings" for kind, _cue in made):
        # "The maker, investor in a plant complex in Quang Ninh, reported a net loss": a plant that describes the
        # company whose results are the news, no plant built.
        made = [(kind, cue) for kind, cue in made if not (kind == "market_entry" and cue.kind in ("facility", "build"))]
    return made


def _exports(sentence: Sentence) -> bool:
    """Goods shipped or exported to a country, in a sentence that says no first: exports from a plant, no entry (the
    taxonomy), whatever else the sentence says of the plant ("a new batch of coaches made at its plant")."""
    kinds = {cue.kind for cue in sentence.cues}
    return "export" in kinds and not kinds & {"first", "first_time", "absent"}


_NAME_BEFORE = re.compile(r"(?<=\S\s)[A-Z][\w.&'-]*[\s-]+$")  # a capitalised word, not the sentence's first


def _in_a_name(text: str, cue: Cue, language: str | None) -> bool:
    """A capitalised cue after a capitalised word inside a sentence (not a headline, whose words are capitalised):
    part of a name, "the Star Alliance carrier", "Patent and Trademark Office". German capitalises every noun."""
    if cue_language_of(language) == "de" or not text[cue.start : cue.start + 1].isupper():
        return False
    return _NAME_BEFORE.search(text, 0, cue.start) is not None


def _past(entry: Cue, afters: list[int]) -> bool:
    """An entry just after "after", across its verb: "a week after opening its first overseas office in Dubai"."""
    return any(0 <= entry.start - end <= _PAST_ENTRY_REACH for end in afters)


def _numbered_another(sentence: Sentence) -> bool:
    """A second or another shop or office, in a sentence that says no first: "opens its second store in Riyadh". Not
    a plant: a new factory abroad is an entry, the second too (the taxonomy; "segunda fábrica en España")."""
    if any(cue.kind in ("first", "first_time", "absent") for cue in sentence.cues):
        return False
    plants = [cue for cue in sentence.cues if cue.kind == "facility"]
    sites = [
        cue for cue in sentence.cues
        if cue.kind in ("outlet", "office") and not any(plant.start <= cue.start < plant.end for plant in plants)
    ]  # fmt: skip
    return any(
        ordinal_near(sentence.text, another, site) for another in sentence.cues if another.kind == "another"
        for site in sites
    )  # fmt: skip


def evidence_at(text: str, position: int) -> str:
    """The sentence, or the EVIDENCE_CHARS of it around `position` (a cue's start, a country named)."""
    text = " ".join(text.split())
    if len(text) <= EVIDENCE_CHARS:
        return text
    start = max(0, min(position - EVIDENCE_CHARS // 2, len(text) - EVIDENCE_CHARS))
    return ("…" if start else "") + text[start : start + EVIDENCE_CHARS].strip() + "…"
