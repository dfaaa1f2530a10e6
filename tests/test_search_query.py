"""The search box's language and the terms both the index and the queries are cut into (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watcher.search.engine import fts5_expression, tsquery_expression
from watcher.search.query import And, Not, Or, QueryError, Terms, parse_query
from watcher.search.terms import document, query_terms, terms

NOW = datetime.now(UTC)


def test_terms_fold_case_accents_and_width_like_the_matcher() -> None:
    assert terms("NESTLÉ Nestlé ＮＥＳＴＬＥ") == ["nestle", "nestle", "nestle"]
    assert terms("Xiaomi's Mi-Pay") == ["xiaomi", "s", "mi", "pay"]


def test_scripts_without_spaces_become_pairs_and_their_last_letter() -> None:
    assert terms("샤오미는 미페이를") == ["샤오", "오미", "미는", "는", "미페", "페이", "이를", "를"]
    assert terms("小米支付") == ["小米", "米支", "支付", "付"]
    assert terms("Xiaomi发布") == ["xiaomi", "发布", "布"]
    # A query looks for the pairs next to each other: found inside the longer run.
    assert query_terms("미페이") == ["미페", "페이"]
    assert query_terms("米") == ["米"]


def test_a_document_is_its_fields_terms() -> None:
    assert document("Mi Pay", "", "미페이") == "mi pay 미페 페이 이"


def test_words_phrases_and_operators() -> None:
    query = parse_query('"mi pay" (korea OR corea) -band NOT rumour pay*', NOW)
    assert query.text == And(
        (
            Terms(("mi", "pay")),
            Or((Terms(("korea",)), Terms(("corea",)))),
            Not(Terms(("band",))),
            Not(Terms(("rumour",))),
            Terms(("pay",), prefix=True),
        )
    )
    assert fts5_expression(query.text) == (
        '("mi pay") AND (("korea") OR ("corea")) AND ("pay" *) NOT ("band") NOT ("rumour")'
    )
    assert tsquery_expression(query.text) == (
        "('mi' <-> 'pay') & (('korea') | ('corea')) & (!('band')) & (!('rumour')) & ('pay':*)"
    )


def test_a_cjk_word_is_a_phrase_of_pairs_and_one_letter_a_prefix() -> None:
    assert parse_query("미페이", NOW).text == Terms(("미페", "페이"))
    assert fts5_expression(Terms(("미페", "페이"))) == '"미페 페이"'
    assert parse_query("米", NOW).text == Terms(("米",), prefix=True)


def test_filters_hold_for_the_whole_query() -> None:
    query = parse_query('entity:"Mi Pay" entity:Xiaomi event:market_entry lang:KO feed:"Asia Business" pay', NOW)
    assert query.entities == ("Mi Pay", "Xiaomi") and query.events == ("market_entry",)
    assert query.languages == ("ko",) and query.feeds == ("Asia Business",)
    assert query.text == Terms(("pay",))
    assert parse_query("entity:Xiaomi", NOW).text is None and not parse_query("entity:Xiaomi", NOW).empty


def test_date_filters() -> None:
    day = (NOW - timedelta(days=40)).date()
    later = (NOW - timedelta(days=10)).date()
    query = parse_query(f"date:{day.isoformat()}..{later.isoformat()} xiaomi", NOW)
    assert query.after == datetime(day.year, day.month, day.day, tzinfo=UTC)
    assert query.before == datetime(later.year, later.month, later.day, tzinfo=UTC) + timedelta(days=1)
    assert parse_query("since:7d x", NOW).after == NOW - timedelta(days=7)
    assert parse_query(f"after:{day.isoformat()} x", NOW).after is not None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("-xiaomi", "cannot only exclude"),
        ("NOT", "needs a word"),
        ("(xiaomi", "without its ')'"),
        ("xiaomi)", "without its '('"),
        ("after:yesterday x", "YYYY-MM-DD"),
        ("since:week x", "12h or 7d"),
        ("xiaomi OR", "both sides"),
    ],
)
def test_queries_it_cannot_run_say_why(text: str, says: str) -> None:
    with pytest.raises(QueryError, match=says.replace("(", r"\(").replace(")", r"\)")):
        parse_query(text, NOW)


def test_unknown_filters_and_punctuation_are_text() -> None:
    assert parse_query("ratio:3", NOW).text == Terms(("ratio", "3"))
    assert parse_query("!!! xiaomi", NOW).text == Terms(("xiaomi",))
