"""Rules heldout31's second reading taught, each on text of its own: an airline's first flight to a country is its
entry there."""

from __future__ import annotations

from tests.analyze_events import analyzer_of, events

ANALYZER = analyzer_of(["Jambojet", "Vodacom", "Orlen"])


def test_an_airlines_first_flight_to_a_country_is_an_entry() -> None:
    assert ("market_entry", "Jambojet", "GH") in events(ANALYZER, "en", "Jambojet operates its first flight to Ghana")
    landed = "Jambojet, a low-cost carrier, landed its first scheduled flight in Ghana on Monday."
    assert ("market_entry", "Jambojet", "GH") in events(ANALYZER, "en", "A new tail at Kotoka", landed)
    assert not any(kind == "market_entry" for kind, _e, _m in events(ANALYZER, "en", "Jambojet's first flight lands"))
