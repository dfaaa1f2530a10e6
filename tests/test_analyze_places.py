"""Cities and regions for their countries, and a company arriving in one: the general rules heldout5's mistakes
taught (a city named instead of its country, movement and start verbs in many languages), with what they must not
catch (a word cased like a city, a product arriving where its maker already sells)."""

from __future__ import annotations

from watcher.analyze import Analyzer, ItemInput
from watcher.analyze.embed import Encoder
from watcher.analyze.markets import market_finder
from watcher.config import EntityConfig


def places(text: str) -> list[tuple[str, str, bool]]:
    return [(hit.code, text[hit.start : hit.end], hit.is_city) for hit in market_finder().find(text)]


def test_a_city_stands_for_its_country_with_its_endings_and_clitics() -> None:
    assert places("Ørsted avas Tallinnas esinduse") == [("EE", "Tallinnas", True)]
    assert places("„Ørsted“ atidarė biurą Taline") == [("EE", "Taline", True)]
    assert places("Michelin va construire une usine à Tanger") == [("MA", "Tanger", True)]
    assert places("Equinor mở văn phòng tại Hà Nội") == [("VN", "Hà Nội", True)]
    assert places("ميشلان تختار طنجة لإقامة أول مصنع لها بالمغرب") == [("MA", "طنجة", True), ("MA", "بالمغرب", False)]
    assert places("Unang Jollibee sa Germany, bubuksan sa Frankfurt") == [
        ("DE", "Germany", False),
        ("DE", "Frankfurt", True),
    ]
    assert places("쿠팡이 서울에서") == [("KR", "서울", True)]
    assert [code for code, _text, _city in places("Klarna ienāk Baltijā")] == ["EE", "LV", "LT"]


def test_words_cased_or_spelt_like_a_city_are_none() -> None:
    assert places("Black Friday Sale: up to 70% off") == []  # Salé, Morocco: cased as written
    assert places("the Turing award") == []  # Turin + "g": no case ending
    assert places("thị trường lao động") == [] and places("thị trường Lào") == [("LA", "thị trường Lào", False)]
    assert places("Coupang บุกตลาดไทย") == [("TH", "ไทย", False)]


def analyse(title: str, language: str) -> set[tuple[str, str, str | None]]:
    entities = [EntityConfig(name=name, aliases=[name]) for name in ("Temu", "Xiaomi", "Apple", "Klarna", "Coupang")]
    analyzer = Analyzer(entities, Encoder(enabled=False))
    (analysis,) = analyzer.analyse([ItemInput(id="1", title=title, language=language)])
    return {(event.type, event.entity, event.market) for event in analysis.events}


def test_a_company_arriving_in_a_country_enters_it_and_a_product_does_not() -> None:
    assert analyse("Temu goes live in Kenya with M-Pesa payments", "en") == {("market_entry", "Temu", "KE")}
    assert analyse("Klarna chega ao Brasil e aposta no Pix parcelado", "pt") == {("market_entry", "Klarna", "BR")}
    assert analyse("Klarna jõuab Eestisse", "et") == {("market_entry", "Klarna", "EE")}
    assert analyse("Coupang to launch in Thailand after Taiwan success", "en") == {("market_entry", "Coupang", "TH")}
    assert ("market_entry", "Xiaomi", "DE") not in analyse("Xiaomi SU7 arriva in Germania", "it")
    assert not any(event[0] == "market_entry" for event in analyse("Apple iPhone 17 arrives in India", "en"))
    assert analyse("Temu could go live in Kenya, people familiar say", "en") == set()  # a rumour


def test_cldr_short_and_variant_names() -> None:
    """CLDR's alt="short"/"variant" names, which babel drops: "ABD" (tr), "Fildişi Sahili", "Myanmar", "Türkiye";
    an all-capitals one only as written ("so sad" names no country; Croatian "SAD" is the US)."""
    assert [code for code, *_ in places("Şirket ABD pazarına giriyor")] == ["US"]
    assert [code for code, *_ in places("Fildişi Sahili'nde ilk mağaza")] == ["CI"]
    assert [code for code, *_ in places("first store in Myanmar")] == ["MM"]
    assert [code for code, *_ in places("opens first store in Türkiye")] == ["TR"]
    assert [code for code, *_ in places("ulazi na tržište SAD")] == ["US"]
    assert places("so sad, said the analysts") == []


def test_a_described_company_in_the_headline_is_the_one_the_item_names() -> None:
    """A headline's "Philippinische Fastfood-Kette eröffnet erste deutsche Filiale" is the company the item names
    below, when it names one tracked company only; with two, no one enters."""
    entities = [EntityConfig(name=name, aliases=[name]) for name in ("Jollibee", "Temu")]
    analyzer = Analyzer(entities, Encoder(enabled=False))
    title = "Philippinische Fastfood-Kette eröffnet erste deutsche Filiale in Frankfurt"
    for summary, expected in (
        ("Vor der Jollibee-Filiale auf der Zeil standen Hunderte Menschen Schlange.", [("Jollibee", "DE")]),
        ("Vor der Jollibee-Filiale standen mehr Menschen als vor Temu.", []),
    ):
        (analysis,) = analyzer.analyse([ItemInput(id="1", title=title, summary=summary, language="de")])
        assert [(event.entity, event.market) for event in analysis.events if event.type == "market_entry"] == expected


def test_a_continent_named_with_america_is_no_country_and_franchise_is_no_france() -> None:
    finder = market_finder()
    for text in ("takes its hotpot to South America", "crece en América Latina", "arrive en Amérique du Nord"):
        assert finder.codes(text) == set(), text
    assert finder.codes("opens its first store in America") == {"US"}
    assert finder.codes("signs a master franchise with a Thai operator") == {"TH"}
    assert finder.codes("erste Filiale im Baltikum") == {"EE", "LV", "LT"}


def names(text: str) -> list[tuple[str, str, bool]]:
    return [(hit.code, text[hit.start : hit.end], hit.is_name) for hit in market_finder().find(text)]


def test_a_country_name_written_in_lower_case_is_a_word() -> None:
    # Danish and German "Island" (Iceland) is capitalised; Croatian "mali" is small, the country "Mali".
    assert not any(name for _code, _text, name in names("off Moheshkhali island"))
    assert names("Flüge nach Island") == [("IS", "Island", True)]
    assert not any(name for _code, _text, name in names("mali proizvođač iz Splita"))
    assert names("LVMH rachète le lainier italien") == [("IT", "italien", False)]  # the adjective still counts


def test_the_democratic_republic_of_the_congo_is_not_the_congo() -> None:
    assert [code for code, _text, _name in names("Safaricom wins DR Congo licence")] == ["CD"]
    assert [code for code, _text, _name in names("in the Democratic Republic of Congo")] == ["CD"]
    assert [code for code, _text, _name in names("l'opérateur arrive en RDC")] == ["CD"]
    assert [code for code, _text, _name in names("Brazzaville, capitale du Congo")][-1:] == ["CG"]


def test_arabic_relative_adjectives_of_countries() -> None:
    assert names("«ساني» تدخل السوق المصرية") == [("EG", "المصرية", False)]
    assert names("شركة كينية") == [("KE", "كينية", False)]
    assert names("الشركة الفرنسية") == [("FR", "الفرنسية", False)]
    assert ("EG", "مصر", True) in names("في مصر")


def test_arabic_and_written_onto_a_listed_adjective_or_a_hand_written_name() -> None:
    """Arabic "و" (and) joins the second of a list: "السوق السعودية والإماراتية" (the Saudi and Emirati
    market); the names written by hand take their clitics as CLDR's do: "في المملكة والإمارات" (in the Kingdom
    and the Emirates)."""
    assert names("في السوق السعودية والإماراتية") == [("SA", "السعودية", True), ("AE", "والإماراتية", False)]
    assert names("السوق المصرية والأردنية") == [("EG", "المصرية", False), ("JO", "والأردنية", False)]
    assert names("في المملكة والإمارات") == [("AE", "والإمارات", True)]
    assert names("مكتب بالإمارات") == [("AE", "بالإمارات", True)]


def test_uzbek_names_with_any_apostrophe() -> None:
    for text in ("O‘zbekiston bozoriga", "O'zbekistonda", "Oʻzbekistonga"):
        assert [code for code, _text, _name in names(text)] == ["UZ"], text


def test_georgian_names_are_names_though_unicode_calls_its_letters_lower_case() -> None:
    # Mkhedruli has no capitals in use: "საქართველოში" (in Georgia) is the country's name, not a word or an adjective.
    assert names("Ozon საქართველოში მუშაობას იწყებს") == [("GE", "საქართველოში", True)]
    assert names("საქართველოს ბაზარზე") == [("GE", "საქართველოს", True)]
    assert names("რუსული მარკეტპლეისი") == [("RU", "რუსული", False)]


def test_spellings_the_news_uses_beside_cldr() -> None:
    assert names("ወደ አውስትራሊያ በረራ") == [("AU", "አውስትራሊያ", True)]
    assert [code for code, _text, _name in names("डेनमार्क और नीदरलैंड्स के लिए")] == ["DK", "NL"]


def test_a_capital_whose_name_is_a_word_is_a_capital_listed_with_a_place_or_after_in() -> None:
    found = market_finder().find
    text = "Bolt debuts in Bogotá and Lima; next Santiago, Lima y Bogotá"
    assert [(hit.code, text[hit.start : hit.end]) for hit in found(text)] == [
        ("CO", "Bogotá"), ("PE", "Lima"), ("CL", "Santiago"), ("PE", "Lima"), ("CO", "Bogotá"),
    ]  # fmt: skip
    assert [hit.code for hit in found("Bolt opens in Lima")] == ["PE"]
    assert [hit.code for hit in found("Lima Tahun di Jakarta")] == ["ID"]  # Indonesian "five years in Jakarta"
    assert found("abre en Santiago de Compostela") == []  # Santiago alone is not Chile's


def test_a_slavic_case_ending_in_place_of_a_citys_final_a() -> None:
    found = market_finder().find
    assert [hit.code for hit in found("prvú reštauráciu v Prahe otvorí na jeseň")] == ["CZ"]
    assert [hit.code for hit in found("sklep w Warszawie, офис в Москве, v Bratislave")] == ["PL", "RU", "SK"]
    assert found("Porte ouverte") == []


def test_a_state_or_province_stands_for_its_country() -> None:
    """First-level subdivisions (data/subdivisions.json, from pycountry's ISO 3166-2 names and translations) as places
    of their country; one whose name holds another country's is itself ("内蒙古" is China's, not "蒙古")."""
    assert places("Infineon to build new back-end plant in Melaka") == [("MY", "Melaka", True)]
    assert places("a new plant in Bavaria") == [("DE", "Bavaria", True)]
    assert places("เปิดโรงงานที่ระยอง") == [("TH", "ระยอง", True)]
    assert places("位于内蒙古鄂尔多斯的电池基地") == [("CN", "内蒙古", True)]
    assert places("opens its first store in New Mexico") == [("US", "New Mexico", True)]
    assert places("蒙古国") == [("MN", "蒙古", False)]
    # A translation in Latin letters far from the region's own name is another word: Indonesian "Barat" (west).
    assert places("di Subang, Jawa Barat") == []


def test_a_province_is_matched_whole_and_by_no_everyday_word() -> None:
    """A province's name takes no case ending ("Pando" is no "Pandora", "Cauca" no "Caucasus"); provinces named by
    everyday words ("Est": 東部, "Red Sea") and short translations ("トラン" in "トランプ") are left out."""
    assert places("Pandora opens in the Caucasus") == []
    assert places("トランプ大統領") == []
    assert places("東部の工場") == []
    assert places("Munich est la capitale de la Bavière") == [("DE", "Munich", True), ("DE", "Bavière", True)]
    assert places("nel Monaco di Baviera") == [("DE", "Baviera", True)]
