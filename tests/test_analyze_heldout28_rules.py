"""Rules heldout28's mistakes taught, each on sentences of its own: a round-up headline (what several companies did,
one clause each) is a story of its own and joins none of the stories it lists; names and figures written next to
Han, kana or Hangul letters are read; a scale character before Latin letters ("240萬TEU") is a scale; a lead goes on
about the headline's company only where the headline names it in its first clause; Hungarian "értesülés" (a press
report) marks a rumour; a launch naming none of a launch story's figures and names is another product; Russian
sales that start ("Продажи ... стартуют") are no results; a hundredth site ("setny oddział", "100. oddział") is no
first; Polish "obecny w" (present in) a country marks a site there as no entry; a summary keeping its HTML is read as
its visible text; a sum with its scale glued on ("€1.4bn") is no name; "Atlantic" is no Atlanta; an airline's route
launched is no product; Malay and Uzbek in Latin letters, which the detector takes for Turkish, are told apart by
their words and letters; a live blog's entries, a period then a time, are sentences of their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.analyze_events import analyzer_of, events
from watcher.analyze import ItemInput, analyze_items
from watcher.analyze.amounts import scaled_amounts
from watcher.analyze.analyzer import split_sentences
from watcher.analyze.language import detect_language
from watcher.analyze.markets import market_finder
from watcher.analyze.roundups import is_roundup
from watcher.analyze.sentences import Party, Sentence
from watcher.analyze.signals import figures, names

ANALYZER = analyzer_of(["Nokia", "Vodacom", "Tesla", "Orlen", "Renault"])
MONDAY = datetime.now(UTC).replace(microsecond=0) - timedelta(days=5)


def kinds(language: str, title: str, summary: str = "") -> set[tuple[str, str]]:
    return {(kind, entity) for kind, entity, _market in events(ANALYZER, language, title, summary)}


def title(text: str, *companies: str) -> Sentence:
    parties = tuple(Party(name, text.index(name), text.index(name) + len(name)) for name in companies)
    return Sentence(0, text, parties, (), ())


def test_a_headline_listing_what_several_companies_did_is_a_round_up() -> None:
    assert is_roundup(title("Business digest: Renault cuts jobs; Nokia names a finance chief", "Renault", "Nokia"))
    assert is_roundup(
        title(
            "Market wrap: Tesla recalls cars, Orlen buys a refinery, Vodacom raises prices", "Tesla", "Orlen", "Vodacom"
        )
    )
    # One act of two companies, or of three named in a row, is one story.
    assert not is_roundup(title("Renault, Nokia sign a connected-car deal", "Renault", "Nokia"))
    assert not is_roundup(title("Tesla, Orlen, Vodacom join a charging alliance", "Tesla", "Orlen", "Vodacom"))
    assert not is_roundup(title("Nokia cuts 900 jobs; union calls a strike", "Nokia"))
    # A deal of two companies is one clause of a round-up.
    assert is_roundup(title("Briefing: Vodacom, Nokia sign deal; Orlen names CEO", "Vodacom", "Nokia", "Orlen"))


def test_a_round_up_joins_none_of_the_stories_it_lists() -> None:
    def item(key: str, hours: int, title: str, summary: str) -> ItemInput:
        return ItemInput(key, title, summary, published=MONDAY + timedelta(hours=hours), feed=key, language="en")

    items = [
        item(
            "deal",
            0,
            "Vodacom signs 5G network deal with Nokia",
            "Vodacom agreed with Nokia to upgrade its 5G radio network in 12 provinces, the operator said on Monday.",
        ),
        item(
            "digest",
            3,
            "Morning briefing: Vodacom signs 5G network deal with Nokia; Orlen names new CEO",
            "Vodacom agreed with Nokia to upgrade its 5G radio network in 12 provinces. Orlen appointed a new chief "
            "executive.",
        ),
        item(
            "deal-again",
            5,
            "Nokia wins Vodacom 5G radio network upgrade",
            "Nokia will upgrade Vodacom's 5G radio network in 12 provinces under the agreement.",
        ),
        item("ceo", 6, "Orlen names new CEO", "Orlen appointed a new chief executive on Monday."),
    ]
    story = {result.id: result.story for result in analyze_items(ANALYZER, items)}
    assert story["digest"] not in (story["deal"], story["ceo"])
    assert story["deal"] == story["deal-again"] != story["ceo"]


def test_names_and_figures_next_to_cjk_letters() -> None:
    assert names("特斯拉发布Cybercab车型，售价29999元") == {"cybercab"}
    assert figures("特斯拉发布Cybercab车型，售价29999元") == {"29999"}
    assert figures("テスラが新型モデル1500台を出荷") == {"1500"}
    assert figures("르노가 전기차 450대를 인도했다") == {"450"}
    # Elsewhere a number inside a word is still none ("A350" is a name, not 350).
    assert figures("Airbus A350 deliveries") == frozenset()


def test_a_scale_character_before_latin_letters() -> None:
    assert scaled_amounts("年產能提升至120萬TEU", "zh") == {"1.2E+6"}
    assert scaled_amounts("投资30亿USD", "zh") == {"3E+9"}
    # A Latin scale word still needs its end: "2 millionsx" is no sum.
    assert scaled_amounts("2 millionsx", "fr") == frozenset()


def test_a_lead_goes_on_about_the_company_of_the_headlines_first_clause() -> None:
    # The headline names Nokia only after its first clause: the deal of the lead is the operator's with another.
    assert ("partnership", "Nokia") not in kinds(
        "en",
        "Operator picks Ericsson for 5G – Nokia gear to be removed",
        "The operator signed a contract with Ericsson to renew its radio network.",
    )
    # Named in the first clause, it is the one the lead goes on about.
    assert ("partnership", "Nokia") in kinds(
        "en",
        "Nokia picked for 5G upgrade – Ericsson loses out",
        "The Finnish group signed a contract with an Indonesian operator to renew its radio network.",
    )


def test_hungarian_press_report_is_a_rumour() -> None:
    assert kinds("hu", "Értesülés: gyárat építhet a Tesla Lengyelországban") == set()
    assert kinds("hu", "Gyárat épít a Tesla Lengyelországban") == {("market_entry", "Tesla")}


def test_a_launch_naming_none_of_a_launch_storys_figures_is_another_product() -> None:
    def item(key: str, hours: int, language: str, title: str, summary: str) -> ItemInput:
        return ItemInput(key, title, summary, published=MONDAY + timedelta(hours=hours), feed=key, language=language)

    items = [
        item("phone", 0, "en", "Nokia unveils X500 phone", "Nokia unveiled the X500 with a 6200 mAh battery."),
        # A report naming no figure, in a language nothing compares with English: it joins by the launch alone.
        item("phone-de", 3, "de", "Nokia stellt neues Smartphone vor", "Nokia hat am Montag ein Smartphone gezeigt."),
        # Two days on, another launch of Nokia's: its figures and names are none of the phone's.
        item("radio", 48, "es", "Nokia presenta el módulo AirScale 7700", "El módulo AirScale 7700 llegará en 2027."),
        # A report of the phone naming one of its figures still joins it.
        item("phone-fr", 20, "fr", "Nokia présente le X500", "Le X500 de Nokia a une batterie de 6200 mAh."),
    ]
    story = {result.id: result.story for result in analyze_items(ANALYZER, items)}
    assert story["phone"] == story["phone-de"] == story["phone-fr"]
    assert story["radio"] != story["phone"]


def test_a_launchs_price_and_its_range_tell_one_product() -> None:
    # Models are numbered with whole numbers; a price with decimals against a range is one launch told twice.
    def item(key: str, hours: int, title: str, summary: str) -> ItemInput:
        return ItemInput(key, title, summary, published=MONDAY + timedelta(hours=hours), feed=key, language=key)

    items = [
        item("de", 0, "Renault stellt neues Elektro-SUV vor", "Es fährt bis zu 500 km."),
        item("en", 2, "Renault launches new electric SUV", "It costs Rs 17.5 lakh."),
    ]
    story = {result.id: result.story for result in analyze_items(ANALYZER, items)}
    assert story["de"] == story["en"]


def test_russian_sales_that_start_are_no_results() -> None:
    # What is sold and where stand between "Продажи" and the plural "стартуют": sales that begin, priced.
    assert ("earnings", "Nokia") not in kinds(
        "ru",
        "Nokia представила смартфон X500",
        "Продажи нового смартфона в России стартуют 1 декабря, цена составит 49 990 рублей.",
    )
    assert ("earnings", "Nokia") not in kinds(
        "ru", "Nokia представила смартфон X500", "Продажи в Европе начнутся в декабре по цене 499 евро."
    )
    # Sales that grew are results.
    assert ("earnings", "Nokia") in kinds("ru", "Продажи Nokia в третьем квартале выросли до 4,2 млрд евро")


def test_a_numbered_site_is_no_first() -> None:
    # A hundredth branch, in words or digits, is no entry; the first is.
    assert kinds("pl", "Orlen otworzył setny oddział w Czechach") == set()
    assert kinds("pl", "Orlen otworzył 100. oddział w Czechach") == set()
    assert kinds("pl", "Orlen otworzył pierwszy oddział w Czechach") == {("market_entry", "Orlen")}


def test_polish_present_in_a_country_is_no_entry_there() -> None:
    # "obecny w Czechach od 2021 roku": already there, so a new office there is no entry.
    assert ("market_entry", "Orlen") not in kinds(
        "pl",
        "Orlen otwiera oddział w Brnie",
        "Koncern, obecny w Czechach od 2021 roku, otworzył oddział w Brnie.",
    )
    assert ("market_entry", "Orlen") in kinds(
        "pl",
        "Orlen otwiera oddział w Brnie",
        "Koncern, obecny w Niemczech od 2021 roku, otworzył pierwszy oddział w Czechach, w Brnie.",
    )


def test_a_summary_keeping_its_html_is_read_as_its_visible_text() -> None:
    # A news aggregator's summary: the headline as a link, the outlet in a coloured font.
    summary = (
        '<a href="https://news.example.com/rss/articles/CBMiq7Zx9" target="_blank">Renault cuts 900 jobs at Flins</a>'
        '&nbsp;&nbsp;<font color="#6f6f6f">Le Monde</font>'
    )
    (result,) = analyze_items(ANALYZER, [ItemInput("x", "Renault cuts 900 jobs at Flins", summary, language="en")])
    assert not {"cbmiq7zx9", "6f6f6f", "_blank"} & result.facts.signals.names
    assert ("layoffs", "Renault") in {(event.type, event.entity) for event in result.events}


def test_a_sum_with_its_scale_glued_on_is_no_name() -> None:
    assert names("Renault agrees €1.4bn sale of its van unit") == set()
    assert names("Orlen raises $10bn and 3.5mn shares") == set()
    # Names with digits stay names.
    assert names("Tesla Model 3 and the Airbus A350, 4K screens") == {"model", "airbus", "a350", "4k"}


def test_the_atlantic_is_no_atlanta() -> None:
    finder = market_finder()
    assert finder.find("Renault ships its first vans across the Atlantic") == []
    assert [hit.code for hit in finder.find("Renault opens an office in Atlanta")] == ["US"]
    assert [hit.code for hit in finder.find("Orlen otworzył biuro w Warszawie")] == ["PL"]  # a case ending still


def test_a_route_launched_is_no_product() -> None:
    airline = analyzer_of(["Finnair"])
    launches = {("product_launch", "Finnair", None)}
    assert not launches & events(airline, "en", "Finnair to launch Helsinki–Dallas, its first European route to Texas")
    assert not launches & events(airline, "en", "Finnair launches direct flights to Dallas")
    assert launches & events(airline, "en", "Finnair launches a new loyalty app")


def test_malay_and_uzbek_are_not_turkish() -> None:
    assert detect_language("Maxis beli 30% pengendali bir Laos bernilai AS$120 juta") == "ms"
    assert detect_language("Kumpulan itu memperoleh kilang bir pertamanya di Laos.") == "ms"
    assert detect_language("Korzinka Olmaotada ilk do'konini ochdi — bu kompaniyaning birinchi xorijiy bozori.") == "uz"
    # Turkish stays Turkish.
    assert detect_language("Türk Telekom yeni bir veri merkezi açtı ve ilk müşterisini duyurdu") == "tr"
    assert detect_language("Koç Holding bu yıl 3 milyar dolar yatırım yapacak") == "tr"


def test_a_live_blogs_entries_are_sentences_of_their_own() -> None:
    # A period after a word, then an entry's time: a new sentence, where the HTML that parted them is gone.
    assert split_sentences("Nokia named a finance chief. 16:12 Orlen filed a trademark. 15:55 Tesla was fined.") == [
        "Nokia named a finance chief.",
        "16:12 Orlen filed a trademark.",
        "15:55 Tesla was fined.",
    ]
    # Not after a short abbreviation nor a number's own period.
    assert len(split_sentences("Sales reached Rs. 500 crore at plant No. 5 in Pune.")) == 1


def test_a_quote_taken_out_of_html_leaves_its_blocks_apart() -> None:
    # Blocks with no period of their own: the tags part them, so the HTML goes after the quote is taken out (which
    # joins what is left with spaces).
    summary = (
        "“We expect to reach 10,000 customers by 2027,” a company spokeswoman told reporters. <ul><li><b>16:40</b> "
        "Nokia has appointed Anna Berg as chief financial officer</li><li><b>16:12</b> Orlen has filed an application "
        "to register an EU trademark</li></ul>"
    )
    (result,) = analyze_items(ANALYZER, [ItemInput("x", "Business live", summary, language="en")])
    assert {(event.type, event.entity) for event in result.events} == {("leadership", "Nokia"), ("patent", "Orlen")}
