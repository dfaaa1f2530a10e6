"""Who does what: verbs whose subject is not the tracked company (issue 11). Shoppers buying goods on a company's
platform are no acquisition by it; the deal that lets them is a partnership of both companies."""

from __future__ import annotations

import pytest

from watcher.analyze import Analyzer, analyze_items
from watcher.analyze.analyzer import ItemInput
from watcher.config import EntityConfig

CASES = [
    (
        "en",
        "Vodafone and Maersk have signed a deal that lets shoppers on Vodafone's app buy from retailers in Europe",
        {("partnership", "Vodafone"), ("partnership", "Maersk")},
    ),
    ("de", "Kunden von Vodafone können künftig im Shop von Maersk kaufen", set()),
    ("en", "Vodafone agreed to buy Maersk's logistics arm", {("acquisition", "Vodafone")}),
    ("sw", "Wateja wa Vodafone sasa wataweza kununua bidhaa kutoka Maersk", set()),
    # Goods bought from a company ("from", a case ending): it sells them, no acquisition of its own.
    ("tr", "TCDD, Maersk'ten 20 lokomotif satın alıyor", set()),
    ("kk", "ҚТЖ Maersk-ден 150 тепловоз сатып алады", set()),
    ("ja", "JR東日本、Maerskから車両100両を購入", set()),
    ("ru", "РЖД купит у Maersk 20 локомотивов", set()),
    ("ja", "MaerskがVodafoneの物流部門を買収", {("acquisition", "Maersk")}),
    # heldout20: becoming the majority owner is buying control (da, sv, no).
    ("da", "Maersk bliver majoritetsejer af vietnamesisk bryggeri", {("acquisition", "Maersk")}),
    ("sv", "Maersk blir majoritetsägare i det finska rederiet", {("acquisition", "Maersk")}),
    ("no", "Maersk blir majoritetseier i det norske rederiet", {("acquisition", "Maersk")}),
]


@pytest.mark.parametrize(("language", "title", "events"), CASES)
def test_customers_buying_are_no_acquisition(language: str, title: str, events: set[tuple[str, str]]) -> None:
    analyzer = Analyzer([EntityConfig.model_validate({"name": name}) for name in ("Vodafone", "Maersk")])
    (result,) = analyze_items(analyzer, [ItemInput(id="x", title=title, language=language)])
    assert {(event.type, event.entity) for event in result.events} == events


LEAD_CASES = [
    # A name with a cue word in it, inside a sentence; a capitalised cue opening a headline still counts.
    ("en", "Vodafone adds Nairobi route", "Vodafone is a Star Alliance member since 2011.", set()),
    ("en", "Vodafone and Maersk form alliance", "", {("partnership", "Vodafone"), ("partnership", "Maersk")}),
    # A day or month written with its number in CJK is a date, not the figure a weak results cue needs.
    ("ja", "Vodafone、インドで端末販売", "Vodafoneは8日、6月から販売を始める。", set()),
    # A patent describing what a system does; a probe of a past takeover.
    (
        "en",
        "Vodafone granted patent",
        "Vodafone was granted a patent for a drone that releases a parcel.",
        {("patent", "Vodafone")},
    ),
    (
        "en",
        "Regulator fines Vodafone",
        "The fine relates to its 2020 takeover of Maersk's unit.",
        {("legal", "Vodafone")},
    ),
    # A contract a probe looks into is no deal made.
    (
        "en",
        "EU opens subsidy probe into Vodafone's metro bid",
        "The Commission opened an investigation into a bid by a Vodafone unit for a €450 million contract.",
        {("legal", "Vodafone")},
    ),
    # Sales or deliveries that start are no results; a percentage still makes them results.
    ("en", "Vodafone to sell phones through 20 dealers", "Deliveries begin in January with 20 dealers.", set()),
    (
        "id",
        "Vodafone gandeng 20 diler",
        "Penjualan dimulai pada kuartal keempat dengan 20 diler.",
        {("partnership", "Vodafone")},
    ),
    ("en", "Vodafone deliveries rose 12% in the quarter", "Deliveries began in January.", {("earnings", "Vodafone")}),
    # A dividend raised is paid out, not money raised.
    ("en", "Vodafone raised its dividend by 12%", "", set()),
    # Patents licensed to one another are a deal; a cash-flow target raised is guidance; a service's name.
    (
        "en",
        "Vodafone, Maersk agree global patent cross-licence",
        "",
        {("partnership", "Vodafone"), ("partnership", "Maersk")},
    ),
    ("ja", "VodafoneとMaersk、特許を相互ライセンス", "", {("partnership", "Vodafone"), ("partnership", "Maersk")}),
    ("en", "Vodafone raises free cash flow target", "It now expects 800 million euros.", {("earnings", "Vodafone")}),
    ("en", "Vodafone adds buy now, pay later option", "", set()),
]


@pytest.mark.parametrize(("language", "title", "summary", "events"), LEAD_CASES)
def test_names_dates_patents_and_probes(language: str, title: str, summary: str, events: set[tuple[str, str]]) -> None:
    analyzer = Analyzer([EntityConfig.model_validate({"name": name}) for name in ("Vodafone", "Maersk")])
    (result,) = analyze_items(analyzer, [ItemInput(id="x", title=title, summary=summary, language=language)])
    assert {(event.type, event.entity) for event in result.events} == events
