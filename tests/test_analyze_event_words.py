"""Events heldout18's mistakes taught: a naming verb beside a post makes a leadership change in many languages
("named Mariana Cortés chief executive", "designa a ... como directora general", "副社長を起用"); "laying off", a
workforce cut, Urdu "ملازمین کو فارغ" (employees let go) are layoffs; a ruling or a fine is neither a launch nor
money raised; Arabic cues take the article and the prepositions written onto it."""

from __future__ import annotations

from tests.analyze_events import analyzer_of, events
from watcher.analyze import Analyzer
from watcher.analyze.embed import Encoder
from watcher.analyze.sentences import CueFinder
from watcher.config import EntityConfig

ANALYZER = Analyzer(
    [
        EntityConfig(name="BBVA", aliases=["BBVA"]),
        EntityConfig(name="CJ CheilJedang", aliases=["CJ CheilJedang", "CJ第一製糖"]),
        EntityConfig(name="Careem", aliases=["Careem", "کریم"]),
    ],
    Encoder(enabled=False),
)


def types(language: str, title: str) -> set[str]:
    return {kind for kind, _entity, _market in events(ANALYZER, language, title)}


def test_a_naming_verb_beside_a_post_is_a_leadership_change() -> None:
    assert types("en", "BBVA named Mariana Cortés chief executive of its Mexican unit") == {"leadership"}
    assert types("es", "BBVA designa a Mariana Cortés como directora general de BBVA México") == {"leadership"}
    assert types("ja", "CJ第一製糖は、バイオ部門の代表に金素英副社長を起用したと発表した") == {"leadership"}


def test_a_naming_verb_without_a_post_near_it_is_none() -> None:
    assert "leadership" not in types("en", "BBVA named the best bank in Latin America by Euromoney")
    assert "leadership" not in types(
        "en", "BBVA was named in a lawsuit filed by the former chief executive of a client"
    )


def test_laying_off_and_a_workforce_cut_are_layoffs() -> None:
    assert types("en", "Careem is laying off around 300 employees") == {"layoffs"}
    assert types("en", "Careem cuts about 8% of workforce in restructuring") == {"layoffs"}
    assert types("ur", "کریم کا 300 ملازمین فارغ کرنے کا اعلان") == {"layoffs"}


def test_a_ruling_or_a_fine_is_no_launch_and_no_money_raised() -> None:
    analyzer = analyzer_of(["Hikma", "MultiChoice"])
    ruling = "A judge ruled that Hikma's generic infringes two patents, barring its launch until 2033."
    assert {kind for kind, *_ in events(analyzer, "en", ruling)} == {"legal"}
    fine = "The tribunal fined MultiChoice N150 million for raising subscription fees without notice."
    assert {kind for kind, *_ in events(analyzer, "en", fine)} == {"legal"}
    assert ("funding", "MultiChoice", None) in events(analyzer, "en", "MultiChoice is raising $150 million in bonds")


def test_arabic_cues_with_the_article_and_its_prepositions() -> None:
    """ "استحواذ*" missed "الاستحواذ" (the acquisition) and "للاستحواذ" (to acquire): the article and the
    prepositions written onto it are a cue's forms, as "و" (and) was."""
    finder = CueFinder()

    def kinds(text: str) -> set[str]:
        return {cue.kind for cue in finder.find(text, "ar")}

    assert "acquisition" in kinds("أعلنت الشركة توقيع اتفاقية للاستحواذ على شركة أمريكية")
    assert "acquisition" in kinds("أتمت عملية الاستحواذ على الشركة")
    assert "acquisition" in kinds("بدأت بالاستحواذ على حصص")
    assert "earnings" in kinds("1.12 مليار ريال صافي الربح في 2025")
    assert "partnership" not in kinds("قالت الشركة إنها ستدفع 1.5 مليار جنيه مقابل الصفقة")  # the deal named before
    analyzer = analyzer_of(["Hikma"])
    deal = "أعلنت Hikma توقيع اتفاقية للاستحواذ على شركة بيكسلي للمنتجات المعقمة"
    assert {kind for kind, *_ in events(analyzer, "ar", deal)} == {"acquisition"}


def test_contracts_link_ups_and_a_bought_stake_in_more_languages() -> None:
    """Hindi, Nepali "ठेका"/"ठेक्का" and "अनुबंध" (contract) are deals as English "contract" and Urdu "ٹھیکہ" are;
    "link up" is "team up"; Malay and Indonesian "beli" (buys, in a headline) and "pembelian" (purchase) with a
    stake are a purchase of it."""
    analyzer = analyzer_of(["TCS", "Zain", "Careem", "Ping An"])
    assert ("partnership", "TCS", None) in events(analyzer, "hi", "TCS को केंद्रीय बैंक से मिला बड़ा ठेका")
    assert ("partnership", "TCS", None) in events(analyzer, "ne", "TCS ले केन्द्रीय बैंकको ठेक्का पायो")
    assert {kind for kind, *_ in events(analyzer, "en", "Zain and Careem link up on wallet payments")} == {
        "partnership"
    }
    assert ("acquisition", "Ping An", None) in events(analyzer, "ms", "Ping An beli 51 peratus pegangan MayaLife")
    assert ("acquisition", "Ping An", None) in events(
        analyzer, "id", "Ping An melalui pembelian 51 persen saham MayaLife"
    )


def test_merging_its_own_units_is_no_acquisition() -> None:
    analyzer = analyzer_of(["Careem", "Uber"])
    merged = "Careem is laying off 300 employees as the super app merges its food and grocery businesses"
    assert events(analyzer, "en", merged) == {("layoffs", "Careem", None)}
    assert ("acquisition", "Careem", None) in events(analyzer, "en", "Careem merges with Uber")
