"""Rules heldout31's mistakes taught (full text as a fetcher extracts it), each on text of its own: a fetched page is
read as its article's prose, without the consent banner above it, the byline, a photo's credit and the lists of
other headlines ("Related", "Most read") that name other companies and their older events, and the footer ending on the
copyright notice; past the headline, an event its clause dates to a past year is the article's background, whatever
its type but results ("raised 12 million dollars last year"), as is a sentence opening on a past year in Vietnamese
("Năm 2021, ..."); Vietnamese "bán" sells a stake; a feature is compared with other reports from where it first names
the company, not by the scene it opens on."""

from __future__ import annotations

import pytest

from tests.analyze_events import analyzer_of, events
from watcher.analyze import ItemInput, analyze_items
from watcher.analyze.article_prose import article_prose, from_the_news

ANALYZER = analyzer_of(["Nokia", "Vodacom", "Orlen"])

PAGE = """We use cookies to give you the best experience. By continuing you agree to our use of cookies. Settings

By Jane Example

Morning commuters in Gdansk found a new fuel brand at the ring road last month, and few stopped to ask.

A forecourt on the ring road. Photo: Example Press

Vodacom said on Monday it would open its first office in Poland, hiring 200 engineers in Gdansk.

In 2019 the group sold a tower business.

Related
Nokia wins a 5G contract in Chile
Orlen opens a refinery in Lithuania
Most read
Markets slip as oil falls

Sign up for our newsletter. Jane Example covers telecoms for the business desk. © 2026 Example Press."""


@pytest.mark.parametrize("page", [PAGE, PAGE.replace("\n\n", "\n")], ids=["blank lines", "a block a line"])
def test_a_page_is_read_as_its_articles_sentences(page: str) -> None:
    prose = article_prose(page)
    assert prose.startswith("Morning commuters in Gdansk")
    assert "Vodacom said on Monday" in prose
    for furniture in ["cookies", "By Jane Example", "Photo:", "Related", "Nokia wins", "Most read", "newsletter"]:
        assert furniture not in prose


def test_a_wrapped_sentence_is_kept_whole() -> None:
    opening = "Vodacom said on Monday it would open its first office\nin Poland, hiring 200 engineers."
    wrapped = f"{opening}\n\n" + "More. " * 60
    assert article_prose(wrapped).startswith("Vodacom said on Monday it would open its first office in Poland")


def test_a_summary_and_a_page_of_headlines_stay_as_they_are() -> None:
    assert article_prose("Vodacom enters Poland\nIts first office") == "Vodacom enters Poland\nIts first office"
    headlines = "\n".join(f"Headline number {n} about something" for n in range(30))
    assert article_prose(headlines) == headlines


def test_a_cookie_makers_news_in_the_article_is_kept() -> None:
    page = "By Jane Example\n\nOrlen will sell cookies at its stations from May, it said.\n\n" + "More text here. " * 30
    assert "Orlen will sell cookies" in article_prose(page)


def test_the_related_list_names_no_entity_and_the_lead_finds_the_event() -> None:
    item = ItemInput("p1", "A new name on the ring road", "", content=PAGE, feed="Example", language="en")
    (result,) = analyze_items(ANALYZER, [item])
    assert result.entities == ["Vodacom"]
    assert [(event.type, event.entity, event.market) for event in result.events] == [("market_entry", "Vodacom", "PL")]


def test_a_byline_in_a_script_without_case_is_no_part_of_the_lead() -> None:
    page = "（山田太郎）\nノキアは11日、東京に新しい研究所を開設した。\n" + "同社の研究所は世界で十カ所目となる。" * 30
    assert article_prose(page).startswith("ノキアは11日")


def test_background_past_the_headline_is_no_event() -> None:
    lead = "Vodacom said on Monday it would open a data centre in Cape Town. It raised 80 million dollars last year."
    assert ("funding", "Vodacom", None) not in events(ANALYZER, "en", "Vodacom plans a data centre", lead)
    news = "Vodacom raised 80 million dollars from investors on Monday."
    assert ("funding", "Vodacom", None) in events(ANALYZER, "en", "A new round for the operator", news)
    dated = "Vodacom raised 80 million dollars in 2019."
    assert ("funding", "Vodacom", None) not in events(ANALYZER, "en", "A new round for the operator", dated)


def test_a_vietnamese_sentence_opening_on_a_past_year_is_background() -> None:
    sentence = "Năm 2019, Orlen mua lại một chuỗi cửa hàng tại Séc."
    assert not any(kind == "acquisition" for kind, _entity, _market in events(ANALYZER, "vi", "Orlen ở Séc", sentence))


def test_vietnamese_sells_a_stake() -> None:
    assert ("acquisition", "Orlen", None) in events(ANALYZER, "vi", "Orlen bán 30% cổ phần một nhà máy lọc dầu")


def test_a_features_opening_scene_is_left_out() -> None:
    prose = "For years the ring road had one station.\nThat changed when Orlen opened its first one there.\nMore."
    assert from_the_news(prose, [prose.index("Orlen")]) == "That changed when Orlen opened its first one there.\nMore."
    assert from_the_news(prose, []) == prose
    opening = "Orlen opened a station. It is its first.\nMore."
    assert from_the_news(opening, [0]) == opening
    assert from_the_news(prose, [prose.index("Orlen")], read=3) == prose  # the company named within three sentences


def test_reports_of_one_event_compare_by_the_news_not_the_scene() -> None:
    scene = "For years commuters on the Westerplatte road had one choice of fuel and long queues every morning.\n"
    page = scene + PAGE.split("\n\n", 4)[4]
    item = ItemInput("p2", "A new name on the ring road", "", content=page, feed="Example", language="en")
    (result,) = analyze_items(ANALYZER, [item])
    assert "westerplatte" not in result.facts.signals.names
    assert "gdansk" in result.facts.signals.names
