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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from watcher.analyze.cues import (
    ITEM_BLOCKERS,
    SHARED_EVENTS,
    SPLIT_MARK,
    SUFFIX_CUES,
    blockers,
    event_cues,
    split_cue_pattern,
)
from watcher.analyze.markets import MarketHit
from watcher.analyze.signals import quarters, without_quarters
from watcher.config import EntityConfig
from watcher.match import Matcher, _is_no_space

EVENT_TYPES = (
    "market_entry", "partnership", "product_launch", "patent", "legal", "funding", "acquisition", "layoffs",
    "earnings", "leadership",
)  # fmt: skip
EVIDENCE_CHARS = 240
NOT_PARTY_REACH = 14  # characters between "following"/"après" and the entity it demotes (after it in CJK)
# A figure that is not a year: "sales rose 9%", "2分기", not "in 2026".
_FIGURE = re.compile(r"(?<!\d)(?!(?:19|20)\d\d(?!\d))\d")
_CJK_LANGUAGES = ("zh", "ja", "ko")
_POSTPOSITIONAL = (*_CJK_LANGUAGES, "hi")  # "after Toyota" follows the name: "トヨタに続き", "टोयोटा के बाद"
# Cues that say what a sentence is about, not what its subject does.
_NOT_ACTS = frozenset(
    {
        "org_noun",
        "not_party",
        "negation",
        "role",
        "asset",
        "stake",
        "jobs",
        "market_word",
        "after",
        "per_share",
        "office",
        "outlet",  # "obchodní řetězec": a shop word describing the company
        "abroad",
        "outside",
        "first_time",
        "distributor",
    }
)
_NOT_SUBJECT_AFTER = re.compile(r"-(?:backed|owned|controlled|funded|supported|affiliated|linked|led)\b", re.I)
# What joins two countries in a list: a comma or "and" ("Romania and Bulgaria", "România și Bulgaria", "루마니아와").
_LISTED = re.compile(
    r"\s*(?:,|、|&|\band\b|\bund\b|\bet\b|\be\b|\by\b|\bi\b|\bși\b|\bve\b|\bи\b|\bі\b|\ba\b|\boch\b|\bog\b|"
    r"\bja\b|\bés\b|\bκαι\b|\ben\b|\bdan\b|\bvà\b|و|와|과|및|和|及|と|및)?\s*(?:(?:in|into|to|en|à|au|aux|in|nach|w|we|v|ve|na|do|em|no|na)\s+)?(?:(?:the|la|le|les|el|il|o|a)\s+)?",
    re.IGNORECASE,
)
_ORDINAL_AFTER = ("id", "ms", "vi", "th", "he", "ar", "sw")  # "the store first": "toko pertama", "المتجر الأول"
# Languages close enough that each reads the other's cues too, as a detector often takes one for the other (a
# Malay headline for Indonesian, Danish for Norwegian).
_SISTERS = {"id": ("ms",), "ms": ("id",), "no": ("da",), "da": ("no",), "cs": ("sk",), "sk": ("cs",)}
# Languages that share one cue table.
_SAME_CUES = {"nb": "no", "nn": "no", "zh-tw": "zh", "zh-hant": "zh", "sr": "hr", "bs": "hr", "sh": "hr"}
# "41%", "28 Prozent", "25 per cento": a stake's size.
_PERCENT = re.compile(
    r"\d\s?(?:%|％|٪|pct\b|percent|per ?cent|prozent|pour ?cent|por ?ciento|por ?cento|procent|процент|퍼센트"
    r"|パーセント)|[%٪]\s?\d|yüzde\s?\d",  # "%20", "yüzde 20": Turkish puts the sign first
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"[$€£¥₩]|\d\s?(?:bn|mn|m|k)\b|\b(?:billion|million|Milliarde\w*|Million\w*|Mrd|Mio|milliard\w*|million\w*|"
    r"miliard\w*|milion\w*|millones|miliardi|milioni|bilhões|milhões|млрд|млн|miljard\w*|miljoen\w*)\b|억|조|亿|万|億|兆",
    re.IGNORECASE,
)
_CHANGE_BEFORE = {"by", "um", "на", "o", "met", "with", "up", "down", "rose", "fell", "rises", "falls"}
_CHANGE_AFTER = {"more", "less", "plus", "mehr", "weniger", "più", "meno", "más", "menos", "mais", "больше", "меньше",
                 "meer", "minder", "więcej", "mniej", "daha", "higher", "lower", "increase", "rise",
                 "coupon", "interest", "yield"}  # fmt: skip  # a rate, not a stake: "notes at a 12% coupon"
_RELEASED_RESULTS = 4  # characters between a release verb and the results it releases ("发布中期业绩")
_QUARTER_WORD = re.compile(r"quarter\w*|quartal\w*|trimestre\w*|kwarta\w*|çeyrek|квартал\w*|분기|四半期|季度", re.I)
_AGENT_REACH = 12  # characters between "acquired by" and the buyer ("by the Canadian fund Brookfield" is too far)
# Between "after" and the event it dates back, its size: "after the $69bn takeover", "nach der 5-Mrd-Übernahme".
_SIZED = re.compile(
    r"\s*(?:the|its|a|der|die|das|la|le|el|il)?\s*[$€£¥]?\s?\d[\d.,]*\s?(?:bn|m|billion|million|Mrd)?[-\s]*"
)
_AFTER_REACH = 5  # characters between "after"/"dopo l'" and the event it dates back ("after the deal")
_FIRST_GAP_WORDS = 3  # words between "first" and the site it numbers ("first European car plant": 2)
_FIRST_GAP_CHARS = 8  # characters, where words are not spaced ("首家旗舰门店")
# Languages that put the verb before its subject: a subject after the cue is as likely as one before.
_VERB_FIRST = ("ar", "ga", "cy")
_ARRIVE_REACH = 30  # characters between a movement or start verb and the country after it ("llega a la Argentina")
_ARRIVE_SUBJECT_WORDS = 4
_AUXILIARY_FIRST = re.compile(r"\s*(?:wird|werden|will|wollen|soll|sollen|möchte|plant)\s", re.IGNORECASE)
_APPOSITION = re.compile(r"^\s*[,،、][^,،、.;:!?]{3,60}[,،、]")
_ARRIVE_SUBJECT_GAP = 60  # characters between the company and its movement verb ("Temu goes live", "Lidl stiže")
_MODEL_NAME = re.compile(r"(?<!\w)(?!(?:q|h|fy)\d)[^\W\d_]+-?\d+\w*", re.IGNORECASE)  # "SU7", "EX5": a product
_VERB_LAST = ("ko", "ja", "tr", "hi", "bn")  # the country entered comes just before the verb
_ARRIVE_BEFORE = 12  # ... and before it, where the verb comes last ("Eestisse jõuab", "タイに上陸")
_ADJECTIVE_FIRST = (
    "en", "de", "nl", "sv", "da", "no", "fi", "pl", "cs", "sk", "ru", "uk", "bg", "hu", "tr", "el", "lt", "lv", "et",
    "hi", "bn",
)  # fmt: skip
_ENTRY_COMPANIONS = frozenset({"market_entry", "partnership", "product_launch"})
_FIRST_TIME_REACH = 25  # characters between "for the first time" and the country ("to Kenya for the first time")
# Between "outside" and the country it leaves: "outside India", "fuera de España", "outside of the UK".
_OUTSIDE_GAP = re.compile(r"\s*(?:(?:of|de|di|da|do|del|dell'|della|du|des|von|the|la|le|el|il|der|des)\s*)*", re.I)
_SUBJECT_LAST_REACH = 40  # characters between an arrival or a first shop and the company named after it
# Events whose subject may follow its cue anywhere: "Profit at Almarai rises", "odwołała prezesa Orlenu".
_SUBJECT_AFTER = ("earnings", "leadership")


@dataclass(frozen=True)
class Event:
    type: str
    entity: str
    evidence: str
    market: str | None = None

    def as_dict(self) -> dict[str, str]:
        found = {"type": self.type, "entity": self.entity}
        if self.market:
            found["market"] = self.market
        found["evidence"] = self.evidence
        return found


@dataclass(frozen=True)
class Cue:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Party:
    entity: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """One sentence of an item with what was found in it; `index` 0 is the title."""

    index: int
    text: str
    parties: tuple[Party, ...]  # tracked organisations named in it, in text order
    markets: tuple[MarketHit, ...]
    cues: tuple[Cue, ...]


class CueFinder:
    """Every cue phrase of every language in one automaton (watcher.match's folding and word edges)."""

    def __init__(self) -> None:
        entities = []
        split: dict[tuple[str, str], list[str]] = {}
        for table in (event_cues(), blockers()):
            for kind, by_language in table.items():
                for language, phrases in by_language.items():
                    whole = [phrase for phrase in phrases if not (isinstance(phrase, str) and SPLIT_MARK in phrase)]
                    for phrase in phrases:
                        if phrase not in whole:
                            split.setdefault((kind, language), []).append(split_cue_pattern(phrase))
                    if whole:
                        entities.append(EntityConfig(name=f"{kind}|{language}", aliases=whole))
        self.matcher = Matcher.build(entities)
        self.languages = {
            language for table in (event_cues(), blockers()) for rows in table.values() for language in rows
        }
        self.suffixes = {
            (kind, language): re.compile(pattern, re.IGNORECASE)
            for kind, by_language in SUFFIX_CUES.items()
            for language, pattern in by_language.items()
        }
        self.split = {
            key: [re.compile(pattern, re.IGNORECASE) for pattern in patterns] for key, patterns in split.items()
        }

    def find(self, text: str, language: str | None) -> list[Cue]:
        base = cue_language_of(language)
        known = base in self.languages
        cues = []
        for entity_match in self.matcher.match({"text": text}):
            kind, cue_language = entity_match.entity.split("|")
            if cue_language == "*" or cue_language == base or cue_language in _SISTERS.get(base, ()) or not known:
                cues.extend(Cue(kind, hit.start, hit.end) for hit in entity_match.hits)
        for (kind, cue_language), pattern in self.suffixes.items():
            if cue_language == base:
                cues.extend(Cue(kind, *found.span()) for found in pattern.finditer(text))
        for (kind, cue_language), patterns in self.split.items():
            if cue_language == base:  # the verb alone stands for the cue: what lies between stays readable
                cues.extend(Cue(kind, *found.span("verb")) for pattern in patterns for found in pattern.finditer(text))
        return sorted(_longest(cues), key=lambda cue: cue.start)


def _longest(cues: list[Cue]) -> list[Cue]:
    """Cues not inside a longer cue of another kind: "übernimmt die Leitung" is leadership, not "übernimmt"."""
    return [
        cue
        for cue in cues
        if not any(
            other.kind != cue.kind and other.start <= cue.start and cue.end <= other.end
            and other.end - other.start > cue.end - cue.start
            for other in cues
        )
    ]  # fmt: skip


def cue_language_of(language: str | None) -> str:
    """The cue table of a language tag: "de-AT" → "de", "nb" → "no"."""
    tag = (language or "").lower().replace("_", "-")
    return _SAME_CUES.get(tag) or _SAME_CUES.get(tag.split("-")[0]) or tag.split("-")[0]


@cache
def cue_finder() -> CueFinder:
    return CueFinder()


def _blockers(sentence: Sentence) -> list[str]:
    """The blockers of a sentence, in text order. Shares sold to raise money are funding, not a share move
    ("размещение акций", "share placement")."""
    afters = [cue.end for cue in sentence.cues if cue.kind == "after"]
    kinds = [
        cue.kind
        for cue in sentence.cues
        if cue.kind in blockers()
        and cue.kind != "not_party"
        and not any(0 <= cue.start - end <= _AFTER_REACH for end in afters)  # "after years of expansion": the past
    ]
    if "stock" in kinds and any(cue.kind == "funding" for cue in sentence.cues):
        kinds = [kind for kind in kinds if kind != "stock"]
    return kinds


def item_blocker(title: Sentence) -> str | None:
    """What a title is when it is a review, opinion, denial, rumour, share move or anniversary: no event at all."""
    if "?" in title.text or "\uff1f" in title.text:
        return "rumour"  # "Costco guarda all'Italia?", "Is Tesco coming to Greece?": asked, not reported
    return next((kind for kind in _blockers(title) if kind in ITEM_BLOCKERS), None)


def extract_events(
    sentences: Sequence[Sentence], language: str | None, known_homes: frozenset[str] = frozenset()
) -> list[Event]:
    """The events of an item, title first; at most one per (type, entity). known_homes: the home countries
    config.yaml gives the item's companies (`home: CN`), never entered, like those the item's own words give."""
    if not sentences:
        return []
    blocker = item_blocker(sentences[0])
    # "Broadcom forecasts strong AI chip revenue, shares jump": the results moved the shares; only they count.
    only = {"earnings"} if blocker == "stock" and _reports_results(sentences[0]) else None
    if blocker and only is None:
        return []
    title_parties = _parties(sentences[0], language)  # not "following Aramco": no subject to carry on
    title_subject = title_parties[0] if title_parties else None
    # A headline's figures are often in the lead: "Heineken sells less beer in the third quarter" (volumes -4%).
    lead_figure = len(sentences) > 1 and bool(_FIGURE.search(sentences[1].text))
    # "Allegro wchodzi na rynek węgierski. ... na Węgrzech": an entry whose sentence names no country enters
    # the one country the item names elsewhere (by name, not an adjective: "the Polish group" is its home).
    home = homes(sentences, language) | known_homes | _left_behind(sentences, language)
    if any(_HOME_PLACE.search(sentence.text) for sentence in sentences):
        # "The appliance maker's new factory in its home city": the city named is home.
        home |= {hit.code for sentence in sentences for hit in sentence.markets if hit.is_city}
    if any(_DEV_ZONE.search(sentence.text) for sentence in sentences) and not any(
        hit.is_name and not hit.is_city for sentence in sentences for hit in sentence.markets
    ):
        # "奇瑞汽车位于芜湖经开区的新整车工厂": a plant in a development zone of a city, no country named: at home.
        home |= {hit.code for sentence in sentences for hit in sentence.markets if hit.is_city}
    named = {hit.code for sentence in sentences for hit in sentence.markets if hit.is_name} - home
    named_elsewhere = next(iter(named)) if len(named) == 1 else None
    named_parties = {party.entity for sentence in sentences for party in _parties(sentence, language)}
    sole = next(iter(named_parties)) if len(named_parties) == 1 else None
    found: dict[tuple[str, str], list[Event]] = {}
    for sentence in sentences:
        if _blockers(sentence):
            continue
        parties = _parties(sentence, language)
        if not parties and sentence.index == 0 and sole is not None and _described(sentence):
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
                candidates = [
                    hit for hit in sentence.markets if hit.code not in home and not _in_the_past(sentence, cue, hit)
                ]
                market = _market(candidates, cue, named_elsewhere, cue_language_of(language) in _VERB_LAST)
                if market is None or market in home:
                    continue  # without a country too unsure to report; at home ("the German group's plant in
                    # Germany") no entry
                markets = [market, *_also_entered(sentence.text, candidates, market, cue)]
            for entity in _subjects(event_type, cue, parties, language, sentence.text):
                key = (event_type, entity)
                if key not in found:
                    evidence = _evidence(sentence.text, cue)
                    found[key] = [Event(event_type, entity, evidence, market) for market in markets]
    entered = {entity for event_type, entity in found if event_type == "market_entry"}
    # "Enters Japan with a kei car": the entry is the news, the car its means.
    events = [
        event for key, same in found.items() if not (key[0] == "product_launch" and key[1] in entered) for event in same
    ]
    return sorted(events, key=lambda event: EVENT_TYPES.index(event.type))


def _reports_results(title: Sentence) -> bool:
    return any(cue.kind in ("earnings", "earnings?") for cue in title.cues)


def _left_behind(sentences: Sequence[Sentence], language: str | None) -> set[str]:
    """Countries named just after "outside" or "beyond" ("its first plant outside India", "นอกจีน", "中国以外"):
    the company's home, left behind."""
    after = cue_language_of(language) in (*_POSTPOSITIONAL, *_VERB_LAST)
    found = set()
    for sentence in sentences:
        for cue in sentence.cues:
            if cue.kind != "outside":
                continue
            for hit in sentence.markets:
                if hit.is_city or not hit.is_name:
                    continue  # "in Pruszków, outside Warsaw": near a city, not leaving a country
                gap = sentence.text[cue.end : hit.start] if hit.start >= cue.end else None
                follows = gap is not None and _OUTSIDE_GAP.fullmatch(gap)
                # "Çin dışında", "中国以外": the country before the word, where the language puts it there.
                between = sentence.text[hit.end : cue.start] if hit.end <= cue.start else None
                precedes = after and between is not None and len(between) <= 3 and " " not in between.strip()
                if follows or precedes:
                    found.add(hit.code)
    return found


def _in_the_past(sentence: Sentence, cue: Cue, hit: MarketHit) -> bool:
    """A country after "following" or "after" that comes after the entry's cue: where the company went before
    ("opens its first European store in Amsterdam, following launches in Southeast Asia and the U.S.")."""
    return any(other.kind == "after" and cue.end <= other.start <= hit.start for other in sentence.cues)


def _described(sentence: Sentence) -> bool:
    """A headline whose subject is a word for a company in its first three words ("Philippinische Fastfood-Kette
    eröffnet", "The Chinese carmaker opens"), before any event cue."""
    nouns = [cue for cue in sentence.cues if cue.kind == "org_noun"]
    acts = [cue.start for cue in sentence.cues if cue.kind not in _NOT_ACTS and cue.kind != "org_noun"]
    return any(
        len(sentence.text[: noun.start].split()) <= 2 and noun.end <= min(acts, default=noun.end) for noun in nouns
    )


def _parties(sentence: Sentence, language: str | None) -> list[Party]:
    """The tracked organisations of a sentence that can be a party (not "after Toyota", "rival Siemens")."""
    markers = [cue for cue in sentence.cues if cue.kind == "not_party"]
    postpositional = cue_language_of(language) in _POSTPOSITIONAL
    parties = []
    for party in sentence.parties:
        if _NOT_SUBJECT_AFTER.match(sentence.text, party.end):
            continue  # "Embraer-backed Eve", "Siemens-owned": another company, which the name only qualifies
        demoted = any(
            (0 <= party.start - marker.end <= NOT_PARTY_REACH)
            if not postpositional
            else (0 <= marker.start - party.end <= 5)  # "トヨタに続き", "टोयोटा के बाद"
            for marker in markers
        )
        if not demoted:
            parties.append(party)
    return parties


def _event_cues(sentence: Sentence, figure: bool = False, language: str | None = None) -> list[tuple[str, Cue]]:
    """(event type, its cue) for each event the sentence's cues make, in text order, conflicts resolved.
    `figure`: a figure elsewhere (the lead's) counts for the weak cues, as one in the sentence does."""
    kinds: dict[str, Cue] = {}
    afters = [cue.end for cue in sentence.cues if cue.kind == "after"]
    for cue in sentence.cues:
        if cue.kind in EVENT_TYPES and any(
            0 <= cue.start - end <= _AFTER_REACH or _SIZED.fullmatch(sentence.text[end : cue.start])
            for end in afters
            if end <= cue.start
        ):
            continue  # "dopo l'accordo con Exor", "after the merger": what came before the news
        kinds.setdefault(cue.kind, cue)
    events: dict[str, Cue] = {kind: cue for kind, cue in kinds.items() if kind in EVENT_TYPES}
    if "market_entry" not in events:
        # "first flagship store", "erste Filiale", "첫 매장": an ordinal just before a kind of site.
        firsts = [cue for cue in sentence.cues if cue.kind == "first"]
        outlets = [cue for cue in sentence.cues if cue.kind == "outlet"]
        after = cue_language_of(language) in _ORDINAL_AFTER
        near = [first for first in firsts if any(_near(sentence.text, first, outlet, after) for outlet in outlets)]
        if near:
            events["market_entry"] = near[0]
    if "market_entry" not in events:
        entry = _first_abroad(sentence, language) or _first_foreign(sentence) or _first_time_in(sentence)
        if entry is not None:
            events["market_entry"] = entry
    launched = kinds.get("product_launch")
    if "market_entry" not in events and launched and _launches_a_shop(sentence, launched):
        events["market_entry"] = launched  # "spustil e-shop v Polsku", "launched a storefront for Polish shoppers"
    arriving = kinds.get("arrive")
    if "market_entry" not in events and arriving and _country_near(sentence, arriving) and _arrives(sentence, arriving):
        events["market_entry"] = kinds[
            "arrive"
        ]  # "starts operations in Bangladesh", "chega ao Brasil", "jõuab Eestisse"
    if "market_entry" not in events and "open" in kinds and "office" in kinds:
        opening = min(kinds["open"], kinds["office"], key=lambda cue: cue.start)
        if _country_near(sentence, opening, reach=_ARRIVE_REACH + 30):
            events["market_entry"] = opening  # "opens an office in Hanoi", "avas Tallinnas esinduse"
    if "market_entry" not in events and "enter" in kinds and "market_word" in kinds:
        events["market_entry"] = min(kinds["enter"], kinds["market_word"], key=lambda cue: cue.start)
    reports = {"earnings", "earnings?", "funding", "funding?"} & set(kinds)
    if "acquired_by" in kinds:
        events["acquisition"] = kinds["acquired_by"]  # the passive: its subject is the buyer after it
    if "acquisition" not in events and not reports:
        entering = kinds.get("stake_enter")
        taking = entering or kinds.get("stake_raise")
        if taking is not None and ("stake" in kinds or (entering is not None and _stake_size(sentence.text))):
            events["acquisition"] = taking
    weak_only = set()
    # A quarter named counts as a figure for a weak cue other than the quarter's own word ("third-quarter margin");
    # the quarter's own number is no figure ("4분기", "Q4"), and a quarter word alone wants a sum or a share
    # ("shipping from the fourth quarter" is a date; "sales rose 5% in the quarter" a result).
    for weak in ("earnings", "funding"):
        words = [sentence.text[cue.start : cue.end] for cue in sentence.cues if cue.kind == f"{weak}?"]
        if not words or weak in events:
            continue
        period = bool(quarters(sentence.text))
        undated = without_quarters(sentence.text)
        quarter_only = all(_QUARTER_WORD.fullmatch(word) for word in words)
        if quarter_only:
            found = bool(_PERCENT.search(undated) or _MONEY.search(undated))
        else:
            found = figure or period or bool(_FIGURE.search(undated))
        if found:
            events[weak] = kinds[f"{weak}?"]
            weak_only.add(weak)
    if "earnings" in weak_only and "funding" in events and "funding" not in weak_only:
        events.pop("earnings")  # "will place out up to 10% of its share capital": money raised, not results
        weak_only.discard("earnings")
    if "funding" in weak_only and (("earnings" in events and "earnings" not in weak_only) or "acquisition" in events):
        events.pop("funding")  # "raises guidance as sales grow 10%", "raises its stake to 30%": not money raised
    if "facility" in kinds and "build" in kinds and "market_entry" not in events and "expand" not in kinds:
        events["market_entry"] = min(kinds["facility"], kinds["build"], key=lambda cue: cue.start)
    if "cut" in kinds and "jobs" in kinds and "layoffs" not in events:
        events["layoffs"] = kinds["cut"]
    sold = "asset" in kinds or "stake" in kinds or _stake_size(sentence.text)
    if "sell" in kinds and sold and "acquisition" not in events:
        events["acquisition"] = kinds["sell"]  # "sells its Italian business", "vende su 20%"
    leaving = "role" in kinds and "leave" in kinds and kinds["role"].start < kinds["leave"].start
    if "leadership" not in events and leaving:
        events["leadership"] = kinds["leave"]  # "Le PDG de Molson Coors quittera ses fonctions"
    if "leadership" in events and "distributor" in kinds and "role" not in kinds:
        events.pop("leadership")  # "has appointed SkyTech as its authorised distributor": a deal, not a post
        events.setdefault("partnership", kinds["distributor"])
    if "leadership" in events and "partnership" in events and "role" not in kinds:
        events.pop("leadership")  # "appointed Nusantara Mobilindo as its sole distributor": a partner, not a post
    if "bid" in kinds:
        events.pop("product_launch", None)  # "lancia un'offerta": a bid launched, not a product
    strong = set(events) - weak_only
    if "earnings" in weak_only and strong - {"earnings"}:
        events.pop("earnings")  # "sold devices that dodge its security", "deliveries start in 2027": not results
        weak_only.discard("earnings")
    if "legal" in events:
        events.pop("patent", None)  # a patent lawsuit is legal, not a patent
    if "acquisition" in events or "funding" in events:
        events.pop("partnership", None)  # "the deal values the company at ..."
    if "earnings" in weak_only and "acquisition" in events:
        events.pop("earnings", None)  # "продажу бизнеса", the sale of a business: not its sales figures
    if "leadership" in events:
        events.pop("product_launch", None)  # "arriva un nuovo amministratore delegato": a new chief, not a product
        events.pop("acquisition", None)  # "übernimmt zum 1. Januar die Leitung": takes over a post, not a company
    if "funding" in events:
        events.pop("product_launch", None)  # "launches a share sale", 上市: a listing, not a product
    if "layoffs" in events:
        events.pop("product_launch", None)  # "a présenté un plan social": a plan presented, not a product
        events.pop("market_entry", None)  # a plant closing, not opening
        events.pop("earnings", None)  # "cuts 900 jobs after sales fell"
    if "market_entry" in events and "product_launch" in events and "facility" not in kinds:
        events.pop("product_launch", None)  # "launches in Korea": entering is the news
    launch, results = events.get("product_launch"), events.get("earnings")
    if launch and results and "earnings" not in weak_only and 0 <= results.start - launch.end <= _RELEASED_RESULTS:
        events.pop("product_launch")  # "发布中期业绩", "publishes its results": the results released, not a product
    if "announce" in kinds and not events:
        events["product_launch"] = kinds["announce"]  # 発表 alone: a product; with results, the results
    return sorted(events.items(), key=lambda pair: pair[1].start)


def _first_abroad(sentence: Sentence, language: str | None) -> Cue | None:
    """An ordinal next to a word for abroad: "its first overseas plant", "its first outside India", "첫 해외
    공장", "แห่งแรกนอกจีน", "primera fábrica fuera de España"."""
    away = [cue for cue in sentence.cues if cue.kind in ("abroad", "outside")]
    sites = [cue for cue in sentence.cues if cue.kind in ("outlet", "facility")]
    for first in (cue for cue in sentence.cues if cue.kind == "first"):
        for other in away:
            left, right = (first, other) if first.start < other.start else (other, first)
            between = sentence.text[left.end : right.start]
            # Nothing between, or the site it numbers: not "its first car market outside China" (a product's).
            if not between.strip() or (
                len(between.split()) <= _FIRST_GAP_WORDS
                and any(left.end <= site.start and site.end <= right.start for site in sites)
            ):
                return first
    return None


def _first_foreign(sentence: Sentence) -> Cue | None:
    """An ordinal just before a country's name or adjective that does not describe a company: "its first U.S.
    cups", "its first American teahouse", "erste polnische Filiale"; not "the first Chinese carmaker to"."""
    nouns = [cue for cue in sentence.cues if cue.kind == "org_noun"]
    for first in (cue for cue in sentence.cues if cue.kind == "first"):
        for hit in sentence.markets:
            gap = sentence.text[first.end : hit.start] if hit.start >= first.end else None
            if gap is None or len(gap.split()) > 0 or len(gap) > 1 or hit.is_city:
                continue
            if any(0 <= noun.start - hit.end <= 2 for noun in nouns):
                continue
            return first
    return None


def _first_time_in(sentence: Sentence) -> Cue | None:
    """The words "for the first time" beside a country's name, in a sentence that reports nothing else: "to bring its
    fridges to Kenya for the first time", "erstmals in Polen"."""
    others = {cue.kind for cue in sentence.cues} & (set(EVENT_TYPES) - _ENTRY_COMPANIONS)
    if others or any(cue.kind in ("earnings?", "funding?") for cue in sentence.cues):
        return None
    for cue in (cue for cue in sentence.cues if cue.kind == "first_time"):
        if any(hit.is_name and (0 <= hit.start - cue.end <= _FIRST_TIME_REACH or 0 <= cue.start - hit.end
                                <= _FIRST_TIME_REACH) for hit in sentence.markets):  # fmt: skip
            return cue
    return None


def _launches_a_shop(sentence: Sentence, launched: Cue) -> bool:
    """A shop launched in a country: "spustil e-shop v Polsku", "launched a localised storefront for Polish
    shoppers"; a country must follow the shop."""
    for shop in (cue for cue in sentence.cues if cue.kind == "outlet" and cue.start >= launched.end):
        if len(sentence.text[launched.end : shop.start].split()) <= 3:
            return any(hit.start >= shop.end and hit.start - shop.end <= _ARRIVE_REACH for hit in sentence.markets)
    return False


def _arrives(sentence: Sentence, cue: Cue) -> bool:
    """Whether what arrives is a tracked company named just before the verb ("Temu goes live in Kenya"), not a
    product ("Xiaomi SU7 arriva in Germania", "the compact SUV will arrive in Japan") nor a feature."""
    before = [party for party in sentence.parties if party.end <= cue.start]
    if not before:
        # A headline with its subject last: "বাংলাদেশে কার্যক্রম শুরু করল টেমু", "Έρχεται στην Αθήνα ... Uniqlo".
        return any(0 <= party.start - cue.end <= _SUBJECT_LAST_REACH for party in sentence.parties)
    between = sentence.text[before[-1].end : cue.start]
    # An apposition between commas says who the company is: "Chery, China's biggest car exporter, will begin sales".
    between = _APPOSITION.sub(" ", between, count=1)
    # Up to four words, no figure: "Mercado Libre cruza el Atlántico: empezará a operar", not "Apple iPhone 17 arrives";
    # eight after a German auxiliary, whose verb ends the clause ("Costco wird nächstes Jahr in Polen starten").
    words = _ARRIVE_SUBJECT_WORDS * 2 if _AUXILIARY_FIRST.match(between) else _ARRIVE_SUBJECT_WORDS
    return (
        len(between) <= _ARRIVE_SUBJECT_GAP
        and len(between.split()) <= words
        and not _MODEL_NAME.search(between)
        and not any(ch.isdigit() for ch in between)
    )


def _country_near(sentence: Sentence, cue: Cue, reach: int = 0) -> bool:
    """A country or one of its cities named by name just after a movement or start verb ("arrives in Kenya",
    "stiže u BiH"), or just before it where the verb comes last ("বাংলাদেশে কার্যক্রম শুরু", "タイに上陸")."""
    reach = reach or _ARRIVE_REACH
    return any(
        hit.is_name and (0 <= hit.start - cue.end <= reach or 0 <= cue.start - hit.end <= _ARRIVE_BEFORE)
        for hit in sentence.markets
    )


def homes(sentences: Sequence[Sentence], language: str | None) -> set[str]:
    """Countries an item says its company is from: an adjective next to a word for a company that is the
    sentence's subject, before what it does ("the Chinese carmaker will invest", "Der chinesische
    Elektroautohersteller errichtet", not "buys a stake in a Brazilian brewer"), or next to the tracked name
    that is its subject ("غريفولز الإسبانية", "Spanish Grifols")."""
    found: set[str] = set()
    verb_first = cue_language_of(language) in _VERB_FIRST
    cjk = cue_language_of(language) in _CJK_LANGUAGES
    # Where an adjective goes before its noun, one after a word for a company is not its home: "French grocer
    # signs Moroccan franchise".
    before_noun = cue_language_of(language) in _ADJECTIVE_FIRST
    for sentence in sentences:
        acts = [cue.start for cue in sentence.cues if cue.kind not in _NOT_ACTS]
        first_act = min(acts, default=len(sentence.text))
        nouns = [cue for cue in sentence.cues if cue.kind == "org_noun" and (verb_first or cue.start < first_act)]
        subject = sentence.parties[:1]
        for hit in sentence.markets:
            if hit.is_name and not cjk:
                # "China's Haier", "VinFast asal Vietnam" / "Pabrik ... Asal Vietnam": where it is from, not a market.
                if _possessive_of(sentence.text, hit, subject) or _ORIGIN.search(sentence.text[: hit.start]):
                    found.add(hit.code)
                elif not sentence.text[: hit.start].strip() and any(
                    party.start > hit.end and not sentence.text[hit.end : party.start].strip() for party in subject
                ):
                    found.add(hit.code)  # "Indiana Bajaj inaugura": a name written as the adjective before the company
                elif not sentence.text[: hit.start].strip() and any(
                    noun.start >= hit.end and len(sentence.text[hit.end : noun.start].split()) <= 1 for noun in nouns
                ):
                    found.add(hit.code)  # "Německý obchodní řetězec ALDI", capitalised first: an adjective, its home
                continue
            if cjk:  # no adjectives: a country's name before a word for a company ("西班牙血液制品企业")
                if any(party.end <= hit.start for party in sentence.parties):
                    continue  # "任天堂はインドの小売大手と契約": a descriptor goes before its name: another company
                before = [noun for noun in nouns if noun.start >= hit.end]
                if any(_adjacent(sentence.text, hit.start, hit.end, noun, 3) for noun in before):
                    found.add(hit.code)
            elif any(
                _adjacent(sentence.text, hit.start, hit.end, noun)
                for noun in nouns
                if not before_noun or noun.start >= hit.end
            ) or any(
                _adjacent(sentence.text, hit.start, hit.end, Cue("party", party.start, party.end), words=0)
                for party in subject
            ):
                found.add(hit.code)
    return found


_ORIGIN = re.compile(r"(?:^|\s)(?:asal|berasal dari)\s+$", re.IGNORECASE)  # Indonesian, Malay: "from"
_HOME_PLACE = re.compile(r"\b(?:its|their) home (?:city|town|country|province|state|base)\b|\bhometown\b", re.I)
# A development zone or industrial park of a city (Chinese, Japanese, Korean): where the company is at home.
_DEV_ZONE = re.compile(
    r"经开区|开发区|高新区|新区|新區|工业园|产业园|生态园|园区|經開區|開發區|工業區|工業団地|産業団地|산업단지|산단"
)
_POSSESSIVE = re.compile(r"['’]s\s+$")


def _possessive_of(text: str, hit: MarketHit, subject: Sequence[Party]) -> bool:
    """A country's name in the possessive just before the sentence's subject: "China's Haier opens ..."."""
    return any(
        party.start > hit.end and _POSSESSIVE.fullmatch(text[hit.end : party.start]) and not hit.is_city
        for party in subject
    )


def _adjacent(text: str, start: int, end: int, noun: Cue, words: int = 1) -> bool:
    """Whether a word at start:end and a cue are at most `words` words apart, either way round."""
    between = text[end : noun.start] if noun.start >= end else text[noun.end : start] if start >= noun.end else None
    if between is None:
        return False
    if between.strip() and " " not in between.strip() and not between.isascii():
        return len(between.strip()) <= 2 * words
    return len(between.split()) <= words


def _stake_size(text: str) -> bool:
    """A percentage that sizes a stake ("con il 41%", "pour 25% de"), not a change ("by 10%", "10% more")."""
    for found in _PERCENT.finditer(text):
        before = text[: found.start()].split()[-2:]
        after = text[found.end() :].split()[:1]
        if not (_CHANGE_BEFORE & {word.lower() for word in before} or _CHANGE_AFTER & {w.lower() for w in after}):
            return True
    return False


def _near(text: str, first: Cue, outlet: Cue, either_way: bool = False) -> bool:
    if outlet.start < first.end:
        if not either_way or first.start < outlet.end:
            return False
        first, outlet = outlet, first  # "toko pertama", "nhà máy đầu tiên": the ordinal after its noun
    between = text[first.end : outlet.start]
    if " " not in between.strip() and any(_is_no_space(ch) for ch in between):
        return len(between) <= _FIRST_GAP_CHARS  # not "first Türkiye store": a word with an accent is still a word
    return len(between.split()) <= _FIRST_GAP_WORDS


def _subjects(
    event_type: str, cue: Cue, parties: Sequence[Party], language: str | None = None, text: str = ""
) -> list[str]:
    if event_type in SHARED_EVENTS:
        return list(dict.fromkeys(party.entity for party in parties))
    if cue.kind == "acquired_by":
        # "Iveco acquired by Tata Motors": the one after "by" buys; the one before is bought, no event of its own.
        after = [party for party in parties if party.start >= cue.end]
        return [after[0].entity] if after and after[0].start - cue.end <= _AGENT_REACH else []
    before = [party for party in parties if party.start < cue.start]
    if before:
        return [before[0].entity]
    if cue.kind == "first_time":
        return []  # "首次超越海尔": what comes after "for the first time" is the object, not the subject
    if cue.kind in ("arrive", "first", "market_entry") or event_type == "market_entry":
        # Arriving, or a first shop, with the company named last: "Έρχεται στην Αθήνα το πρώτο κατάστημα Uniqlo".
        after = [party for party in parties if 0 <= party.start - cue.end <= _SUBJECT_LAST_REACH]
        return [after[0].entity] if after else []
    if event_type in _SUBJECT_AFTER or (language or "")[:2] in _VERB_FIRST:
        after = [party for party in parties if party.start >= cue.start]
        return [after[0].entity] if after else []
    return []


def _also_entered(text: str, markets: Sequence[MarketHit], first: str, cue: Cue) -> list[str]:
    """Countries listed with the one entered, after the cue: "expands into Romania and Bulgaria"."""
    names = [hit for hit in markets if hit.is_name and hit.start >= cue.start]
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


def _market(
    markets: Sequence[MarketHit], cue: Cue, elsewhere: str | None = None, verb_last: bool = False
) -> str | None:
    """The country entered: a name in the sentence (the first after the cue, else the nearest before it), an
    adjective after the cue ("enters the Hungarian market"), the one country the item names elsewhere, or an
    adjective before the cue, which more often says whose the company is ("the Polish group expands")."""
    names = [hit for hit in markets if hit.is_name]
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
        if after:
            return (countries or after)[0].code
        return min(names, key=lambda hit: (hit.is_city, cue.start - hit.end)).code
    after = [hit for hit in markets if hit.start >= cue.start]
    if after:
        return after[0].code
    if elsewhere:
        return elsewhere
    return min(markets, key=lambda hit: cue.start - hit.end).code if markets else None


def _evidence(text: str, cue: Cue) -> str:
    text = " ".join(text.split())
    if len(text) <= EVIDENCE_CHARS:
        return text
    start = max(0, min(cue.start - EVIDENCE_CHARS // 2, len(text) - EVIDENCE_CHARS))
    return ("…" if start else "") + text[start : start + EVIDENCE_CHARS].strip() + "…"
