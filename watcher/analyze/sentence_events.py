"""Which events one sentence's cues make, by the rules of each type: cues taken back by "after" or a span that
holds them, a market entry made of two cues (a first and a kind of site, an arrival and a country, an office
opened ...), conflicts between types resolved (conflicts.py). Pure: a sentence in, (event type, cue) pairs out.
The entries a sentence makes or takes back beyond that are sentence_entries.py's, how other types are read beyond
their cue words sentence_readings.py's.

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
    ordinal_near,
)
from watcher.analyze.entry_country import ARRIVE_REACH, arrives, country_near, present_cues
from watcher.analyze.entry_sales import deal_to_sell, sales_begin_in
from watcher.analyze.sentence_entries import (
    bought_to_enter,
    enters_a_stage,
    entry_after,
    exports,
    launched_there,
    numbered_another,
    supplies_a_party,
)
from watcher.analyze.sentence_readings import (
    comes_after,
    distributor_appointed,
    filed_with,
    goods_bought,
    launches_a_route,
    new_in_role,
    offering_halted,
    patented_only,
    wooed,
)
from watcher.analyze.sentences import EVENT_TYPES, VERB_LAST, Cue, Sentence, cue_language_of

# Between "after" and the event it dates back, its size: "after the $69bn takeover", "nach der 5-Mrd-Übernahme".
_SIZED = re.compile(
    r"\s*(?:the|its|a|der|die|das|la|le|el|il)?\s*[$€£¥]?\s?\d[\d.,]*\s?(?:bn|m|billion|million|Mrd)?[-\s]*"
)
# ... or the name of what it was: "three days after the Phone (4) launch", "after the Magic V6 unveiling" (a
# capitalised word, then at most two more words or a model's number, nothing else between; not a date, "zum 1. Januar").
_NAMED = re.compile(
    r"\s*(?:the|its|a|der|die|das|dem|la|le|el|il)?\s*[A-Z][\w.+&'’-]*[\s-]+(?:[A-Z0-9(][\w().+&'’-]*[\s-]+){0,2}"
)
_AFTER_REACH = 5  # characters between "after"/"dopo l'" and the event it dates back ("after the deal")
_MARKET_WORD_REACH = 25  # characters between a movement verb and the market it moves into ("into the Greek ")
_BUYERS_REACH = 40  # characters between shoppers and the verb they buy with ("shoppers on its Masoko platform buy")
# ... and between a purchase and the shoppers after it, what they buy between ("a compra de veículos aos motoristas":
# credit to drivers to buy cars); short, as a buyer's new customers come after the company it buys ("buys Careem,
# gaining 30 million customers": 28 characters).
_BUYERS_AFTER_REACH = 20
# A licence fined, bought with a company or financed: not one won to operate in a new country.
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
        if cue.kind == "legal" and (wooed(sentence.text, cue) or filed_with(sentence.text, cue)):
            continue  # "to court cable makers": wooed; "filed with the market regulator": papers; no lawsuit
        if cue.kind in EVENT_TYPES and any(
            0 <= cue.start - end <= _AFTER_REACH
            or _SIZED.fullmatch(sentence.text[end : cue.start])
            or _NAMED.fullmatch(sentence.text[end : cue.start])
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
            if any(ordinal_near(sentence.text, first, outlet, after) for outlet in outlets)
            and not entry_after(first, afters)
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
        if entry is not None and not entry_after(entry, afters):
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
        if selling is not None and not entry_after(selling, afters):
            events["market_entry"] = selling  # "rozpoczyna sprzedaż w Korei", "Güney Kore'de satışına başladı"
    if "market_entry" not in events and bought_to_enter(sentence, kinds):
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

    if launched_there(sentence, kinds, events):
        events.pop("market_entry")  # "unveiled X ..., with launches in the UK, the US and South Korea"

    if "acquisition" in events and goods_bought(sentence.text, events["acquisition"]):
        events.pop("acquisition")  # "will buy up to 250,000 tonnes a year of copper concentrate": a supply deal
    if "legal" in events and patented_only(sentence):
        events.pop("legal")  # "obtém patente ... para processo de nixtamalização": the process patented, no lawsuit
    made = resolve(sentence, kinds, events, figure)
    if not made:
        # Alone: beside another event the new chief is the one who acts ("cuts 6,000 jobs as new CEO deepens ...").
        named = new_in_role(sentence)
        if named is not None:
            made = [("leadership", named)]  # "approve new president director", "angkat Presiden Direktur baru"
    if "labour" in kinds or "lease" in kinds:
        # "l'accordo con i sindacati": no deal; "signed a lease at the mall": a site rented, no partner
        made = [(kind, cue) for kind, cue in made if kind != "partnership"]
    if "settlement_date" in kinds:
        made = [(kind, cue) for kind, cue in made if kind != "legal"]  # a bond's settlement, no lawsuit settled
    if "fix" in kinds:
        made = [(kind, cue) for kind, cue in made if kind != "product_launch"]  # "releases a patch", "不具合を修正"
    if "route" in kinds:
        # "to launch Panama City–Lisbon, its first European route": an airline's route, no product
        made = [pair for pair in made if not (pair[0] == "product_launch" and launches_a_route(sentence, pair[1]))]
    if numbered_another(sentence):
        made = [(kind, cue) for kind, cue in made if kind != "market_entry"]  # "to build second Brazilian plant"
    if exports(sentence):
        made = [(kind, cue) for kind, cue in made if kind != "market_entry"]  # "ships a new batch ... to Australia"
    if enters_a_stage(sentence, made):
        made = [(kind, cue) for kind, cue in made if kind != "market_entry"]  # "the cell enters mass production"
    made = [(kind, cue) for kind, cue in made if not (kind == "product_launch" and comes_after(sentence.text, cue))]
    if supplies_a_party(sentence):
        # "to supply 300 robots to Olympus for a new plant it is building in Fukushima": the plant is the customer's.
        made = [(kind, cue) for kind, cue in made if not (kind == "market_entry" and cue.kind in ("facility", "build"))]
    made = distributor_appointed(sentence, made)
    made = offering_halted(sentence, made)
    if any(kind == "earnings" for kind, _cue in made):
        # "The maker, investor in a plant complex in Quang Ninh, reported a net loss": a plant that describes the
        # company whose results are the news, no plant built.
        made = [(kind, cue) for kind, cue in made if not (kind == "market_entry" and cue.kind in ("facility", "build"))]
    return made


_NAME_BEFORE = re.compile(r"(?<=\S\s)[A-Z][\w.&'-]*[\s-]+$")  # a capitalised word, not the sentence's first


def _in_a_name(text: str, cue: Cue, language: str | None) -> bool:
    """A capitalised cue after a capitalised word inside a sentence (not a headline, whose words are capitalised):
    part of a name, "the Star Alliance carrier", "Patent and Trademark Office". German capitalises every noun."""
    if cue_language_of(language) == "de" or not text[cue.start : cue.start + 1].isupper():
        return False
    return _NAME_BEFORE.search(text, 0, cue.start) is not None
