"""Which events one sentence's cues make, by the rules of each type: cues taken back by "after" or a span that
holds them, a market entry made of two cues (a first and a kind of site, an arrival and a country, an office
opened ...), conflicts between types resolved (conflicts.py). Pure: a sentence in, (event type, cue) pairs out.

Who the events are about, and a market entry's country, are events.py's (the item's sentences together).
"""

from __future__ import annotations

import re

from watcher.analyze.conflicts import resolve
from watcher.analyze.cues import blockers
from watcher.analyze.entries import (
    ORDINAL_AFTER,
    absent_until_now,
    distributor_for,
    first_abroad,
    first_foreign,
    first_in_country,
    first_time_in,
    first_venture,
    launches_a_shop,
    new_market,
    numeric_ordinals,
    ordinal_near,
)
from watcher.analyze.entry_country import ARRIVE_REACH, arrives, country_near, present_cues
from watcher.analyze.entry_sales import deal_to_sell, sales_begin_in
from watcher.analyze.sentences import EVENT_TYPES, VERB_LAST, Cue, Sentence, cue_language_of

# Between "after" and the event it dates back, its size: "after the $69bn takeover", "nach der 5-Mrd-Übernahme".
_SIZED = re.compile(
    r"\s*(?:the|its|a|der|die|das|la|le|el|il)?\s*[$€£¥]?\s?\d[\d.,]*\s?(?:bn|m|billion|million|Mrd)?[-\s]*"
)
_AFTER_REACH = 5  # characters between "after"/"dopo l'" and the event it dates back ("after the deal")
_MARKET_WORD_REACH = 25  # characters between a movement verb and the market it moves into ("into the Greek ")
_PAST_ENTRY_REACH = 20  # ... and an entry's cue, across its verb ("after opening its first overseas office")
_BUYERS_REACH = 40  # characters between shoppers and the verb they buy with ("shoppers on its Masoko platform buy")
# ... and between a purchase and the shoppers after it, what they buy between ("a compra de veículos aos motoristas":
# credit to drivers to buy cars); short, as a buyer's new customers come after the company it buys ("buys Careem,
# gaining 30 million customers": 28 characters).
_BUYERS_AFTER_REACH = 20
# A licence fined, bought with a company or financed: not one won to operate in a new country.
_BUY_TO_ENTER_REACH = 60  # characters between a purchase and the entry it is for ("compra la vietnamita PayGo para ")
_CLAUSE_BREAK = re.compile(r"[,;:()]|\b(?:which|that|who|qui|que|che|który|która|które|который|которая)\b")
# A comma before a purpose word joins the clauses: "PayGo, by wejść", "PayGo, чтобы выйти".
_PURPOSE_AFTER_COMMA = re.compile(r",\s*(?=(?:by|aby|żeby|чтобы|щоб|um|in order|so as)\b)", re.IGNORECASE)
_LICENCE_ELSEWHERE = frozenset({"legal", "acquisition", "funding", "earnings"})


# "Há 30 anos, Localiza abria ...", "hace 20 años", "il y a 25 ans", "vor 30 Jahren", "10 anni fa", "20 jaar geleden":
# a look back, told as the past.
_YEARS_AGO = re.compile(
    r"(?<!\w)(?:(?:há|hace|il y a|vor)\s+\d+\s+(?:anos|años|ans|Jahren)|\d+\s+(?:anni fa|jaar geleden))(?!\w)",
    re.IGNORECASE,
)


def sentence_blockers(sentence: Sentence) -> list[str]:
    """The blockers of a sentence, in text order. Shares sold to raise money are funding, not a share move
    ("размещение акций", "share placement")."""
    if _YEARS_AGO.search(sentence.text):
        return ["anniversary"]
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


def sentence_event_cues(sentence: Sentence, figure: bool = False, language: str | None = None) -> list[tuple[str, Cue]]:
    """(event type, its cue) for each event the sentence's cues make, in text order, conflicts resolved.
    `figure`: a figure elsewhere (the lead's) counts for the weak cues, as one in the sentence does."""
    kinds: dict[str, Cue] = {}
    afters = [cue.end for cue in sentence.cues if cue.kind == "after"]
    absent = [cue for cue in sentence.cues if cue.kind == "absent"] + present_cues(sentence)
    for cue in sentence.cues:
        if any(other is not cue and _inside(cue, other) for other in absent):
            continue  # "where it has had no business": no sale of a business; "présente en France": no launch
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
    if buying and any(
        cue.kind == "buyers"
        and (0 <= buying.start - cue.end <= _BUYERS_REACH or 0 <= cue.start - buying.end <= _BUYERS_AFTER_REACH)
        for cue in sentence.cues
    ):
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
    verb_last = cue_language_of(language) in VERB_LAST
    for moving in (kinds.get("arrive"), kinds.get("enter")):
        if (
            "market_entry" not in events
            and moving
            and country_near(sentence, moving)
            and arrives(sentence, moving, verb_last=verb_last)
        ):
            # "starts operations in Bangladesh", "chega ao Brasil", "jõuab Eestisse", "ליפמוטור נכנסת לישראל"
            events["market_entry"] = moving
    if "market_entry" not in events:
        selling = sales_begin_in(sentence, language)
        if selling is not None and not _past(selling, afters):
            events["market_entry"] = selling  # "rozpoczyna sprzedaż w Korei", "Güney Kore'de satışına başladı"
    if "market_entry" not in events and _bought_to_enter(sentence, kinds):
        events["market_entry"] = kinds["enter"]  # "rachète la start-up PayGo pour entrer au Vietnam"
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

    chosen = kinds.get("chosen")
    if chosen and "partnership" not in events and "market_entry" not in events and "facility" not in kinds:
        # "Nokia selected by Deutsche Telekom"; not "Hungary picked by Baowu for a plant", a site
        events["partnership"] = chosen

    if _launched_there(sentence, kinds, events):
        events.pop("market_entry")  # "unveiled X ..., with launches in the UK, the US and South Korea"

    if "legal" in events and _patented_only(sentence):
        events.pop("legal")  # "obtém patente ... para processo de nixtamalização": the process patented, no lawsuit
    made = resolve(sentence, kinds, events, figure)
    if not made:
        # Alone: beside another event the new chief is the one who acts ("cuts 6,000 jobs as new CEO deepens ...").
        named = _new_in_role(sentence)
        if named is not None:
            made = [("leadership", named)]  # "approve new president director", "angkat Presiden Direktur baru"
    if "labour" in kinds:
        made = [(kind, cue) for kind, cue in made if kind != "partnership"]  # "l'accordo con i sindacati": no deal
    if "settlement_date" in kinds:
        made = [(kind, cue) for kind, cue in made if kind != "legal"]  # a bond's settlement, no lawsuit settled
    if "fix" in kinds:
        made = [(kind, cue) for kind, cue in made if kind != "product_launch"]  # "releases a patch", "不具合を修正"
    if "route" in kinds:
        # "to launch Panama City–Lisbon, its first European route": an airline's route, no product
        made = [pair for pair in made if not (pair[0] == "product_launch" and _launches_a_route(sentence, pair[1]))]
    if _numbered_another(sentence):
        made = [(kind, cue) for kind, cue in made if kind != "market_entry"]  # "to build second Brazilian plant"
    if _exports(sentence):
        made = [(kind, cue) for kind, cue in made if kind != "market_entry"]  # "ships a new batch ... to Australia"
    if _enters_a_stage(sentence, made):
        made = [(kind, cue) for kind, cue in made if kind != "market_entry"]  # "the cell enters mass production"
    made = [(kind, cue) for kind, cue in made if not (kind == "product_launch" and _comes_after(sentence.text, cue))]
    if _supplies_a_party(sentence):
        # "to supply 300 robots to Olympus for a new plant it is building in Fukushima": the plant is the customer's.
        made = [(kind, cue) for kind, cue in made if not (kind == "market_entry" and cue.kind in ("facility", "build"))]
    made = _distributor_appointed(sentence, made)
    made = _offering_halted(sentence, made)
    if any(kind == "earnings" for kind, _cue in made):
        # "The maker, investor in a plant complex in Quang Ninh, reported a net loss": a plant that describes the
        # company whose results are the news, no plant built.
        made = [(kind, cue) for kind, cue in made if not (kind == "market_entry" and cue.kind in ("facility", "build"))]
    return made


# What a product or a company enters that is no country: a stage of its making, talks ("the cell enters mass
# production in the second quarter", "entra en producción en serie", "enters talks with").
_STAGE_AFTER = re.compile(
    r"\s+(?:(?:into|in|en|a)\s+)?(?:(?:mass|series|serial|volume|full|commercial|trial|pilot|en serie|en masa)\s+)?"
    r"(?:production|producción|produção|operation|service|servicio|talks|negotiations|negociaciones|administration)\b"
    r"|\s+(?:la |a )?(?:producción|produção|production)\b",
    re.IGNORECASE,
)
_ENTERING = re.compile(r"ent(?:er|ra|re)", re.IGNORECASE)  # enters, entering, entra, entre (not "first service")
# A word for arriving that, followed by "after", dates a report ("La designación llega dos días después de la
# renuncia", "El anuncio llega 48 horas después"): the news comes after another, no product arrives.
_ARRIVAL_WORDS = frozenset(
    {"llega", "llegará", "llegan", "chega", "chegará", "arrive", "arrives", "arriva", "arrivera"}
)
_AFTER_WORDS = re.compile(r"[^.;]{0,40}?\b(?:después|tras|depois|após|after|dopo|après)\b", re.IGNORECASE)


def _enters_a_stage(sentence: Sentence, made: list[tuple[str, Cue]]) -> bool:
    return any(
        kind == "market_entry"
        and _ENTERING.match(sentence.text, cue.start) is not None
        and _STAGE_AFTER.match(sentence.text, cue.end) is not None
        for kind, cue in made
    )


def _comes_after(text: str, cue: Cue) -> bool:
    return text[cue.start : cue.end].lower() in _ARRIVAL_WORDS and _AFTER_WORDS.match(text, cue.end) is not None


# Characters between "appointed" and the distributor it names ("appointed Nairobi-based Savanna Distributors").
_APPOINTED_REACH = 60


def _distributor_appointed(sentence: Sentence, made: list[tuple[str, Cue]]) -> list[tuple[str, Cue]]:
    """A distributor, importer or franchisee appointed ("has appointed Savanna Distributors to sell its drinks",
    "ernennt Alpha zum Generalimporteur"): a deal with a company, no leadership change."""
    appointed = next((cue for kind, cue in made if kind == "leadership"), None)
    if appointed is None or not any(
        cue.kind == "distributor" and 0 <= cue.start - appointed.end <= _APPOINTED_REACH for cue in sentence.cues
    ):
        return made
    kept = [(kind, cue) for kind, cue in made if kind != "leadership"]
    return kept if any(kind == "partnership" for kind, _cue in kept) else [*kept, ("partnership", appointed)]


_ENTRY_SAYS_FIRST = frozenset({"first", "first_time", "absent", "new_market", "enter", "market_word", "abroad"})


def _launched_there(sentence: Sentence, kinds: dict[str, Cue], events: dict[str, Cue]) -> bool:
    """A product launched, then "launches in" or "on sale in" a country, in a sentence that says no first nor a
    market entered: "Haleon has unveiled X ..., with launches in the UK and the US", "เปิดตัว ... วางขายในไทย" (on
    sale in Thailand). The product's launch where the company sells, not the company's entry."""
    entry, launch = events.get("market_entry"), kinds.get("product_launch")
    if entry is None or launch is None or entry.kind not in ("market_entry", "arrive", "product_launch"):
        return False
    return launch.start < entry.start and not (_ENTRY_SAYS_FIRST & set(kinds))


def _bought_to_enter(sentence: Sentence, kinds: dict[str, Cue]) -> bool:
    """A company that buys a business to enter a country, in one clause or with a purpose word after a comma:
    "compra la vietnamita PayGo para entrar en Vietnam", "przejmuje PayGo, by wejść do Wietnamu"; the buyer is the
    subject, just before its verb. Not "buys PayGo, which entered Vietnam in 2019"."""
    entering, buying = kinds.get("enter"), kinds.get("acquisition")
    if entering is None or buying is None or not 0 <= entering.start - buying.end <= _BUY_TO_ENTER_REACH:
        return False
    between = _PURPOSE_AFTER_COMMA.sub(" ", sentence.text[buying.end : entering.start])
    return not _CLAUSE_BREAK.search(between) and country_near(sentence, entering) and arrives(sentence, buying)


def _supplies_a_party(sentence: Sentence) -> bool:
    """One tracked company supplying another, in a sentence that names a plant: the plant is the customer's (or
    the supplier's own, at home or abroad; either way no entry the sentence can tell)."""
    return any(cue.kind == "supply" for cue in sentence.cues) and len({party.entity for party in sentence.parties}) >= 2


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


_ROUTE_REACH = 48  # characters from a launch to the route it opens ("to launch Panama City–Lisbon, its first route")


def _launches_a_route(sentence: Sentence, launch: Cue) -> bool:
    """A route or flights just after the launch, or just before it ("新航线开通"): an airline's route opened."""
    return any(
        cue.kind == "route" and (0 <= cue.start - launch.end <= _ROUTE_REACH or 0 <= launch.start - cue.end <= 8)
        for cue in sentence.cues
    )


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
    numbered = [cue for cue in sentence.cues if cue.kind == "another"] + numeric_ordinals(sentence.text)
    return any(ordinal_near(sentence.text, another, site) for another in numbered for site in sites)


# What a patent is for, between it and a legal word that is its object: "patente nos EUA para processo de ...", "patente
# de um processo" (Portuguese "processo" is a lawsuit and a process), "brevet pour un procédé". A lawsuit over a patent
# names it with no preposition between ("patent lawsuit", "processo de patente" comes before it).
_PATENTED = re.compile(
    r"[^.;:!?,]{0,24}?\b(?:for|of|on|para|de|do|da|pour|für|per|por|sobre)\s+(?:(?:a|an|the|um|uma|un|une|el|la|le|o|"
    r"seu|sua|its|einen?)\s+)?",
    re.IGNORECASE,
)


def _patented_only(sentence: Sentence) -> bool:
    """Every legal word of the sentence is what a patent before it is for."""
    patents = [cue for cue in sentence.cues if cue.kind == "patent"]
    legal = [cue for cue in sentence.cues if cue.kind == "legal"]
    text = sentence.text
    return bool(patents) and all(
        any(patent.end <= cue.start and _PATENTED.fullmatch(text[patent.end : cue.start]) for patent in patents)
        for cue in legal
    )


def _new_in_role(sentence: Sentence) -> Cue | None:
    """A post with "new" beside it, before or after as the language puts its adjectives: "new president director",
    "Presiden Direktur baru", "nuevo director general". The tables' "new" words are the build kind's ("new plant");
    a building verb is never written beside a post."""
    for role in (cue for cue in sentence.cues if cue.kind == "role"):
        for new in (cue for cue in sentence.cues if cue.kind == "build"):
            first, last = (new, role) if new.end <= role.start else (role, new)
            between = sentence.text[first.end : last.start]
            if first.end <= last.start and between.strip() == "" and len(between) <= 2:
                return Cue("leadership", min(new.start, role.start), max(new.end, role.end))
    return None


_HALT_REACH = 60  # characters between an authority's halting verb and the offering it halts, the company between


def _offering_halted(sentence: Sentence, made: list[tuple[str, Cue]]) -> list[tuple[str, Cue]]:
    """An offering stopped by someone else: a halting verb, the company after it, its offering after that ("SEC
    suspends Acme Holdings rights issue", "la CNMV suspende la ampliación de capital de Acme"): legal action."""
    funding = next((cue for kind, cue in made if kind == "funding"), None)
    if funding is None:
        return made
    for halt in (cue for cue in sentence.cues if cue.kind == "halt"):
        named = any(halt.end <= party.start and party.end <= funding.end + _HALT_REACH for party in sentence.parties)
        if 0 <= funding.start - halt.end <= _HALT_REACH and named:
            kept = [(kind, cue) for kind, cue in made if kind != "funding"]
            return sorted([*kept, ("legal", halt)], key=lambda pair: pair[1].start)
    return made
