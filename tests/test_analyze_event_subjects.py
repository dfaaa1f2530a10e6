"""Who an event is about, and what is no event (issue 11, the event grid's fourth round): rules tried here on phrasings
the grid does not hold. The entity as the object (a unit sold, a supplier chosen), another company's clause, a
company that only qualifies another's name, a post below the board, a fix, a results date, a labour agreement."""

from __future__ import annotations

import pytest

from tests.analyze_events import analyzer_of, events

ANALYZER = analyzer_of(["Bayer", "Siemens", "Nokia", "Ericsson", "Danone", "Renault", "Volvo", "Shell"])


@pytest.mark.parametrize(
    ("language", "title", "summary", "expected"),
    [
        # The seller of a unit "bought by" someone, named as its owner before or after the unit.
        ("en", "Bayer's animal health business bought by Elanco", "", {("acquisition", "Bayer", None)}),
        ("fr", "La filiale de Danone rachetée par un fonds", "", {("acquisition", "Danone", None)}),
        # Chosen as a supplier: a deal; a site chosen for a plant is none.
        ("en", "Ericsson picked by Vodafone for its radio network", "", {("partnership", "Ericsson", None)}),
        ("en", "Poland picked by Siemens for a new plant", "", {("market_entry", "Siemens", "PL")}),
        # A party in a later clause of a deal's sentence is a bystander, unless its clause has a cue of the kind.
        ("en", "Nokia signs a deal with Orange while Ericsson waits", "", {("partnership", "Nokia", None)}),
        (
            "en",
            "Renault sued by dealers; Volvo faces a lawsuit too",
            "",
            {("legal", "Renault", None), ("legal", "Volvo", None)},
        ),
        # A name that qualifies another company's: its supplier, its customer, a start-up it backs.
        ("en", "Renault supplier Forvia to cut 2,000 jobs", "", set()),
        ("es", "La startup apoyada por Siemens capta 40 millones", "", set()),
        # Posts below the board; a board post named beside a spokesperson still counts.
        ("en", "Shell names a new spokeswoman for its trading arm", "", set()),
        ("en", "Shell names Wael Sawan chief executive, a spokeswoman said", "", {("leadership", "Shell", None)}),
        # A fix is no launch; a results date no results; an agreement with the unions no partnership.
        ("en", "Volvo releases a patch for its infotainment system", "", set()),
        ("en", "Nokia sets date for its third-quarter results", "", set()),
        ("de", "Siemens einigt sich mit der IG Metall auf eine Vereinbarung", "", set()),
        ("en", "Danone marks 100 years in Spain", "Its first factory opened in Barcelona in 1919.", set()),
    ],
)
def test_who_and_what(language: str, title: str, summary: str, expected: set[tuple[str, str, str | None]]) -> None:
    assert events(ANALYZER, language, title, summary) == expected
