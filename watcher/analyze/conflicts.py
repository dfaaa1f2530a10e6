"""The events a sentence's cues make together, and which of them stand.

Weak cues (`earnings?`, `funding?`) that count only beside a figure ("sales rose 9%"); the cues that make an
event together ("cut" + "jobs", "sell" + a stake, "facility" + "build") or in the passive ("acquired by"); and
the conflicts between events: a patent lawsuit is legal, a plant closing no entry, "raises its stake to 30%" no
funding. Figures and stake sizes are read in sentence_figures.py.
"""

from __future__ import annotations

import re

from watcher.analyze.sentence_figures import CJK_DATE, FIGURE, MONEY, PERCENT, stake_size
from watcher.analyze.sentences import Cue, Sentence, apart
from watcher.analyze.signals import quarters, without_quarters

# Characters between a weak results word and the start beside it, in one clause ("satışına Mayıs ayında başlanacak",
# "Продажи нового смартфона в России стартуют": Russian puts what is sold and where between).
_BEGIN_REACH = 32
_CLAUSE_END = re.compile(r"[.;:!?,，。；：]")
# A merger of the company's own units: the merging verb, then "its" ("merges its food and grocery businesses",
# "fusionne ses filiales", "fusiona sus dos negocios", "fonde le sue controllate", "funde suas operações").
# So is one of units named as such, a word or two after the verb: "merges regional offices", "fusionne deux filiales",
# "fusiona sus oficinas regionales".
_OWN_UNITS = re.compile(
    r"(?:merg|fusion|fusiona|fonde|funde|fundir|combin)\w*\s+(?:(?:its|their|ses|leurs|sus|suas|seus|le sue|i suoi)\s"
    r"|(?:\w+\s+){0,2}(?:offices|units|divisions|departments|subsidiaries|branches|hubs|bureaux|filiales|"
    r"oficinas|divisiones|sucursales|uffici|divisioni|filiali|escritórios|divisões|filiais)\b)",
    re.IGNORECASE,
)
_APPOINT_REACH = 30  # characters between a naming verb and the post ("named Mariana Cortés chief executive")
_RELEASED_RESULTS = 4  # characters between a release verb and the results it releases ("发布中期业绩")
_COUNT_BETWEEN = re.compile(r"\s*(?:its|their|all|ses|seine|sus|i suoi|os seus|свои)?\s*\d[\d.,\s]*\s*", re.I)
_SET_UP_REACH = 16  # characters between a build word and the unit it sets up ("sets up a Kenyan subsidiary")
_DIVIDEND = re.compile(
    r"dividend|dywidend|дивиденд|temettü|배당|配当|股息|分红|توزيعات|dividendo|utdelning|udbytte|osinko|\bprices\b|\bfares\b",
    re.IGNORECASE,
)
# Money paid back to shareholders: "launches a €1.5bn buyback", "自社株買いを発表" is no product launched.
_PAYOUT = re.compile(
    r"buyback|share repurchase|Aktienrückkauf|rachat d'actions|recompra de|自社株買い|回购|자사주", re.IGNORECASE
)
_QUARTER_WORD = re.compile(r"quarter\w*|quartal\w*|trimestre\w*|kwarta\w*|çeyrek|квартал\w*|분기|四半期|季度", re.I)


def _beside_role(appointing: Cue, role: Cue) -> bool:
    """A naming verb and a post close on either side, a person's name between: "named Mariana Cortés chief
    executive", "金素英副社長を起用" (the verb last); not "named after" a founder nor a chief in another clause."""
    return 0 <= role.start - appointing.end <= _APPOINT_REACH or 0 <= appointing.start - role.end <= _APPOINT_REACH


# A tracked company just after a naming verb is what it picks ("H&M picks Adyen to run payments"), not a person; not
# "names Ericsson veteran Jane Doe", "taps Nokia's former CFO".
_PERSON_AFTER = re.compile(r"\s*(?:['’]s\b|-?\s*(?i:veteran|alumn\w*|executive|exec)\b)")


def _company_named(sentence: Sentence, appointing: Cue) -> bool:
    return any(
        0 <= party.start - appointing.end <= 2 and not _PERSON_AFTER.match(sentence.text, party.end)
        for party in sentence.parties
    )


def resolve(sentence: Sentence, kinds: dict[str, Cue], events: dict[str, Cue], figure: bool) -> list[tuple[str, Cue]]:
    """(event type, its cue) for each event that stands, in text order: `events` (what the sentence's event cues
    and entry rules make, changed in place) with the events cue pairs and weak cues make, conflicts resolved.
    `kinds`: the first cue of each kind; `figure`: a figure elsewhere (the lead's) counts for the weak cues."""
    reports = {"earnings", "earnings?", "funding", "funding?"} & set(kinds)
    if "acquired_by" in kinds:
        events["acquisition"] = kinds["acquired_by"]  # the passive: its subject is the buyer after it
    # "获得...专利 ... 约20%": a patent obtained, no stake.
    if "acquisition" not in events and not reports and "patent" not in kinds:
        entering = kinds.get("stake_enter")
        taking = entering or kinds.get("stake_raise")
        if taking is not None and ("stake" in kinds or (entering is not None and stake_size(sentence.text))):
            events["acquisition"] = taking
    weak_only = set()
    # A quarter named counts as a figure for a weak cue other than the quarter's own word ("third-quarter margin");
    # the quarter's own number is no figure ("4분기", "Q4"), and a quarter word alone wants a sum or a share
    # ("shipping from the fourth quarter" is a date; "sales rose 5% in the quarter" a result).
    for weak in ("earnings", "funding"):
        words = [sentence.text[cue.start : cue.end] for cue in sentence.cues if cue.kind == f"{weak}?"]
        if not words or weak in events or f"{weak}?" not in kinds:
            continue  # not where its only weak cue was set aside (in a name, after "after"): it raised KeyError
        period = bool(quarters(sentence.text))
        undated = CJK_DATE.sub(" ", without_quarters(sentence.text))
        quarter_only = all(_QUARTER_WORD.fullmatch(word) for word in words)
        if quarter_only:
            found = bool(PERCENT.search(undated) or MONEY.search(undated))
        else:
            found = figure or period or bool(FIGURE.search(undated))
        if found:
            events[weak] = kinds[f"{weak}?"]
            weak_only.add(weak)
    if "earnings" in weak_only and _sales_begin(sentence):
        events.pop("earnings")  # "Penjualan dimulai pada kuartal keempat", "deliveries begin in January": no results
        weak_only.discard("earnings")
    if "earnings" in weak_only and "funding" in events and "funding" not in weak_only:
        events.pop("earnings")  # "will place out up to 10% of its share capital": money raised, not results
        weak_only.discard("earnings")
    if "funding" in weak_only and _DIVIDEND.search(sentence.text):
        events.pop("funding")  # "raised its dividend by 12%", "raises prices": paid out or charged, not money raised
        weak_only.discard("funding")
    if "funding" in weak_only and (("earnings" in events and "earnings" not in weak_only) or "acquisition" in events):
        events.pop("funding")  # "raises guidance as sales grow 10%", "raises its stake to 30%": not money raised
    if "facility" in kinds and "build" in kinds and "market_entry" not in events and "expand" not in kinds:
        events["market_entry"] = min(kinds["facility"], kinds["build"], key=lambda cue: cue.start)
    if "cut" in kinds and "jobs" in kinds and "layoffs" not in events:
        events["layoffs"] = kinds["cut"]
    if "supply" in kinds and "partnership" not in events and len({party.entity for party in sentence.parties}) > 1:
        # "Shell gaat lng leveren aan CMA CGM": a supply deal between two tracked companies; one supplying "food
        # makers across the region" makes none.
        events["partnership"] = kinds["supply"]
    sold = "asset" in kinds or "stake" in kinds or stake_size(sentence.text) or _shops_sold(sentence)
    if "sell" in kinds and sold and not _set_up(sentence) and "acquisition" not in events:
        events["acquisition"] = kinds["sell"]  # "sells its Italian business", "vende su 20%"
    leaving = "role" in kinds and "leave" in kinds and kinds["role"].start < kinds["leave"].start
    if "leadership" not in events and leaving:
        events["leadership"] = kinds["leave"]  # "Le PDG de Molson Coors quittera ses fonctions"
    appointing, role = kinds.get("appoint"), kinds.get("role")
    if (
        "leadership" not in events
        and appointing
        and role
        and _beside_role(appointing, role)
        and not _company_named(sentence, appointing)
    ):
        # "named Mariana Cortés chief executive", "designa a ... como directora general", "代表に...副社長を起用"
        events["leadership"] = appointing
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
        events.pop("acquisition", None)  # "violated antimonopoly law over its 2020 takeover of Mellanox": the probe
        events.pop("partnership", None)  # "an investigation into a bid for a €450 million contract": the probe
        events.pop("product_launch", None)  # "infringes two patents, barring its launch until 2033": the ruling
        if "funding" in weak_only:
            events.pop("funding")  # "fined N150 million for raising subscription fees": the fine, not money raised
    if "patent" in events and "licence" in kinds:
        events.pop("patent")  # "agree a patent cross-licence", "特許を相互ライセンス": patents licensed, a deal
        events.setdefault("partnership", kinds["licence"])
    if "patent" in events:
        events.pop("product_launch", None)  # "granted a patent for a system in which a drone releases a parcel"
    if "acquisition" in events or "funding" in events:
        events.pop("partnership", None)  # "the deal values the company at ..."
    if "earnings" in weak_only and "acquisition" in events:
        events.pop("earnings", None)  # "продажу бизнеса", the sale of a business: not its sales figures
    merging = events.get("acquisition")
    if merging is not None and _OWN_UNITS.match(sentence.text, merging.start):
        events.pop("acquisition")  # "merges its food and grocery businesses": its own units, no company bought
    if "leadership" in events:
        events.pop("product_launch", None)  # "arriva un nuovo amministratore delegato": a new chief, not a product
        events.pop("acquisition", None)  # "übernimmt zum 1. Januar die Leitung": takes over a post, not a company
    if "funding" in events or ("product_launch" in events and _PAYOUT.search(sentence.text)):
        events.pop("product_launch", None)  # "launches a share sale", 上市: a listing, not a product; a buyback
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
    if "preview" in kinds and not apart(sentence.text, kinds["preview"], events.get("earnings")):
        # "to publish third-quarter results next week", "将于下周发布财报": results to come (their release no launch);
        # not "Inditex sales rise 8%; H&M reports next week", another clause's
        events.pop("earnings", None)
    return sorted(events.items(), key=lambda pair: pair[1].start)


def _sales_begin(sentence: Sentence) -> bool:
    """A weak results word beside a start ("판매를 시작한다", "satışına Mayıs ayında başlanacak") and no percentage:
    selling or deliveries that start, not figures of results."""
    if PERCENT.search(sentence.text):
        return False
    begins = [cue for cue in sentence.cues if cue.kind == "begin"]
    return any(
        _beside(sentence.text, weak, begin) for weak in sentence.cues if weak.kind == "earnings?" for begin in begins
    )


def _beside(text: str, a: Cue, b: Cue) -> bool:
    """Two cues of one clause at most _BEGIN_REACH characters apart (or overlapping)."""
    gap = text[min(a.end, b.end) : max(a.start, b.start)]
    return len(gap) <= _BEGIN_REACH and not _CLAUSE_END.search(gap)


def _shops_sold(sentence: Sentence) -> bool:
    """A count of shops or sites just after a sale: "договорилась о продаже 112 магазинов", "sells its 40 stores": a
    business sold (and not "sells in 112 stores", its goods)."""
    return any(
        _COUNT_BETWEEN.fullmatch(sentence.text[sell.end : outlet.start])
        for sell in sentence.cues
        if sell.kind == "sell"
        for outlet in sentence.cues
        if outlet.kind == "outlet" and outlet.start >= sell.end
    )


def _set_up(sentence: Sentence) -> bool:
    """A subsidiary or unit just after a build word: "sets up Kenyan subsidiary to sell air conditioners", "gründet
    eine Tochter": a company founded to sell, no business sold."""
    return any(
        0 <= asset.start - build.end <= _SET_UP_REACH
        for build in sentence.cues
        if build.kind == "build"
        for asset in sentence.cues
        if asset.kind == "asset"
    )
