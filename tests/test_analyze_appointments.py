"""Leadership and layoffs words heldout18's mistakes taught: a naming verb beside a post makes a leadership change
in many languages ("named Mariana Cortés chief executive", "designa a ... como directora general", "副社長を起用");
"laying off", a workforce cut, Urdu "ملازمین کو فارغ" (employees let go) are layoffs."""

from __future__ import annotations

from tests.analyze_events import events
from watcher.analyze import Analyzer
from watcher.analyze.embed import Encoder
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
