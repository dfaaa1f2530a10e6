"""Rules heldout29's second reading taught, each on sentences of its own: two rumours (or two denials) of one company
are most often one report the market talks of; CLDR's bracketed names ("เมียนมา (พม่า)") are names without the
aside; a distributor's own country is not the one it sells in; Burmese "start selling in <country>" enters it; a
process patented is no lawsuit; a new chief alone in a sentence is an appointment; names behind a prefix
("nge-WhatsApp"), Vietnamese one-syllable country names after a preposition, sums in naira and trillions; an
authority halting an offering is legal action, and a report telling neither does not bridge the two; Hausa, Wolof,
Zulu and Xhosa headlines by their words; Gujarati plants."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.analyze_events import analyzer_of, events, story_facts
from watcher.analyze import ItemFacts, stories
from watcher.analyze.amounts import scaled_amounts
from watcher.analyze.language import detect_language
from watcher.analyze.signals import names
from watcher.analyze.story_fit import SAME_TELLING, fit

ANALYZER = analyzer_of(["Nokia", "Vodacom", "Orlen"])
MONDAY = datetime.now(UTC).replace(microsecond=0) - timedelta(days=6)


def facts(key: str, hours: int, title: str, summary: str = "", language: str = "en") -> ItemFacts:
    """What story grouping knows of an item published `hours` after Monday, from a feed of its own."""
    return story_facts(ANALYZER, MONDAY, key, hours, title, summary, language)


def test_two_rumours_of_one_company_pull_together() -> None:
    said = facts("said", 0, "Nokia is said to weigh bid for Chilean fibre operator", "No decision has been made.")
    again = facts("again", 9, "Nokia reportedly eyes offer for Chilean network firm", "Nokia declined to comment.")
    assert said.blocker == again.blocker == "rumour"
    plain = fit(replace(said, blocker=None), replace(again, blocker=None))
    assert fit(said, again) == pytest.approx(plain + SAME_TELLING)
    # A rumour and a denial are two tellings: no pull, the penalty of two kinds of report.
    denied = facts("denied", 12, "Nokia denies report it plans Chilean takeover")
    assert denied.blocker == "denial"
    assert fit(said, denied) < fit(replace(said, blocker=None), replace(denied, blocker=None))


def test_a_bracketed_cldr_name_is_a_name_without_its_aside() -> None:
    find = ANALYZER.markets.find
    assert [hit.code for hit in find("ขยายตลาดเมียนมา")] == ["MM"]  # CLDR: "เมียนมา (พม่า)"
    assert [hit.code for hit in find("навлиза в Мианмар")] == ["MM"]  # CLDR: "Мианмар (Бирма)"


def test_a_distributors_country_is_not_the_one_it_sells_in() -> None:
    # Thai: appoints a Vietnamese distributor, pushes into Laos.
    assert ("market_entry", "Nokia", "LA") in events(ANALYZER, "th", "Nokia ตั้งผู้จัดจำหน่ายเวียดนาม บุกลาว")
    assert ("market_entry", "Nokia", "VN") not in events(ANALYZER, "th", "Nokia ตั้งผู้จัดจำหน่ายเวียดนาม บุกลาว")
    deal = "Nokia signs distribution deal with Kenya's Savanna Ltd to sell its phones in Uganda"
    found = events(ANALYZER, "en", deal)
    assert ("market_entry", "Nokia", "UG") in found and ("market_entry", "Nokia", "KE") not in found


def test_burmese_selling_that_starts_in_a_country_enters_it() -> None:
    # "Nokia phones will start selling in Thailand"; the country before the verb, as Burmese puts it.
    assert ("market_entry", "Nokia", "TH") in events(ANALYZER, "my", "Nokia ဖုန်းများ ထိုင်းနိုင်ငံတွင် စတင်ရောင်းချမည်")


def test_a_process_patented_is_no_lawsuit() -> None:
    # Portuguese "processo" is a lawsuit and a process: after "patente ... para" it is what the patent is for.
    found = events(ANALYZER, "pt", "Nokia obtém patente na Índia para processo de fabricação de antenas")
    assert ("patent", "Nokia", None) in found and ("legal", "Nokia", None) not in found
    assert ("legal", "Nokia", None) in events(ANALYZER, "pt", "Nokia abre processo de patente contra a Vivo")


def test_a_new_chief_alone_in_a_sentence_is_an_appointment() -> None:
    assert ("leadership", "Orlen", None) in events(ANALYZER, "en", "Orlen shareholders approve new managing director")
    assert ("leadership", "Orlen", None) in events(ANALYZER, "id", "RUPS Orlen angkat Direktur Utama baru")
    # Beside another event the new chief is the one acting, no appointment.
    assert ("leadership", "Nokia", None) not in events(
        ANALYZER, "en", "Nokia to cut 2,000 jobs as new CEO reshapes the group"
    )
    assert ("leadership", "Orlen", None) in events(ANALYZER, "en", "Orlen confirms interim head as group CEO")


def test_a_name_behind_a_prefix_is_the_name() -> None:
    # Zulu and Xhosa noun-class prefixes, an Arabic article: the name the other languages write alone.
    assert {"instagram", "nokia"} <= names("UNokia wethula isevisi nge-Instagram e-Kenya, ku-Nokia")
    assert "jaber" in names("the al-Jaber family")
    assert "commerce" not in names("the e-commerce boom")  # a lower-case word behind it is no name


def test_a_word_that_makes_a_city_another_place_is_no_case_ending() -> None:
    find = ANALYZER.markets.find
    assert [hit.code for hit in find("a coal mine in Queensland")] == []  # not Queens (New York)
    assert [hit.code for hit in find("opened an office in Tallinnas")] == ["EE"]  # an Estonian case ending


def test_vietnamese_short_country_names_after_a_preposition() -> None:
    find = ANALYZER.markets.find
    assert [hit.code for hit in find("Nokia bán mảng mạng tại Úc")] == ["AU"]
    assert [hit.code for hit in find("xuất khẩu sang Mỹ")] == ["US"]
    assert [hit.code for hit in find("ở anh ấy")] == []  # lower case: a pronoun, no country
    assert ("acquisition", "Orlen", None) in events(ANALYZER, "vi", "Orlen bán cổ phần nhà máy lọc dầu tại Séc")


def test_sums_in_trillions_and_in_naira() -> None:
    assert scaled_amounts("Vodacom posts N2.4trn revenue") == {"2.4E+12"}
    assert scaled_amounts("Riba ta haura tiriliyan") == set()  # a scale word with no number is no amount
    assert scaled_amounts("Èrè Vodacom gòkè sí N2.4 tiriliọnu") == {"2.4E+12"}
    assert scaled_amounts("KSh 12bn bond") == {"1.2E+10"}


def test_an_offering_halted_by_an_authority_is_legal_action() -> None:
    found = events(ANALYZER, "en", "SEC suspends Vodacom rights issue over disclosure lapses")
    assert ("legal", "Vodacom", None) in found and ("funding", "Vodacom", None) not in found
    assert ("legal", "Orlen", None) in events(ANALYZER, "es", "La CNMV suspende la ampliación de capital de Orlen")
    # The company halting its own offering: no authority's act.
    assert ("legal", "Vodacom", None) not in events(ANALYZER, "en", "Vodacom halts rights issue amid market turmoil")


def test_a_report_telling_neither_does_not_bridge_an_offering_and_its_halt(monkeypatch: pytest.MonkeyPatch) -> None:
    offering = facts("offering", 0, "Vodacom launches rights issue", "Shareholders can buy one new share for five.")
    plain = replace(facts("plain", 3, "Vodacom rights issue: the details"), events=frozenset())
    halted = facts("halted", 48, "SEC suspends Vodacom rights issue over disclosure lapses")
    assert ("funding", "Vodacom") in offering.events and ("legal", "Vodacom") in halted.events
    # The report that tells neither reads like the suspension; the offering's report does not.
    fits = {("halted", "plain"): 0.8, ("halted", "offering"): 0.2, ("plain", "offering"): 0.8}
    monkeypatch.setattr(stories, "fit", lambda item, member: fits.get((item.key, member.key), 0.0))
    monkeypatch.setattr(stories, "agree", lambda item, member: False)
    book = stories.StoryBook()
    assert book.place(offering).key == book.place(plain).key == "offering"
    assert book.place(halted).key == "halted"
    # Told as no legal action, the same report joins.
    again = replace(halted, key="again", events=frozenset({("funding", "Vodacom")}))
    fits[("again", "plain")] = 0.8
    assert book.place(again).key == "offering"


def test_swahili_and_hausa_write_the_scale_before_the_number() -> None:
    assert scaled_amounts("Vodacom yapata faida ya shilingi bilioni 12") == {"1.2E+10"}
    assert scaled_amounts("Ribar Vodacom ta haura Naira biliyan 350") == {"3.5E+11"}
    assert scaled_amounts("to the million 5G users") == set()  # English: no scale before a number


def test_a_gujarati_plant_abroad_and_the_company_home() -> None:
    # "Nokia will set up a plant in Vietnam"; "Finnish company Nokia ... plant": Finland is its home, no entry.
    assert ("market_entry", "Nokia", "VN") in events(ANALYZER, "gu", "Nokia વિયેતનામમાં પ્લાન્ટ સ્થાપશે")
    assert events(ANALYZER, "gu", "ફિનિશ કંપની Nokia નવો પ્લાન્ટ સ્થાપશે") == set()


def test_headlines_in_languages_the_model_does_not_know() -> None:
    # Hausa: profit exceeded ... in nine months; Wolof: opens a bank in Dakar; Zulu and Xhosa behind a prefixed name,
    # which makes the model say English.
    assert detect_language("Ribar Vodacom ta haura Naira biliyan 90 a wata shida") == "ha"
    assert detect_language("Vodacom dafay ubbi banque ci Ndakaaru") == "wo"
    assert detect_language("I-Vodacom yethula ukubhanga nge-Instagram") == "zu"
    assert detect_language("I-Vodacom isungula ibhanki nge-Instagram") == "xh"
    assert detect_language("Mercedes E-Class review: the best saloon for motorway driving") == "en"


def test_a_turkish_share_move_names_the_exchange() -> None:
    # "Banks soared on Borsa Istanbul: Orlen rose 5%": a share move, no event; a listing there is funding still.
    bourse = facts("bourse", 0, "Borsa İstanbul'da bankalar uçtu: Orlen yüzde 5 yükseldi", language="tr")
    assert bourse.blocker == "stock" and not bourse.events
    assert ("funding", "Orlen", None) in events(ANALYZER, "tr", "Orlen Borsa İstanbul'da halka arz ediyor")


def test_launches_in_zulu_and_xhosa_and_a_yoruba_new_chief() -> None:
    assert ("product_launch", "Vodacom", None) in events(ANALYZER, "zu", "I-Vodacom yethula isevisi entsha")
    # Xhosa reads Zulu's cues too, as the detector may take one for the other.
    assert ("product_launch", "Vodacom", None) in events(ANALYZER, "xh", "I-Vodacom isungula inkonzo entsha")
    assert ("product_launch", "Vodacom", None) in events(ANALYZER, "xh", "I-Vodacom yethula inkonzo entsha")
    assert ("leadership", "Vodacom", None) in events(ANALYZER, "yo", "Vodacom yan ọ̀gá àgbà tuntun")


def test_a_chinese_listing_on_an_exchange_is_funding_not_a_launch() -> None:
    found = events(ANALYZER, "zh", "Nokia拟发行H股并在香港联交所主板上市，募集资金用于研发")
    assert ("funding", "Nokia", None) in found and ("product_launch", "Nokia", None) not in found
    assert ("product_launch", "Nokia", None) in events(ANALYZER, "zh", "Nokia新款手机正式上市")


def test_goods_bought_by_quantity_and_shares_bought_by_shareholders_are_no_takeover() -> None:
    supply = "Orlen will buy up to 400,000 tonnes a year of diesel from Vodacom under a five-year agreement"
    found = events(ANALYZER, "en", supply)
    assert ("acquisition", "Orlen", None) not in found and any(kind == "partnership" for kind, _name, _market in found)
    assert ("acquisition", "Orlen", None) in events(ANALYZER, "en", "Orlen to buy 30% of Vodacom's unit")
    lead = "Shareholders can buy one new share for every four held."
    offer = events(ANALYZER, "en", "Orlen launches rights issue", lead)
    assert ("acquisition", "Orlen", None) not in offer and ("funding", "Orlen", None) in offer
    assert ("acquisition", "Orlen", None) in events(ANALYZER, "en", "Orlen shareholders back plan to buy Vodacom unit")


def test_kyrgyz_javanese_and_malay_headlines_the_model_takes_for_their_neighbours() -> None:
    assert detect_language("Vodacom Өзбекстанга кирди: Ташкентте биринчи кеңсе") == "ky"
    assert detect_language("Vodacom открыла первый офис в Бишкеке") == "ru"
    assert detect_language("Orlen tuku saham 40 persen perusahaan pupuk") == "jv"
    assert detect_language("Orlen dan Vodacom tubuh usaha sama kitar semula bateri") == "ms"


def test_an_indonesian_report_said_to_be_is_a_rumour() -> None:
    said = facts("said", 0, "Orlen dikabarkan melirik pasar Vietnam, manajemen belum berkomentar", language="id")
    assert said.blocker == "rumour" and not said.events
