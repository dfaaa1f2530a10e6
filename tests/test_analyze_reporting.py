"""A summary's own account, without what opens it in real feeds: a wire dateline, a spokesperson's quote, the
headline again (watcher/analyze/reporting.py); and what an item's facts become with them (the analyzer)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watcher.analyze import Analyzer, ItemInput, analyze_items
from watcher.analyze.embed import Encoder
from watcher.analyze.perturb import MODES, perturb
from watcher.analyze.reporting import dateline_length, reporting_text
from watcher.config import EntityConfig

START = datetime.now(UTC) - timedelta(days=1)

QUOTED = [
    # (language, summary, what the outlet reports)
    ("en", "“We are very pleased with this step,” said a spokesperson. Volvo will build a plant in Kosice.",
     "Volvo will build a plant in Kosice."),
    ("en", "A spokeswoman said: \"This is an important milestone for Volvo.\" The plant opens in 2026.",
     "The plant opens in 2026."),
    ("de", "„Wir freuen uns sehr über diesen Schritt“, sagte ein Sprecher. Volvo baut ein Werk in Košice.",
     "Volvo baut ein Werk in Košice."),
    ("de", "Ein Sprecher sagte: „Wir wollen bis 2030 rund 40.000 Kunden erreichen.“ Volvo baut ein Werk.",
     "Volvo baut ein Werk."),
    ("fr", "« Nous visons 10 000 clients d'ici 2028 », a déclaré un porte-parole. Volvo ouvre une usine.",
     "Volvo ouvre une usine."),
    ("da", "»Vi er meget glade for dette skridt«, siger en talsperson. Volvo åbner en fabrik i Slovakiet.",
     "Volvo åbner en fabrik i Slovakiet."),
    ("sv", "”Vi är mycket glada över det här steget”, säger vd. Volvo bygger en fabrik i Slovakien.",
     "Volvo bygger en fabrik i Slovakien."),
    ("ru", "«Это важная веха для компании», — заявил генеральный директор. Volvo построит завод в Словакии.",
     "Volvo построит завод в Словакии."),
    ("ja", "「この一歩を大変うれしく思います」と社長は語った。ボルボはスロバキアに工場を建設する。",
     "ボルボはスロバキアに工場を建設する。"),
    ("zh", "“我们对这一步感到非常高兴，”一位发言人表示。沃尔沃将在斯洛伐克建厂。", "沃尔沃将在斯洛伐克建厂。"),
    ("ko", "“이번 조치에 매우 만족한다”라고 회사 대변인이 말했다. 볼보가 슬로바키아에 공장을 짓는다.",
     "볼보가 슬로바키아에 공장을 짓는다."),
    ("he", "\"אנחנו מרוצים מאוד מהצעד הזה,\" אמר המנכ\"ל. וולוו תקים מפעל בסלובקיה.", "וולוו תקים מפעל בסלובקיה."),
    ("ar", "«نحن سعداء جدا بهذه الخطوة» قال متحدث باسم الشركة. فولفو تبني مصنعا في سلوفاكيا.",
     "فولفو تبني مصنعا في سلوفاكيا."),
    # After the news, in a summary that keeps its HTML: the paragraph's end is the sentence's.
    ("en", "<p>Volvo will build a plant in Kosice.</p> “We expect to reach 10,000 customers by 2027,” the chief "
     "executive said.", "<p>Volvo will build a plant in Kosice.</p>"),
    ("el", "Η Volvo θα χτίσει εργοστάσιο στη Σλοβακία. «Είναι σημαντικό ορόσημο για την Volvo,» είπε ο διευθύνων "
     "σύμβουλος. Η παραγωγή ξεκινά το 2026.", "Η Volvo θα χτίσει εργοστάσιο στη Σλοβακία. Η παραγωγή ξεκινά το 2026."),
]  # fmt: skip


@pytest.mark.parametrize(("language", "summary", "reported"), QUOTED, ids=[row[0] for row in QUOTED])
def test_a_quote_with_its_attribution_is_not_the_outlets_account(language: str, summary: str, reported: str) -> None:
    assert reporting_text(summary) == reported


@pytest.mark.parametrize(
    "summary",
    [
        "“Ozon” onlayn ticarət platforması Azərbaycan bazarına daxil olub.",  # a name in quotes, not speech
        "«Эйр Астана» авиакомпаниясы Алматы – Ереван бағыты бойынша ұшады.",
        "Volvo said it would “double output in the next two years” at its plant in Ghent, its largest in Europe.",
        "「トヨタ」ブランドの新型車を発表した。",
        "Domino's opened its first store in Baku; the chain's partner runs 12 outlets in Georgia.",
    ],
)
def test_names_in_quotes_and_quotes_the_outlet_reports_around_stay(summary: str) -> None:
    assert reporting_text(summary) == summary


def test_a_lead_that_is_only_a_quote_stays_the_lead() -> None:
    # Nothing else is said: the quote is then all there is to read.
    summary = "“We will open our first store in Kenya in March,” the chief executive said."
    assert reporting_text(summary) == summary


@pytest.mark.parametrize(
    ("summary", "reported"),
    [
        ("PARIS (Reuters) - Volvo said on Monday it would cut 3,000 jobs.", "Volvo said on Monday"),
        ("FRANKFURT, March 3 (Reuters) - Volvo bought a Slovak supplier.", "Volvo bought"),
        ("Milano (ANSA) - Volvo apre una fabbrica.", "Volvo apre"),
        ("SAO PAULO — Volvo abre fábrica no Brasil.", "Volvo abre"),
        ("МОСКВА, 3 марта. /ТАСС/. Volvo уходит из России.", "Volvo уходит"),
        ("دبي (رويترز) - فولفو تفتتح مصنعا.", "فولفو"),
        ("(서울=연합뉴스) 볼보가 한국에 진출한다.", "볼보가"),
        ("【東京＝共同】ボルボは日本に進出する。", "ボルボは"),
        ("新华社北京3月3日电 沃尔沃宣布在华建厂。", "沃尔沃"),
    ],
)
def test_a_wire_dateline_is_skipped(summary: str, reported: str) -> None:
    assert reporting_text(summary).startswith(reported)


@pytest.mark.parametrize(
    "summary",
    [
        "Volvo (VOLV-B.ST) shares rose 3% after results.",  # a ticker, then no dash
        "Volvo Cars (Sweden) is to cut 3,000 jobs.",
        "The EU - China talks on tariffs went on.",
    ],
)
def test_a_lead_without_a_dateline_keeps_its_start(summary: str) -> None:
    assert dateline_length(summary) == 0


def test_a_summary_that_repeats_the_headline_is_absent() -> None:
    title = "Volvo to build its first plant in Slovakia"
    assert reporting_text(f"{title}  Reuters", title, "Reuters") == ""  # Google News: the headline and the outlet
    assert reporting_text(f"{title}.", title, "Reuters") == ""
    assert reporting_text(f"{title}. The plant in Kosice opens in 2026.", title) == "The plant in Kosice opens in 2026."
    assert reporting_text("Volvo builds a plant in Kosice.", title) == "Volvo builds a plant in Kosice."


VOLVO = EntityConfig.model_validate({"name": "Volvo", "aliases": ["Volvo", "ボルボ", "沃尔沃"]})


def _analysed(rows: list[tuple[str, str, str, str, str]]) -> dict[str, object]:
    analyzer = Analyzer([VOLVO], encoder=Encoder(enabled=False))
    items = [ItemInput(key, title, summary, published=START + timedelta(hours=n), feed=feed, language=language)
             for n, (key, language, title, summary, feed) in enumerate(rows)]  # fmt: skip
    return {analysis.id: analysis for analysis in analyze_items(analyzer, items)}


def test_an_items_facts_come_from_the_reporting_text_not_the_quote() -> None:
    found = _analysed([
        ("plain", "en", "Volvo to build plant in Slovakia", "The carmaker will invest in a factory in Kosice.", "A"),
        ("quoted", "en", "Volvo to build plant in Slovakia",
         "“We expect to reach 250,000 customers in Mexico by 2030,” said a spokesperson. "
         "The carmaker will invest in a factory in Kosice.", "B"),
    ])  # fmt: skip
    plain, quoted = found["plain"].facts, found["quoted"].facts  # type: ignore[attr-defined]
    # The quote's figure and country are not the item's: the two reports tell one event.
    assert quoted.signals.figures == plain.signals.figures
    assert quoted.places == plain.places == frozenset({"SK"})
    assert found["plain"].story == found["quoted"].story  # type: ignore[attr-defined]


def test_the_event_read_after_a_quote_and_a_dateline_is_the_leads() -> None:
    found = _analysed([
        ("ja", "ja", "ボルボ、新工場", "【東京＝共同】「この一歩を大変うれしく思います」と社長は語った。"
         "ボルボはスロバキアに工場を建設し、欧州で生産を始める。", "共同"),
    ])  # fmt: skip
    evidence = [event.evidence for event in found["ja"].events]  # type: ignore[attr-defined]
    assert all("社長は語った" not in text and "東京" not in text for text in evidence)


@pytest.mark.parametrize("mode", MODES)
def test_the_perturbations_are_deterministic_and_keep_the_labels(mode: str) -> None:
    row = {"id": "d01-de", "lang": "de", "published": START.isoformat(), "feed": "Handelsblatt",
           "title": "Volvo baut ein Werk in der Slowakei", "summary": "Das Werk in Košice soll 2026 öffnen.",
           "story": "d01", "events": [{"type": "market_entry", "entity": "Volvo", "market": "SK"}]}  # fmt: skip
    once, again = perturb(row, mode, ["Volvo"]), perturb(dict(row), mode, ["Volvo"])
    assert once == again and once["summary"] != row["summary"]
    assert {key: value for key, value in once.items() if key != "summary"} == {
        key: value for key, value in row.items() if key != "summary"
    }
    # What the analysis reads of it is the lead again, or nothing where the summary was the headline.
    assert reporting_text(once["summary"], row["title"], row["feed"]) in ("Das Werk in Košice soll 2026 öffnen.", "")


def test_a_summary_in_title_case_with_a_weak_results_cue_is_read() -> None:
    # Google News writes summaries as headlines: "Second-Quarter" read as a name set its weak results cue aside, and
    # the figure beside it then raised KeyError and stopped the whole batch.
    found = _analysed([
        ("gn", "en", "Volvo results: what analysts say",
         "Volvo Second-Quarter Profit Falls 8% as Cheap Imports Weigh on Prices  Bloomberg", "Google News"),
    ])  # fmt: skip
    assert found["gn"].entities == ["Volvo"]  # type: ignore[attr-defined]
