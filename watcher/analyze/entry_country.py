"""Which country a market entry enters, and whether what arrives in one is the company.

The country: a name in the sentence (the first after the cue; before it where the verb comes last), an adjective
just after the cue ("enters the Hungarian market"), the one country the item names elsewhere; the ones listed with
it ("Romania and Bulgaria"); not those that are the past ("following launches in ..."). What arrives: a tracked
company named just before a movement verb ("Temu goes live in Kenya"), not a product ("Xiaomi SU7 arriva in
Germania").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from watcher.analyze.markets import MarketHit
from watcher.analyze.sentences import Cue, Sentence
from watcher.match.words import written_unspaced

# What joins two countries in a list: a comma or "and" ("Romania and Bulgaria", "România și Bulgaria", "루마니아와").
_LISTED = re.compile(
    r"\s*(?:,|、|&|\band\b|\bund\b|\bet\b|\be\b|\by\b|\bi\b|\bși\b|\bve\b|\bи\b|\bі\b|\ba\b|\boch\b|\bog\b|"
    r"\bja\b|\bés\b|\bκαι\b|\ben\b|\bdan\b|\bvà\b|\bir\b|\bun\b|\bжәне\b|و|와|과|및|和|及|と|및|ও|এবং|და|և|और|اور|"
    # heldout24's languages: Albanian, Uzbek, Kyrgyz, Mongolian, Irish, Zulu, Somali; Gujarati, Telugu, Tamil,
    # Sinhala, Amharic, Khmer, Lao, Thai (no \b: their vowel signs are no word characters to Python)
    r"\bdhe\b|\bva\b|\bжана\b|\bболон\b|\bagus\b|\bkanye\b|\biyo\b|અને|మరియు|மற்றும்|සහ|እና|និង|ແລະ|และ)?\s*"
    r"(?:(?:in|into|to|en|à|au|aux|in|nach|w|we|v|ve|na|do|em|no|na)\s+)?(?:(?:the|la|le|les|el|il|o|a|την|τη|το)\s+)?",
    re.IGNORECASE,
)
_MARKETS_AFTER = re.compile(r"\s+markets?\b", re.IGNORECASE)
ARRIVE_REACH = 30  # characters between a movement or start verb and the country after it ("llega a la Argentina")
_ARRIVE_SUBJECT_WORDS = 4
_AUXILIARY_FIRST = re.compile(r"\s*(?:wird|werden|will|wollen|soll|sollen|möchte|plant)\s", re.IGNORECASE)
_APPOSITION = re.compile(r"^\s*[,،、][^,،、.;:!?]{3,60}[,،、]")
_CLAUSE_AFTER = re.compile(r"[,;،]")
_ARRIVE_SUBJECT_GAP = 60  # characters between the company and its movement verb ("Temu goes live", "Lidl stiže")
_MODEL_NAME = re.compile(r"(?<!\w)(?!(?:q|h|fy)\d)[^\W\d_]+-?\d+\w*", re.IGNORECASE)  # "SU7", "EX5": a product
# ... and between the country and the verb, where the verb comes last ("Eestisse jõuab", "タイに上陸"), across an
# object of three or four words: "বাংলাদেশে সরাসরি সোলার প্যানেল বিক্রি শুরু" (in Bangladesh direct solar panel sales start).
_ARRIVE_BEFORE = 24
_FIRST_TIME_BEFORE = 30  # characters between a country and "for the first time" after it (entries.py's reach)
# Where a clause ends: a mark, or in a script written without spaces (Thai) a space.
_CLAUSE_END = re.compile(r"[,;:()，、；。،]|\s(?:while|whereas|but)\s", re.IGNORECASE)
_ADJECTIVE_REACH = 12  # characters between an entry's cue and the adjective of the market entered ("into the ")
SUBJECT_LAST_REACH = 40  # characters between an arrival or a first shop and the company named after it


def arrives(sentence: Sentence, cue: Cue, clause: bool = False, verb_last: bool = False) -> bool:
    """Whether what arrives is a tracked company named just before the verb ("Temu goes live in Kenya"), not a
    product ("Xiaomi SU7 arriva in Germania", "the compact SUV will arrive in Japan") nor a feature. `clause`: the
    company may be the subject of a verb before, joined by "and" ("acquires X and enters the Greek market")."""
    before = [party for party in sentence.parties if party.end <= cue.start]
    if not sentence.parties:
        # The company described, named in the title, and the place right after the verb: "Sea's e-commerce arm went
        # live in Karachi", not "Le constructeur commencera à vendre la Dacia Sandero à Tokyo" (a product).
        # Or the place just before it where the verb comes last: "Kompaniya ... qoʻshni Qozogʻistonda ham faoliyat
        # boshlaganini" (the company also started operating in neighbouring Kazakhstan).
        return any(
            noun.kind == "org_noun" and 0 <= cue.start - noun.end <= _ARRIVE_SUBJECT_GAP for noun in sentence.cues
        ) and any(
            0 <= hit.start - cue.end <= _ADJECTIVE_REACH or (verb_last and 0 <= cue.start - hit.end <= _ARRIVE_BEFORE)
            for hit in sentence.markets
        )
    if not before:
        # A headline with its subject last: "বাংলাদেশে কার্যক্রম শুরু করল টেমু", "Έρχεται στην Αθήνα ... Uniqlo"; not one
        # past a comma, in another clause: "Walmart chega à Polônia, onde a Koraldo já atua" (an untracked rival).
        return any(
            0 <= party.start - cue.end <= SUBJECT_LAST_REACH
            and not _CLAUSE_AFTER.search(sentence.text[cue.end : party.start])
            for party in sentence.parties
        )
    between = sentence.text[before[-1].end : cue.start]
    # An apposition between commas says who the company is: "Chery, China's biggest car exporter, will begin sales".
    between = _APPOSITION.sub(" ", between, count=1)
    # Up to four words, no figure: "Mercado Libre cruza el Atlántico: empezará a operar", not "Apple iPhone 17 arrives";
    # eight after a German auxiliary, whose verb ends the clause ("Costco wird nächstes Jahr in Polen starten").
    words = _ARRIVE_SUBJECT_WORDS * 2 if clause or _AUXILIARY_FIRST.match(between) else _ARRIVE_SUBJECT_WORDS
    return (
        len(between) <= _ARRIVE_SUBJECT_GAP
        and len(between.split()) <= words
        and not _MODEL_NAME.search(between)
        and not any(ch.isdigit() for ch in between)
    )


def country_near(sentence: Sentence, cue: Cue, reach: int = 0) -> bool:
    """A country or one of its cities named by name just after a movement or start verb ("arrives in Kenya",
    "stiže u BiH"), or just before it where the verb comes last ("বাংলাদেশে কার্যক্রম শুরু", "タイに上陸")."""
    reach = reach or ARRIVE_REACH
    return any(
        hit.is_name and (0 <= hit.start - cue.end <= reach or 0 <= cue.start - hit.end <= _ARRIVE_BEFORE)
        for hit in sentence.markets
    )


def entry_market(
    markets: Sequence[MarketHit],
    cue: Cue,
    elsewhere: str | None = None,
    verb_last: bool = False,
    there: bool = False,
    text: str = "",
) -> str | None:
    """The country entered: a name in the sentence (the first after the cue, else the nearest before it), an
    adjective after the cue ("enters the Hungarian market"), the one country the item names elsewhere, or an
    adjective before the cue, which more often says whose the company is ("the Polish group expands")."""
    names = [hit for hit in markets if hit.is_name]
    first_time = cue.kind == "first_time" and bool(text)
    if first_time and not any(_same_clause(text, cue.end, hit.start) for hit in names if hit.start >= cue.end):
        # "for the first time" with no country after it in its clause belongs to the one just before it: "enters
        # Malaysia for the first time, while analysts see Thailand next", "รุกตลาดมาเลเซียครั้งแรก ... ไทยอาจเป็น
        # เป้าหมายถัดไป"; not "của UAE lần đầu đầu tư vào Việt Nam" (the UAE's group invests in Vietnam).
        before = [hit for hit in names if 0 <= cue.start - hit.end <= _FIRST_TIME_BEFORE]
        if before:
            return before[-1].code
    if verb_last:
        # The country just before the verb: "태국 진출…대만 이어" enters Thailand, after Taiwan.
        before = [hit for hit in names if 0 <= cue.start - hit.end <= _ARRIVE_BEFORE]
        if before:
            return before[-1].code
    if names:
        # After the cue, a country's name over a city's ("in Germany, in Frankfurt"); a city after it over a country
        # before it, which more often says whose the company is ("Taani ... Ørsted avas Tallinnas esinduse").
        after = [hit for hit in names if hit.start >= cue.start]
        countries = [hit for hit in after if not hit.is_city]
        adjective = [hit for hit in markets if not hit.is_name and 0 <= hit.start - cue.end <= _ADJECTIVE_REACH]
        if after and not countries and adjective:
            return adjective[0].code  # "تدخل السوق المصرية ... في العين السخنة": the market it says, not a city after
        if after:
            return (countries or after)[0].code
        # An adjective just after the cue over a name before it: "a unit of Indonesia's ..., marking its entry into
        # the Kenyan market".
        near = [hit for hit in markets if not hit.is_name and 0 <= hit.start - cue.end <= _ADJECTIVE_REACH]
        if near:
            return near[0].code
        return min(names, key=lambda hit: (hit.is_city, cue.start - hit.end)).code
    after = [hit for hit in markets if hit.start >= cue.start]
    if after:
        return after[0].code
    if elsewhere:
        return elsewhere  # "its first plant in the kingdom": the country the item names, not "the Korean POSCO"
    if there:
        # "compra siderúrgica chilena e estreia no país": the one country an adjective in the sentence names, not
        # the company's home (left out of `markets` already).
        codes = {hit.code for hit in markets if not hit.is_name}
        return next(iter(codes)) if len(codes) == 1 and len(markets) == 1 else None
    return min(markets, key=lambda hit: cue.start - hit.end).code if markets else None


def _same_clause(text: str, start: int, end: int) -> bool:
    """No clause ends between two positions: no mark, and in Thai or the like no space."""
    between = text[start:end]
    if _CLAUSE_END.search(between):
        return False
    return not (written_unspaced(between) and " " in between.strip())


def also_entered(text: str, markets: Sequence[MarketHit], first: str, cue: Cue) -> list[str]:
    """Countries listed with the one entered, after the cue: "expands into Romania and Bulgaria"."""
    after = [hit for hit in markets if hit.start >= cue.start]
    # Names with names, else adjectives with adjectives: "vstupuje na slovenský a český trh".
    as_name = any(hit.is_name and hit.code == first for hit in after)
    # ... or one of each, joined: "Bangladeshi and Nepali markets" (Swahili's name for Bangladesh is "Bangladeshi").
    names = [hit for hit in after if hit.is_name == as_name or _listed_next(text, hit, after)]
    start = next((index for index, hit in enumerate(names) if hit.code == first), None)
    if start is None:
        return []
    more = []
    for before, hit in zip(names[start:], names[start + 1 :], strict=False):
        if not _LISTED.fullmatch(text[before.end : hit.start]):
            break
        if hit.code != first and hit.code not in more:
            more.append(hit.code)
    return more


def listed_before(text: str, markets: Sequence[MarketHit], first: str, cue: Cue) -> list[str]:
    """Countries listed just before the one entered, where the list comes before the verb: "বাংলাদেশ ও শ্রীলঙ্কায়
    কার্যক্রম শুরু" (starts operations in Bangladesh and Sri Lanka), "საქართველოსა და სომხეთში იწყებს"."""
    names = [hit for hit in markets if hit.is_name and hit.end <= cue.start]
    start = next((index for index in range(len(names) - 1, -1, -1) if names[index].code == first), None)
    if start is None:
        return []
    more = []
    for hit, after in zip(reversed(names[:start]), reversed(names[1 : start + 1]), strict=False):
        if not _LISTED.fullmatch(text[hit.end : after.start]):
            break
        if hit.code != first and hit.code not in more:
            more.append(hit.code)
    return more


def _listed_next(text: str, hit: MarketHit, hits: Sequence[MarketHit]) -> bool:
    """An adjective joined to a name just before it by "and" or a comma, followed by "market(s)"."""
    before = [other for other in hits if other.end <= hit.start and other.is_name != hit.is_name]
    return (
        not hit.is_name
        and bool(before)
        and _LISTED.fullmatch(text[before[-1].end : hit.start]) is not None
        and _MARKETS_AFTER.match(text, hit.end) is not None
    )


def already_present(sentences: Sequence[Sentence]) -> set[str]:
    """Countries an item says its company has long been in ("present in France since 2014", "سال‌هاست در ایران
    فعال است", "भारतात २००० पासून कार्यरत"): a new shop, line or dealership there is no entry."""
    return {hit.code for sentence in sentences for cue in present_cues(sentence) for hit in _present_in(sentence, cue)}


def present_cues(sentence: Sentence) -> list[Cue]:
    """The sentence's `present` cues with a country next to them; not "was not present" (an `absent` cue: a first)."""
    absent = [cue for cue in sentence.cues if cue.kind == "absent"]
    return [
        cue
        for cue in sentence.cues
        if cue.kind == "present"
        and not any(cue.start < other.end and other.start < cue.end for other in absent)
        and _present_in(sentence, cue)
    ]


def _present_in(sentence: Sentence, cue: Cue) -> list[MarketHit]:
    """The country just after the cue, or just before it where the verb comes last."""
    return [
        hit
        for hit in sentence.markets
        if 0 <= hit.start - cue.end <= _ADJECTIVE_REACH or 0 <= cue.start - hit.end <= _ARRIVE_BEFORE
    ]


def in_the_past(sentence: Sentence, cue: Cue, hit: MarketHit) -> bool:
    """A country after "following" or "after" that comes after the entry's cue: where the company went before
    ("opens its first European store in Amsterdam, following launches in Southeast Asia and the U.S.")."""
    return any(other.kind == "after" and cue.end <= other.start <= hit.start for other in sentence.cues)
