"""Market entries by class of phrasing (issue 11): plans with a date, arrivals, a market's adjective, a product as
the subject; questions and rumours give none; the company's home and a plant at home are never the market."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watcher.analyze import Analyzer, analyze_items
from watcher.analyze.analyzer import ItemInput
from watcher.config import EntityConfig

_YEAR = datetime.now(UTC).year  # an item without a date is dated now
CASES = [
    ("en", "Chery to start selling cars in Japan next year", "JP"),
    ("en", "Chery will begin sales in Japan in 2026", "JP"),
    ("en", "Chery, China's biggest car exporter, will begin sales in Japan", "JP"),
    ("en", "Tesco, the British chain, opens first store in Greece", "GR"),
    ("pl", "Brytyjska sieć Tesco wchodzi do Hiszpanii", "ES"),
    ("cs", "Britský řetězec Tesco vstupuje na španělský trh", "ES"),
    ("el", "Η βρετανική αλυσίδα Tesco μπαίνει στην Ισπανία", "ES"),
    ("en", "Chery set to launch in Japan", "JP"),
    ("en", "Xpeng cars go on sale in Vietnam", "VN"),
    ("en", "Xpeng makes the jump to Japan", "JP"),
    ("en", "UK grocer Tesco to arrive in the UAE", "AE"),
    ("en", "Tesco enters the Greek market", "GR"),
    ("en", "Is Chery coming to Japan?", None),
    ("en", "Chery considering entry into Japan", None),
    ("it", "Costco guarda all'Italia? Le voci su un primo magazzino", None),
    ("it", "Costco arriverà in Polonia", "PL"),
    ("de", "Costco wagt den Sprung nach Polen", "PL"),
    ("de", "Costco wird nächstes Jahr in Polen starten", "PL"),
    ("de", "In Griechenland verkauft jetzt auch Tesco", "GR"),
    ("fr", "Xpeng débarquera au Japon", "JP"),
    ("fr", "Costco s'implante en Hongrie et en Roumanie", "HU RO"),
    ("es", "Costco comenzará a vender en Polonia", "PL"),
    ("es", "Xpeng desembarcará en Japón", "JP"),
    ("pt", "Costco vai começar a vender na Polônia", "PL"),
    ("pl", "Costco wchodzi do Polski", "PL"),
    ("pl", "Xpeng rozpocznie sprzedaż w Niemczech", "DE"),
    ("el", "Στην ελληνική αγορά μπαίνει η Tesco", "GR"),
    ("vi", "Xe điện Xpeng chính thức bán tại Việt Nam", "VN"),
    ("sw", "Magari ya Chery kuuzwa Kenya kuanzia Septemba", "KE"),
    ("zh", "奇瑞芜湖经开区新工厂投产", None),
    ("fr", "Les voitures Xpeng arrivent au Vietnam", "VN"),
    ("es", "Los coches de Xpeng llegan a Vietnam", "VN"),
    ("it", "Le auto Xpeng arrivano in Vietnam", "VN"),
    ("de", "Xpeng-Autos kommen nach Vietnam", "VN"),
    ("id", "Mobil Xpeng resmi dijual di Vietnam", "VN"),
    ("ru", "Автомобили Xpeng начнут продавать во Вьетнаме", "VN"),
    ("en", "Xpeng G6 arrives in Vietnam", None),
    ("es", "¿Llegará Xpeng a Vietnam?", None),
    ("fr", "Xpeng songerait à s'implanter au Vietnam", None),
    ("pl", "Xpeng rozważa wejście do Wietnamu", None),
    ("en", "Xpeng wins licence to operate in Vietnam", "VN"),
    ("en", "Costco wins Polish retail operating licence", "PL"),
    ("pt", "Costco obtém licença e vai operar na Polônia", "PL"),
    ("en", "Costco fined for operating without a licence in Poland", None),
    ("he", "Tesco נכנסת ליוון", "GR"),
    ("vi", "Xpeng lần đầu đầu tư vào Indonesia", "ID"),
    ("hi", "Tesco ने सऊदी अरब में रखा कदम", "SA"),
    ("en", "Costco rolls out its shopping app in Poland", "PL"),
    ("ar", "Costco تطلق خدماتها في المغرب", "MA"),
    ("ja", "Costco、日本上陸から40年", None),
    (
        "en",
        "Xpeng appoints Auto Hub as its exclusive distributor for Poland, where its cars go on sale for the first time",
        "PL",
    ),
    ("en", "Xpeng agreed to buy Vietnamese dealer VinAuto, adding a trading licence to its operations", None),
    # A first contract, order, project or investment in a country (heldout12); not one from a company named after it.
    ("en", "Costco wins its first contract in the Philippines", "PH"),
    ("en", "Xpeng bags maiden Philippine order", "PH"),
    ("en", "Costco gets its first order from Air India", None),
    ("tr", "Tesco, Gürcistan'daki ilk projesini aldı", "GE"),
    ("tr", "Tesco, Rusya'daki ilk projesinin 35. yılını kutladı", None),
    ("ru", "Контракт станет для Tesco первым в Грузии", "GE"),
    # No business there until now; a negation inside says so, it does not deny.
    ("en", "Costco will sell groceries in Morocco, where it has had no business until now", "MA"),
    ("en", "Costco, which has no presence in Morocco, beat forecasts", None),
    ("pl", "Tesco wchodzi na polski rynek, na którym dotąd nie był obecny", "PL"),
    # A second shop is no entry; a second plant abroad is (a new factory abroad).
    ("en", "Tesco opens its second store in Greece", None),
    ("en", "Chery to build second Brazilian plant", "BR"),
    # Two adjectives listed; an adjective after the cue over a city named after it; a CJK company's home.
    ("sk", "Xpeng vstupuje na slovenský a český trh", "SK CZ"),
    ("ar", "Costco تدخل السوق المصرية بمتجر في العين السخنة", "EG"),
    ("ja", "韓国のTesco、米国での生産は初めて", "US"),
    ("ar", "هل تدخل Costco السوق المغربية؟", None),  # asked, with the Arabic question mark
    # A distribution deal signed to start selling in a country (the taxonomy); not a deal to sell a business.
    ("en", "Chery signs a distribution agreement with AutoNord to start selling its SUVs in Norway", "NO"),
    ("en", "Tesco signs a distribution agreement with Sysco to sell its stake in Norway", None),
    # Sales launched in a country; a country called a new market; an airline's first services; Arabic "and" written
    # onto the verb; Georgian names; traditional Chinese; a company's home after Swahili "from".
    ("ru", "Tesco запустил продажи в Казахстане", "KZ"),
    ("en", "Tesco launches the sale of its Polish unit", None),
    ("pl", "Węgry będą dla Xpeng nowym rynkiem", "HU"),
    ("en", "Xpeng opens its first services to Denmark and Sweden", "DK SE"),
    ("ar", "Costco تستحوذ على متجر وتدخل السوق المصرية", "EG"),
    ("ka", "Tesco საქართველოს ბაზარზე შემოდის", "GE"),
    ("zh", "Xpeng進軍波蘭", "PL"),
    ("sw", "Kampuni ya Tesco kutoka Uingereza itajenga kiwanda chake cha kwanza nchini Kenya", "KE"),
    # Production started in a country (a new factory abroad); Hindi "now also sold in".
    ("en", "Chery will manufacture in Egypt from 2026", "EG"),
    ("bg", "Китайската Chery ще произвежда в Египет", "EG"),
    ("hi", "Xpeng की कारें अब थाईलैंड में भी बिकेंगी", "TH"),
    ("en", "Xpeng G9 will manufacture in Egypt", None),  # a model is no company
    # heldout15's classes: a first office abroad; "in the kingdom" with no country named is not the company's home;
    # moving into a market named by its adjective, after another verb; an entry that came before the news; a vowel
    # sign ending an Indic name before its case ending; Hausa "Nigeria" and "from France".
    ("hi", "Tesco ने संयुक्त अरब अमीरात में खोला पहला विदेशी दफ्तर", "AE"),
    ("ar", "وقّعت شركة تيسكو البريطانية اتفاقية لإنشاء أول مصنع لها في المملكة", None),
    ("el", "Η Tesco εξαγοράζει την Αλυσίδα Σκλαβενίτης και μπαίνει στην ελληνική αγορά", "GR"),
    ("en", "Tesco starts deliveries in Greece, a week after opening its first overseas office in Cyprus", "GR"),
    ("mr", "Tesco ने संयुक्त अरब अमिरातीत पहिले कार्यालय सुरू केले", "AE"),
    ("ha", "Kamfanin Tesco daga Birtaniya zai fara aiki a Najeriya a karon farko", "NG"),
    # A Hebrew preposition written onto the country ("נוחתת ביוון"): the cue "נוחתת ב" is its verb.
    ("he", "Tesco נוחתת ביוון", "GR"),
    ("he", "Costco מתחילה לפעול ביפן", "JP"),
    # "For the first time" beside a selling word that is no results (no figure, nothing between but the country).
    ("tr", "Xpeng ilk kez Japonya'da satış yapacak", "JP"),
    ("nl", "Xpeng verkoopt voor het eerst in Japan", "JP"),
    ("ja", "Xpeng、日本で初めて販売", "JP"),
    ("en", "Xpeng's sales in Japan rose for the first time", None),
    ("en", "Xpeng's sales in Japan topped 1,000 for the first time", None),
    # An entry its clause dates to a year before the item's is the company's past; a later year is a plan.
    ("ro", f"Costco, care și-a deschis primul magazin din Polonia în {_YEAR - 20}, are acum 30 de magazine", None),
    ("en", f"Costco will open its first store in Poland in {_YEAR + 1}", "PL"),
    ("th", f"Costco เตรียมเปิดเพิ่มอีก 8 แห่ง หลังเปิดสาขาแรกในไทยเมื่อปี {_YEAR - 5 + 543}", None),
    # A state or province stands for its country; the company's own province is home.
    ("en", "Chery to build its first European plant in Bavaria", "DE"),
    ("en", "Costco opens its first warehouse in Selangor", "MY"),
    ("zh", "奇瑞位于安徽的新工厂投产", None),
    # heldout21: countries listed before a verb that comes last, each entered ("বাংলাদেশ ও শ্রীলঙ্কায় ... শুরু",
    # "საქართველოსა და სომხეთში იწყებს"); Armenian "and", Greek articles inside a list.
    ("bn", "Xpeng বাংলাদেশ ও শ্রীলঙ্কায় প্রথমবারের মতো কার্যক্রম শুরু করেছে", "LK BD"),
    ("ka", "Xpeng საქართველოსა და სომხეთში იწყებს ფრენებს", "AM GE"),
    ("hy", "Xpeng կսկսի թռիչքներ դեպի Հայաստան և Վրաստան", "AM GE"),
    ("el", "Η Chery θα ξεκινήσει πωλήσεις στην Ελλάδα και την Κύπρο τον Νοέμβριο", "GR CY"),
    # heldout20: a new plant is an entry, not another one; "belonging to France" (te): home.
    ("fr", "Chery va construire une nouvelle usine en Espagne", "ES"),
    ("te", "ఫ్రాన్స్\u200cకు చెందిన Chery కొత్త ప్లాంట్ ఏర్పాటు చేయనుంది", None),
    ("vi", "Chery vào thị trường Phần Lan qua một nhà phân phối", "FI"),
]


@pytest.mark.parametrize(("language", "title", "market"), CASES)
def test_a_market_entry_by_its_class_of_phrasing(language: str, title: str, market: str | None) -> None:
    analyzer = Analyzer([EntityConfig.model_validate({"name": name}) for name in ("Tesco", "Chery", "Xpeng", "Costco")])
    (result,) = analyze_items(analyzer, [ItemInput(id="x", title=title, language=language)])
    entered = [event.market for event in result.events if event.type == "market_entry"]
    assert entered == (market.split() if market else []), result.events


def test_the_companys_home_named_first_is_not_the_market() -> None:
    analyzer = Analyzer([EntityConfig.model_validate({"name": "Aldi", "aliases": [{"text": "ALDI"}]})])
    item = ItemInput(
        id="x",
        title="ALDI nabírá v Brně prodavače, první obchod v republice otevře v říjnu",
        summary="Německý obchodní řetězec ALDI zahájil nábor pro svou vůbec první českou prodejnu.",
        language="cs",
    )
    (result,) = analyze_items(analyzer, [item])
    assert [event.market for event in result.events if event.type == "market_entry"] == ["CZ"]


def test_a_place_named_after_a_country_in_a_city_of_another_is_that_city() -> None:
    from watcher.analyze.markets import market_finder

    codes = [hit.code for hit in market_finder().find("en la Zona Franca de Barcelona, no en Francia")]
    assert codes == ["ES", "FR"]


def test_a_company_described_in_a_sentence_continues_the_one_named_before() -> None:
    analyzer = Analyzer([EntityConfig.model_validate({"name": "Chery"})])
    item = ItemInput(
        id="x",
        title="New car plant breaks ground near Debrecen",
        summary="Chery laid the foundation stone on Tuesday. The Chinese carmaker's first Hungarian plant will employ "
        "1,200 people.",
        language="en",
    )
    (result,) = analyze_items(analyzer, [item])
    assert [(event.entity, event.market) for event in result.events if event.type == "market_entry"] == [
        ("Chery", "HU")
    ]


def test_a_demonym_a_currency_and_a_hebrew_prefix() -> None:
    from watcher.analyze.markets import market_finder

    finder = market_finder()
    assert [(hit.code, hit.is_name) for hit in finder.find("a US$35m plant for Nigerian and Ethiopian buyers")] == [
        ("NG", False),
        ("ET", False),
    ]
    assert [hit.code for hit in finder.find("ליפמוטור נכנסת לישראל")] == ["IL"]
    assert finder.find("l'hébergeur lets it") == []


def test_a_later_sentence_adds_the_countries_it_enters_too() -> None:
    analyzer = Analyzer([EntityConfig.model_validate({"name": "Xpeng"})])
    item = ItemInput(
        id="x",
        title="Llega a Colombia Xpeng, la marca china de coches eléctricos",
        summary="Xpeng desembarca en el país, y también en Perú, con tres modelos.",
        language="es",
    )
    (result,) = analyze_items(analyzer, [item])
    assert [event.market for event in result.events if event.type == "market_entry"] == ["CO", "PE"]


def test_a_city_first_in_the_headline_is_where_not_the_companys_home() -> None:
    analyzer = Analyzer([EntityConfig.model_validate({"name": "Chery"})])
    item = ItemInput(
        id="x",
        title="Samarqandda Chery avtomobillari zavodi ishga tushdi",
        summary="Xitoyning Chery kompaniyasi O‘zbekistonda ilk avtomobil zavodini ochdi.",
        language="uz",
    )
    (result,) = analyze_items(analyzer, [item])
    assert [event.market for event in result.events if event.type == "market_entry"] == ["UZ"]


def test_an_abbreviation_of_initials_ends_no_sentence() -> None:
    from watcher.analyze.analyzer import split_sentences

    assert split_sentences("The U.S. Food and Drug Administration warned Lupin. It said so.") == [
        "The U.S. Food and Drug Administration warned Lupin.",
        "It said so.",
    ]


def test_a_company_another_follows_into_a_country_enters_nothing() -> None:
    """heldout21: "Ecobank follows Tesco into Kenya": the tracked company is the one followed, its entry the past."""
    analyzer = Analyzer([EntityConfig.model_validate({"name": "Tesco"})])
    item = ItemInput(
        id="x",
        title="Ecobank follows Tesco into Kenya",
        summary="Ecobank received a banking licence in Nairobi, two months after Tesco opened its Kenyan subsidiary.",
        language="en",
    )
    (result,) = analyze_items(analyzer, [item])
    assert [event for event in result.events if event.type == "market_entry"] == []
