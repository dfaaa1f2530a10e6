"""Market entries: the rules that read an entry from more than one cue word.

An ordinal before a site ("erste Filiale", "toko pertama") or beside a word for abroad ("its first overseas
plant"), before a foreign country ("its first U.S. cups"); "for the first time" beside a country; a shop or sales
launched in a country; a first contract there; a distribution deal signed to sell there; a country called a new
market. Which country is entered, and whether what arrives is the company, is entry_country.py's.
"""

from __future__ import annotations

import re

from watcher.analyze.entry_country import ARRIVE_REACH
from watcher.analyze.sentence_figures import has_figure
from watcher.analyze.sentences import CJK_LANGUAGES, EVENT_TYPES, VERB_LAST, Cue, Sentence, cue_language_of
from watcher.match.words import written_unspaced

_FIRST_GAP_WORDS = 3  # words between "first" and the site it numbers ("first European car plant": 2)
_FIRST_GAP_CHARS = 8  # characters, where words are not spaced ("首家旗舰门店")
_ENTRY_COMPANIONS = frozenset({"market_entry", "partnership", "product_launch"})
_FIRST_TIME_REACH = 30  # characters between "for the first time" and the country ("to Kenya for the first time")
_DISTRIBUTOR_REACH = 8  # characters between a distributor and its country ("distributor for Poland")
_SHOP_GAP_WORDS = 4  # words between a launch and what it launches ("launched its payments and shopping app")
_VENTURE_GAP = 12  # characters between a first venture and its country ("contract in the Philippines")
_VENTURE_BEFORE = 30  # ... or before it, where the verb comes last ("বাংলাদেশে এটিই পিটিটির প্রথম বিনিয়োগ")
_NAMED_BEFORE = re.compile(r"\b[A-Z]\w*\s+$")  # "from Air India", "with Saudi Arabian Mining": part of a name
_FIRST_IN_GAP = 8  # characters between an ordinal and its country: "первым в Грузии", "first in the UAE"
_SITE_KINDS = frozenset({"venture", "outlet", "facility", "office", "partnership"})
# What a company does in a country it had no business in, for the entry to be news: "to sell cement in Morocco".
_ABSENT_ACTS = frozenset({
    "market_word", "sell", "build", "open", "arrive", "enter", "product_launch", "facility", "outlet", "office",
    "partnership", "distributor", "acquisition", "stake_enter", "licence", "service", "venture",
})  # fmt: skip
ORDINAL_AFTER = ("id", "ms", "vi", "th", "he", "ar", "sw", "ha")  # "the store first": "toko pertama", "المتجر الأول"


# An ordinal written with digits: "100th", "100." (Polish, German, Czech ...), "100-й", "100e", "100º". A count of
# sites that is no first: "otworzyła 100. oddział w Polsce", "opens its 50th store in Spain".
_NUMERIC_ORDINAL = re.compile(r"(?<![\w.,])\d+(?:st|nd|rd|th|\.|-[а-яёіїє]{1,3}|e|ème|º|ª)(?=\s)")


def numeric_ordinals(text: str) -> list[Cue]:
    """Ordinals written with digits, as cues of another site."""
    return [Cue("another", match.start(), match.end()) for match in _NUMERIC_ORDINAL.finditer(text)]


def ordinal_near(text: str, first: Cue, outlet: Cue, either_way: bool = False) -> bool:
    """An ordinal close enough before a site to number it ("first flagship store", "erste Filiale", "首家门店");
    `either_way`: after it too, where the ordinal follows its noun ("toko pertama")."""
    if outlet.start < first.end:
        if not either_way or first.start < outlet.end:
            return False
        first, outlet = outlet, first  # "toko pertama", "nhà máy đầu tiên": the ordinal after its noun
    between = text[first.end : outlet.start]
    if " " not in between.strip() and written_unspaced(between):
        return len(between) <= _FIRST_GAP_CHARS  # not "first Türkiye store": a word with an accent is still a word
    return len(between.split()) <= _FIRST_GAP_WORDS


def first_abroad(sentence: Sentence, language: str | None) -> Cue | None:
    """An ordinal next to a word for abroad: "its first overseas plant" (or shop, or office), "its first outside
    India", "첫 해외 공장", "แห่งแรกนอกจีน", "primera fábrica fuera de España"."""
    away = [cue for cue in sentence.cues if cue.kind in ("abroad", "outside")]
    sites = [cue for cue in sentence.cues if cue.kind in ("outlet", "facility", "office")]
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


def first_foreign(sentence: Sentence) -> Cue | None:
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


def first_time_in(sentence: Sentence) -> Cue | None:
    """The words "for the first time" beside a country's name, in a sentence that reports nothing else: "to bring its
    fridges to Kenya for the first time", "erstmals in Polen"."""
    others = {cue.kind for cue in sentence.cues} & (set(EVENT_TYPES) - _ENTRY_COMPANIONS)
    if others:
        return None
    weak = [cue for cue in sentence.cues if cue.kind in ("earnings?", "funding?")]
    for cue in (cue for cue in sentence.cues if cue.kind == "first_time"):
        # A weak results word is results ("sales topped 1,000 for the first time", "sales in Japan rose for the first
        # time") unless it is the selling that starts, beside the words, and no figure: "verkoopt voor het eerst",
        # "ilk kez Japonya'da satış yapacak", "日本で初めて販売".
        if weak and (has_figure(sentence.text) or not all(_beside(sentence, cue, other) for other in weak)):
            continue
        if any(hit.is_name and (0 <= hit.start - cue.end <= _FIRST_TIME_REACH or 0 <= cue.start - hit.end
                                <= _FIRST_TIME_REACH) for hit in sentence.markets):  # fmt: skip
            return cue
    return None


def _beside(sentence: Sentence, cue: Cue, other: Cue) -> bool:
    """Two cues with at most one word between them besides a country's name."""
    start, end = min(cue.end, other.end), max(cue.start, other.start)
    between = sentence.text[start:end]
    for hit in sentence.markets:
        if start <= hit.start and hit.end <= end:
            between = between.replace(sentence.text[hit.start : hit.end], " ")
    return start >= end or len(between.split()) <= 1


def launches_a_shop(sentence: Sentence, launched: Cue) -> bool:
    """A shop or the company's service launched in a country: "spustil e-shop v Polsku", "launched a localised
    storefront for Polish shoppers", "rolls out its super app in Uzbekistan", "تطلق خدماتها في المغرب"; a country
    must follow the shop. Sales launched in a country by its name are one too ("запустил продажи в Грузии"), not the
    sale of a business ("launches the sale of its Polish unit")."""
    selling = not any(cue.kind in ("asset", "stake") for cue in sentence.cues)
    for shop in sentence.cues:
        if shop.start < launched.end or not (shop.kind in ("outlet", "service") or (shop.kind == "sell" and selling)):
            continue
        if len(sentence.text[launched.end : shop.start].split()) <= _SHOP_GAP_WORDS:
            return any(
                hit.start >= shop.end and hit.start - shop.end <= ARRIVE_REACH and (hit.is_name or shop.kind != "sell")
                for hit in sentence.markets
            )
    return False


def distributor_for(sentence: Sentence) -> Cue | None:
    """A distributor for a country, in a sentence that says it is a first: "appointed E-Mobi as its exclusive
    distributor for Poland, where its scooters go on sale for the first time"."""
    if not any(cue.kind in ("first", "first_time") for cue in sentence.cues):
        return None
    for cue in sentence.cues:
        distributor = cue.kind == "distributor" or (
            cue.kind == "partnership" and "distribut" in sentence.text[cue.start : cue.end].lower()
        )
        if distributor and any(
            hit.is_name and 0 <= hit.start - cue.end <= _DISTRIBUTOR_REACH for hit in sentence.markets
        ):
            return cue
    return None


def new_market(sentence: Sentence) -> Cue | None:
    """A country called a new market for the company: "Polska będzie dla koncernu nowym rynkiem", "Greece is a new
    market for the group"."""
    cue = next((cue for cue in sentence.cues if cue.kind == "new_market"), None)
    if cue is not None and any(hit.is_name and not hit.is_city for hit in sentence.markets):
        return cue
    return None


def first_venture(sentence: Sentence, language: str | None) -> Cue | None:
    """A first contract, order, project or investment in a country: "won its first contract in the Philippines",
    "maiden Philippine order", "its first investment in the country", "ilk sözleşmesi ... bu ülkedeki", "বাংলাদেশে
    ... প্রথম বিনিয়োগ" (the country first, where the verb comes last). Not "its first order from Air India": a
    country's name inside another name (a capitalised word just before it) is no place."""
    # A service too: an airline's "first services to Denmark".
    ventures = [cue for cue in sentence.cues if cue.kind in ("venture", "service")]
    if not ventures:
        return None
    there = any(cue.kind == "there" for cue in sentence.cues)
    before = cue_language_of(language) in (*VERB_LAST, *CJK_LANGUAGES)
    after = cue_language_of(language) in ORDINAL_AFTER
    for first in (cue for cue in sentence.cues if cue.kind == "first"):
        for venture in ventures:
            if not ordinal_near(sentence.text, first, venture, after):
                continue
            start, end = min(first.start, venture.start), max(first.end, venture.end)
            for hit in sentence.markets:
                if start <= hit.start and hit.end <= end:
                    return first  # "maiden Philippine order"
                if hit.start >= end and _leads_to_country(sentence.text[end : hit.start]):
                    return first  # "first contract in the Philippines"
                if before and 0 <= start - hit.end <= _VENTURE_BEFORE:
                    return first  # "필리핀 첫 수주", "বাংলাদেশে এটিই পিটিটির প্রথম বিনিয়োগ"
            if there:
                return first  # "its first investment in the country": the country named elsewhere in the item
    return None


def _leads_to_country(gap: str) -> bool:
    """A gap of one or two words from a venture to its country ("in the "), not into another name ("from Air ")."""
    return len(gap) <= _VENTURE_GAP and len(gap.split()) <= 2 and not _NAMED_BEFORE.search(gap)


def first_in_country(sentence: Sentence) -> Cue | None:
    """An ordinal just before "in" and a country, in a sentence about a site or a deal: "Контракт ... станет для
    строительной компании первым в Грузии", "its first in Georgia"."""
    if not any(cue.kind in _SITE_KINDS for cue in sentence.cues):
        return None
    for first in (cue for cue in sentence.cues if cue.kind == "first"):
        for hit in sentence.markets:
            gap = sentence.text[first.end : hit.start] if hit.is_name and hit.start >= first.end else None
            if gap is not None and len(gap) <= _FIRST_IN_GAP and 1 <= len(gap.split()) <= 2 and gap == gap.lower():
                return first
    return None


def absent_until_now(sentence: Sentence) -> Cue | None:
    """A company that had no business in a country until now, in a sentence that does something there: "to sell
    cement in Morocco, where it has had no business until now", "Na polském trhu dosud nepůsobila"."""
    absent = next((cue for cue in sentence.cues if cue.kind == "absent"), None)
    if absent is None or not sentence.markets:
        return None
    acts = {cue.kind for cue in sentence.cues if not (absent.start <= cue.start and cue.end <= absent.end)}
    return absent if acts & _ABSENT_ACTS else None


# A year: Gregorian, or the Thai Buddhist era's (2565 is 2022).
_YEAR = re.compile(r"(?<![\d.,])(1[89]\d\d|20\d\d|25[4-9]\d)(?!\d|[.,]\d)")  # "in 2007.", not "2007.5"
_BUDDHIST_ERA = 543
_YEAR_REACH = 30  # characters between an entry's cue and the year that dates it ("primul magazin din România în 2007")
_CLAUSE_BREAK = re.compile(r"[,;:()，、；。]")


# "Last year" in words: a year before the item's, whatever it is ("estreou no ano passado", "entered Egypt last year").
_LAST_YEAR = re.compile(
    r"\b(?:last year|a year ago|no ano passado|el año pasado|l['’]an dernier|l['’]année dernière|lo scorso anno"
    r"|l['’]anno scorso|im vergangenen Jahr|letztes Jahr|im Vorjahr|vorig jaar|vorige jaar|w ubiegłym roku"
    r"|w zeszłym roku|в прошлом году|geçen yıl|tahun lalu|năm ngoái|förra året|sidste år|i fjor)\b"
    r"|去年|昨年|작년|지난해",
    re.IGNORECASE,
)


def dated_before(text: str, cue: Cue, year: int) -> bool:
    """An entry its clause dates to a year before `year` (the item's): the company's past, told as background
    ("JYSK, care și-a deschis primul magazin din România în 2007", "หลังเปิดสาขาแรก ... เมื่อปี 2565", "estreou no
    ano passado")."""
    after = text[cue.end : cue.end + _YEAR_REACH]
    before = text[max(0, cue.start - _YEAR_REACH) : cue.start]
    near = _CLAUSE_BREAK.split(after)[0] + " " + _CLAUSE_BREAK.split(before)[-1]
    if _LAST_YEAR.search(near):
        return True
    for found in _YEAR.finditer(near):
        told = int(found.group())
        told -= _BUDDHIST_ERA if told >= 2400 else 0
        if told < year:
            return True
    return False
