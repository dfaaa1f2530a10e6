"""Rules heldout29's mistakes taught, each on sentences of its own: a sequel is a story of its own (a chief leaving,
then the successor named; a deal, then the authorities' probe of it; a deal with one partner, then one with
another), an update of one event is not; in a verb-last language an IPO or a launch named before its company is the
company's; entering mass production is no market entry, "llega dos días después" no launch; a Chinese headline naming
a model in Latin letters is Chinese, "dos días" Spanish, tone marks on two vowels of a word Yoruba; "pact" is a deal,
"qué esperar" a results preview, 澄清 a denial, Thai ปรับเพิ่ม (revises up) no fine, Arabic تشيد مصنعا a plant
built; the labelled sets are read as the feed parser gives their text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.analyze_events import analyzer_of, events
from watcher.analyze import ItemFacts, ItemInput, analyze_items
from watcher.analyze.evaluation import load_labelled
from watcher.analyze.language import detect_language
from watcher.analyze.story_fit import VETO, agree, fit, legal_sequel, other_partner
from watcher.analyze.succession import LEAVES, NAMED, succession

ANALYZER = analyzer_of(["Nokia", "Vodacom", "Orlen", "Renault"])
MONDAY = datetime.now(UTC).replace(microsecond=0) - timedelta(days=6)


def kinds(language: str, title: str, summary: str = "") -> set[tuple[str, str]]:
    return {(kind, entity) for kind, entity, _market in events(ANALYZER, language, title, summary)}


def facts(key: str, hours: int, title: str, summary: str = "") -> ItemFacts:
    """What story grouping knows of an English item published `hours` after Monday, from a feed of its own."""
    item = ItemInput(key, title, summary, published=MONDAY + timedelta(hours=hours), feed=key, language="en")
    (result,) = analyze_items(ANALYZER, [item])
    return result.facts


def test_a_chief_leaving_and_one_named_two_days_later_are_two_stories() -> None:
    leaves = facts("leaves", 0, "Orlen CEO to step down after six years", "He will stay until a successor is found.")
    named = facts("named", 49, "Orlen names new CEO", "Orlen appointed its finance chief as chief executive.")
    assert fit(leaves, named) == VETO and not agree(leaves, named)
    # Told within hours of each other, a departure and the successor are one announcement.
    named_at_once = facts("at-once", 2, "Orlen names new CEO", "Orlen appointed its finance chief as chief executive.")
    assert fit(leaves, named_at_once) > VETO and agree(leaves, named_at_once)
    # A later report of the departure alone is no successor.
    assert fit(leaves, facts("again", 30, "Orlen chief executive resigns", "He resigned on Monday.")) > VETO


def test_a_departure_told_with_its_successor_is_one_side() -> None:
    assert succession("Sandvik CEO to step down after six years; stays until a successor is found") == LEAVES
    # Recalling the departure, the report of the appointment is the appointment.
    assert succession("Board names new chief two days after predecessor resigned") == NAMED
    assert succession("Orlen reports results") is None
    # Spanish and Portuguese "designa" is an appointment; English "design" is a post's name, not one.
    assert succession("Acme's chief design officer steps down") == LEAVES
    assert succession("Acme designa a Ana López consejera delegada") == NAMED
    # The cue tables' words of leaving count too, in their languages.
    assert succession("Le PDG quittera ses fonctions", {"leave"}) == LEAVES


def test_a_probe_of_a_deal_is_a_story_of_its_own() -> None:
    deal = facts("deal", 0, "Nokia signs 5G network deal with Vodacom", "Nokia will upgrade Vodacom's network.")
    probe = facts(
        "probe",
        50,
        "Regulator probes Nokia's 5G network deal with Vodacom",
        "The competition commission opened an investigation into the agreement.",
    )
    assert ("legal", "Nokia") in probe.events and ("partnership", "Nokia") in deal.events
    assert legal_sequel(probe, deal) and not legal_sequel(deal, probe)
    assert not agree(deal, probe)
    # Two reports of one lawsuit are no sequel of each other.
    again = facts("again", 53, "Nokia's Vodacom deal under investigation", "The regulator opened an investigation.")
    assert ("legal", "Nokia") in again.events and not legal_sequel(probe, again)


def test_a_deal_with_another_partner_is_another_story() -> None:
    with_vodacom = facts("vodacom", 0, "Vodacom signs ten-year network contract with Nokia", "Signed on Monday.")
    with_other = facts(
        "other", 40, "Nokia signs network contract with Safaricom", "Nokia will supply radio gear under the contract."
    )
    assert {("partnership", "Nokia"), ("partnership", "Vodacom")} <= with_vodacom.events
    assert ("partnership", "Nokia") in with_other.events
    assert other_partner(with_vodacom, with_other) and not agree(with_vodacom, with_other)
    # A report of the same deal names both partners.
    same = facts("same", 4, "Nokia wins Vodacom network contract", "Nokia signed a ten-year contract with Vodacom.")
    assert not other_partner(with_vodacom, same)


def test_a_verb_last_language_names_the_ipo_before_its_company() -> None:
    assert ("funding", "Nokia") in kinds("mr", "नव्या आयपीओसाठी Nokia चा मसुदा प्रस्ताव दाखल")
    assert ("product_launch", "Nokia") in kinds("hi", "नया फोन लॉन्च: Nokia ने बाजार में उतारा")
    # Not a patent dispute ruled in the company's favour.
    assert ("patent", "Nokia") not in kinds("hi", "पेटेंट विवाद: अदालत ने Nokia के पक्ष में फैसला सुनाया")


def test_entering_mass_production_is_no_market_entry() -> None:
    assert ("market_entry", "Renault") not in kinds(
        "en", "Renault's new van enters mass production in Morocco", "Output starts at the Tangier plant."
    )
    assert ("market_entry", "Renault") in kinds("en", "Renault enters Morocco with a new van")


def test_news_that_comes_days_after_other_news_is_no_launch() -> None:
    assert ("product_launch", "Orlen") not in kinds(
        "es", "Orlen nombra nuevo presidente", "La designación llega dos días después de la renuncia de su antecesor."
    )
    assert ("product_launch", "Renault") in kinds(
        "es", "Renault presenta el nuevo Clio, que llega tras dos años de espera"
    )
    assert ("product_launch", "Renault") in kinds("es", "Renault llega con el nuevo Clio")


def test_languages_of_short_headlines() -> None:
    assert detect_language("诺基亚发布628Ah储能电芯") == "zh"
    assert (
        detect_language("Gobierno nombra a exministra como presidenta. Llega dos días después de la renuncia.") == "es"
    )
    assert detect_language("Èrè Vodacom gòkè sí tiriliọnu") == "yo"
    assert detect_language("SEC dá títa ìpín Vodacom dúró") == "yo"
    # One accent a word is Spanish's, Catalan's, Italian's.
    assert detect_language("La comisión sancionó a la compañía por prácticas ilegales") == "es"


def test_cues_heldout29_taught() -> None:
    assert ("partnership", "Nokia") in kinds("en", "Nokia, Vodacom sign pact to build a 5G factory network")
    assert kinds("es", "Qué esperar de los resultados de Orlen a septiembre") == set()
    assert kinds("zh", "诺基亚澄清：未获沃达丰网络订单") == set()
    assert ("legal", "Nokia") not in kinds("th", "Nokia ปรับเพิ่มคาดการณ์กำไรทั้งปี")
    assert ("legal", "Nokia") in kinds("th", "กสทช. สั่งปรับ Nokia 10 ล้านบาท")
    # Arabic "تشيد مصنعا" (erects a plant: the verb, the noun's accusative) builds abroad.
    assert ("market_entry", "Renault", "EG") in events(ANALYZER, "ar", "Renault الفرنسية تشيد مصنعا للسيارات في مصر")


def test_labelled_items_are_read_as_the_feed_parser_gives_them(tmp_path: Path) -> None:
    row = {
        "id": "g1",
        "title": "Nokia wins Vodacom deal",
        "summary": '<a href="https://news.google.com/rss/articles/CBMi12ab?oc=5">Nokia wins Vodacom deal</a>'
        '&nbsp;&nbsp;<font color="#6f6f6f">Reuters</font>',
    }
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    (loaded,) = load_labelled(path)
    assert "href" not in loaded["summary"] and "6f6f6f" not in loaded["summary"]
    assert loaded["summary"].startswith("Nokia wins Vodacom deal")
