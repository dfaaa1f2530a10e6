"""What embeddings miss, read right: months and quarters as periods of results, country names over the stems
and adjectives that run into other words, sentence-initial capitals, and the periods that keep results apart."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from watcher.analyze import StoryBook
from watcher.analyze.markets import market_finder
from watcher.analyze.signals import Signals, months, names
from watcher.analyze.story_facts import ItemFacts
from watcher.analyze.story_fit import fit


def test_months_in_the_cue_tables_languages_and_not_their_spans() -> None:
    assert months("Hyundai's US sales rise 9% in May") == {"M05"}
    assert months("w październiku") == {"M10"} and months("в мае продажи") == {"M05"} and months("5월 판매") == {"M05"}
    assert months("Şubat ayında") == {"M02"} and months("Airbus a livré 58 avions en février") == {"M02"}
    assert months("Tesla may sell") == frozenset() and months("Mayor of London") == frozenset()  # the verb, a word
    assert months("operating profit for April-December") == frozenset()  # a span is a period of its own
    assert months("von Januar bis März") == frozenset() and months("トヨタ、4～12月期の営業利益") == frozenset()


def test_country_names_as_written_win_and_languages_are_adjectives() -> None:
    finder = market_finder()

    def found(text: str) -> list[tuple[str, str, bool]]:
        return [(hit.code, text[hit.start : hit.end], hit.is_name) for hit in finder.find(text)]

    assert found("Ikea to open its first store in Nigeria") == [("NG", "Nigeria", True)]  # not "Niger*"
    assert found("Niger uranium") == [("NE", "Niger", True)]
    assert ("CL", "silicon", True) not in found("the largest silicon carbide fab")  # no "Şili*": Chile
    assert found("Turkcell Azerbaycan pazarına giriyor") == [("TR", "Turkcell", False), ("AZ", "Azerbaycan", True)]
    assert found("Deutsche Autobauer in Japan") == [("DE", "Deutsche", False), ("JP", "Japan", True)]
    assert found("Deutsche Telekom in Japan") == [("JP", "Japan", True)]  # a company's name (companies.py)


def test_a_sentences_first_word_is_no_name() -> None:
    text = "LVMH shares fall 5% as luxury slowdown deepens. Investors sold luxury stocks after weak sales from Asia."
    assert names(text) == {"asia"}  # not "investors"


def results(key: str, quarters: frozenset[str], months: frozenset[str]) -> ItemFacts:
    """A report of Hyundai's results whose text the encoder finds identical to every other's."""
    return ItemFacts(key, datetime.now(UTC), "en", key, frozenset({"Hyundai"}), frozenset({("earnings", "Hyundai")}),
                     frozenset(), frozenset(), Signals(quarters, frozenset(), frozenset(), months),
                     vector=np.ones(4) / 2)  # fmt: skip


def test_results_of_other_periods_are_other_stories() -> None:
    quarter = results("q2", frozenset({"Q2"}), frozenset())
    may, june = results("may", frozenset(), frozenset({"M05"})), results("june", frozenset(), frozenset({"M06"}))
    assert fit(quarter, may) == -1.0 and fit(may, june) == -1.0  # May's sales are not Q2's results nor June's
    assert fit(may, results("may-again", frozenset(), frozenset({"M05"}))) > -1.0
    book = StoryBook()
    first = book.place(results("q2-first", frozenset({"Q2"}), frozenset()))
    assert book.place(results("silent", frozenset(), frozenset())) is first  # names no period: it joins ...
    assert book.place(results("may-later", frozenset(), frozenset({"M05"}))) is not first  # ... and bridges nothing


def test_a_months_sales_are_not_a_fiscal_years_results() -> None:
    assert months("ニトリホールディングスは3日、2027年3月期の連結純利益") == {"FY03"}
    assert months("net profit forecast for the year ending March 2026") == {"FY03"}  # March names the year
    assert months("2月の国内既存店売上高は3.1%減") == {"M02"}
    forecast = results("forecast", frozenset(), frozenset({"FY03"}))
    february = results("february", frozenset(), frozenset({"M02"}))
    assert fit(forecast, february) == -1.0 and fit(february, forecast) == -1.0
    # The month a year ends in names that year ("sur l'exercice clos fin août", "for the year to August").
    august = results("august", frozenset(), frozenset({"M08"}))
    assert fit(results("year", frozenset(), frozenset({"FY08"})), august) > -1.0
