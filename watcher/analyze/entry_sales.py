"""Market entries said by selling in a country: selling that starts there, a start word beside a selling word, in
any language that has both ("rozpoczyna sprzedaż w Korei", "börjar sälja elbilar i Sydkorea", "начала продажи ... в
Южной Корее", "Güney Kore'de ... satışına başladı"); the company must be the subject, and a business sold, a figure
(results) or a stake is no entry. And a distribution or franchise deal signed to sell (or to open shops) there."""

from __future__ import annotations

import re

from watcher.analyze.entry_country import ARRIVE_REACH, arrives
from watcher.analyze.sentence_figures import has_figure
from watcher.analyze.sentences import CJK_LANGUAGES, VERB_LAST, Cue, Sentence, cue_language_of

_SELLING = frozenset({"selling", "sell", "earnings?"})  # "earnings?": a sales noun ("sprzedaż", "продажи")
_GAP_WORDS = 2  # words between a start and its selling: "begint met de verkoop", "megkezdi elektromos autóinak ..."
_CLAUSE_BREAK = re.compile(r"[,.;:!?،、，。]")
_COUNTRY_BEFORE = 48  # characters between the country and the selling, where the verb comes last
_NAMED = re.compile(r"\b[A-Z][\w-]*|\d")  # a capitalised word or a figure: a product's name ("Steam Deck", "G6")
_BUSINESS_SOLD = frozenset({"asset", "stake", "acquisition"})  # "began selling its Korean unit": a sale of a business
_DEAL_TO_SELL = 120  # characters between a distribution deal and the selling it is signed for
# A deal that is a distribution or import deal, in the words before it or in its own ("distribution agreement").
_DISTRIBUTION = re.compile(
    r"distribu|dystrybu|дистриб|import|импорт|vertrieb|販売契約|代理|经销|經銷|分销|توزيع|διανομ|dağıtım|유통|"
    r"판매 계약|franchis|franquic|franquia|franczy|франчайз|フランチャイズ|加盟|프랜차이즈",
    re.IGNORECASE,
)
_SHOP_GAP_WORDS = 4  # words between an opening and the shops it opens ("to open two cafés")


def sales_begin_in(sentence: Sentence, language: str | None) -> Cue | None:
    """The start of selling in a country named by name, with the company as subject; the span of both words."""
    if any(cue.kind in _BUSINESS_SOLD for cue in sentence.cues) or has_figure(sentence.text):
        return None
    verb_last = cue_language_of(language) in (*VERB_LAST, *CJK_LANGUAGES)
    begins = [cue for cue in sentence.cues if cue.kind == "begin"]
    for selling in (cue for cue in sentence.cues if cue.kind in _SELLING):
        for begin in begins:
            if begin.end <= selling.start:
                span = Cue("begin", begin.start, selling.end)  # "starts selling ... in Korea"
            elif verb_last and selling.end <= begin.start:
                span = Cue("begin", selling.start, begin.end)  # "... in Korea selling starts"
            else:
                continue
            between = sentence.text[min(begin.end, selling.end) : max(begin.start, selling.start)]
            if len(between.split()) > _GAP_WORDS or _CLAUSE_BREAK.search(between):
                continue
            country = _country_beside(sentence, span, language, verb_last)
            if country is None:
                continue
            if country.start < span.start:
                # The subject before the country where that comes first ("X ने दक्षिण कोरिया में ... बिक्री शुरू"); the
                # span from the country on, for the country entered to be the one before the verb.
                if arrives(sentence, country):
                    return Cue("begin", country.start, span.end)
            elif arrives(sentence, span):
                return span
    return None


def _country_beside(sentence: Sentence, span: Cue, language: str | None, verb_last: bool) -> Cue | None:
    """A country by name just after the selling ("sales in Korea"), inside the phrase ("开始在韩国销售"), or before it
    where the verb comes last; nothing that ends a clause between, nor a product's name ("भारत में Steam Deck की
    बिक्री शुरू": the product's sales, not the company's entry). German capitalises every noun."""
    named = _NAMED if cue_language_of(language) != "de" else None
    for hit in sentence.markets:
        if not hit.is_name:
            continue
        if 0 <= hit.start - span.end <= ARRIVE_REACH:
            between = sentence.text[span.end : hit.start]
        elif span.start <= hit.start and hit.end <= span.end:
            between = sentence.text[span.start : span.end]
        elif verb_last and 0 <= span.start - hit.end <= _COUNTRY_BEFORE:
            between = sentence.text[hit.end : span.start]
        else:
            continue
        if not _CLAUSE_BREAK.search(between) and not (named and named.search(between)):
            return Cue("market", hit.start, hit.end)
    return None


def deal_to_sell(sentence: Sentence) -> Cue | None:
    """A distribution, import or franchise deal signed to start selling (or to open shops) in a country (the
    taxonomy's "signs a distribution deal to start selling there"): "signed an import and distribution agreement
    with Kingsway Beverages to sell its lager in India", "... to begin selling its cars in Greece", "a franchise deal
    with Alshaya to open cafés in Saudi Arabia". Not a deal to sell a business ("agreed to sell its stake")."""
    if any(cue.kind in _BUSINESS_SOLD for cue in sentence.cues):
        return None
    for deal in sentence.cues:
        distribution = deal.kind == "distributor" or (
            deal.kind == "partnership" and _DISTRIBUTION.search(sentence.text[max(0, deal.start - 30) : deal.end])
        )
        if not distribution:
            continue
        for selling in sentence.cues:
            if not 0 <= selling.start - deal.end <= _DEAL_TO_SELL:
                continue
            if selling.kind not in ("sell", "selling", "arrive") and not _opens_outlets(sentence, selling):
                continue
            if any(hit.is_name and 0 <= hit.start - selling.end <= ARRIVE_REACH for hit in sentence.markets):
                # From the selling on: the country entered is the one it sells in, not the distributor's own named
                # between ("ตั้งผู้จัดจำหน่ายไทย บุกกัมพูชา", appoints a Thai distributor to push into Cambodia).
                return Cue(deal.kind, selling.start, selling.end)
    return None


def _opens_outlets(sentence: Sentence, verb: Cue) -> bool:
    """An opening verb with the shops it opens just after: a franchise deal "to open cafés in Saudi Arabia"."""
    return verb.kind in ("open", "build") and any(
        outlet.kind == "outlet"
        and outlet.start >= verb.end
        and len(sentence.text[verb.end : outlet.start].split()) <= _SHOP_GAP_WORDS
        for outlet in sentence.cues
    )
