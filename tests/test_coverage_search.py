"""News searches generated from entities × markets × engines: aliases by script, quoting, limits, splitting."""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from watcher.config import EntityConfig, load_config, parse_config
from watcher.config.coverage import EngineConfig, SearchConfig
from watcher.coverage.generated import generated_feeds
from watcher.coverage.search import (
    build_queries,
    first_poll_offsets,
    looks_like_a_name,
    search_feeds,
    terms_for_market,
)
from watcher.errors import ConfigError
from watcher.vocabulary import WordfreqVocabulary

ROOT = Path(__file__).resolve().parent.parent
XIAOMI = EntityConfig(name="Xiaomi", aliases=["Xiaomi", "小米集团", "샤오미", "シャオミ", "Сяоми", "Mi Pay 支付"])


def test_each_market_takes_the_aliases_of_its_script_and_latin_names_everywhere() -> None:
    assert terms_for_market(XIAOMI, "ko-KR") == ["Xiaomi", "샤오미"]
    assert terms_for_market(XIAOMI, "it-IT") == ["Xiaomi"]
    assert terms_for_market(XIAOMI, "ru-RU") == ["Xiaomi", "Сяоми"]
    assert terms_for_market(XIAOMI, "ja-JP") == ["Xiaomi", "小米集团", "シャオミ", "Mi Pay 支付"]
    assert terms_for_market(XIAOMI, "zh-CN") == ["Xiaomi", "小米集团", "Mi Pay 支付"]


def test_a_latin_phrase_of_one_language_stays_in_latin_markets() -> None:
    korea = EntityConfig(name="Korea", aliases=["South Korea", "Corea del Sud", "한국"])
    assert terms_for_market(korea, "it-IT") == ["South Korea", "Corea del Sud"]
    assert terms_for_market(korea, "ko-KR") == ["South Korea", "한국"]  # "Corea del Sud" is Italian, not a name
    assert looks_like_a_name("iPhone 16") and looks_like_a_name("3M") and not looks_like_a_name("Corea del Sud")


def test_wildcards_are_written_out_from_the_markets_word_list_or_dropped() -> None:
    entity = EntityConfig(name="Korea", aliases=["sudcorean*", "Corea"])
    vocabulary = WordfreqVocabulary(3.0)
    italian = terms_for_market(entity, "it-IT", vocabulary)
    assert italian[0].startswith("sudcorean") and "sudcorean*" not in italian and "Corea" in italian
    assert 1 <= len([term for term in italian if term.startswith("sudcorean")]) <= 3
    assert terms_for_market(entity, "it-IT", None) == ["Corea"]  # no word list: the wildcard is left out


def test_queries_are_quoted_or_lists_within_the_limit_and_split_when_longer() -> None:
    assert build_queries(["Xiaomi", "샤오미"], 100) == ['"Xiaomi" OR "샤오미"']
    terms = [f"Brand{index}" for index in range(12)]
    queries = build_queries(terms, 40)
    assert len(queries) > 1 and all(len(query) <= 40 for query in queries)
    assert [term for query in queries for term in query.replace('"', "").split(" OR ")] == terms
    assert build_queries(["x" * 50, "Short"], 20) == ['"Short"']  # a term too long alone is left out
    assert build_queries(["Apple"], 60, require=["iPhone", "Mac"]) == ['"Apple" ("iPhone" OR "Mac")']


def test_feed_urls_follow_the_engine_templates_and_are_named_for_watcher_feeds() -> None:
    search = SearchConfig(markets=["ko-KR"], engines=["google-news", "bing-news"])
    feeds = search_feeds([XIAOMI], search)
    assert [feed.name for feed in feeds] == [
        "search: Xiaomi ko-KR (google-news)",
        "search: Xiaomi ko-KR (bing-news)",
    ]
    google = urlsplit(feeds[0].url)
    assert google.hostname == "news.google.com" and google.path == "/rss/search"
    assert parse_qs(google.query) == {"q": ['"Xiaomi" OR "샤오미"'], "hl": ["ko-KR"], "gl": ["KR"], "ceid": ["KR:ko"]}
    bing = parse_qs(urlsplit(feeds[1].url).query)
    assert bing["format"] == ["rss"] and bing["setlang"] == ["ko"] and bing["cc"] == ["KR"]


def test_a_long_alias_list_becomes_several_feeds_each_within_the_url_limit() -> None:
    many = EntityConfig(name="Many", aliases=[f"브랜드{index:02d}호" for index in range(60)])
    engine = EngineConfig(name="local", url="http://127.0.0.1:9/s?q={query}", max_query_length=1500)
    feeds = search_feeds([many], SearchConfig(markets=["ko-KR"], engines=[engine]))
    assert len(feeds) > 1 and all(len(feed.url) <= 2000 for feed in feeds)
    assert feeds[0].name == f"search: Many ko-KR (local) 1/{len(feeds)}"
    searched = [term for feed in feeds for term in feed.query.replace('"', "").split(" OR ")]
    assert searched == [alias.text for alias in many.aliases]


def test_opt_out_and_extra_terms() -> None:
    entities = [
        EntityConfig(name="Korea", aliases=["Korea"], search=False),
        EntityConfig(name="Xiaomi", aliases=["Xiaomi"], search_terms=["Redmi", "레드미"]),
    ]
    feeds = search_feeds(entities, SearchConfig(markets=["ko-KR", "en-US"]))
    assert {feed.entity for feed in feeds} == {"Xiaomi"}
    assert [feed.query for feed in feeds] == ['"Xiaomi" OR "Redmi" OR "레드미"', '"Xiaomi" OR "Redmi"']


def test_first_polls_are_spread_over_the_engine_interval() -> None:
    entities = [EntityConfig(name=f"Company {index}", aliases=[f"Company {index}"]) for index in range(40)]
    feeds = search_feeds(entities, SearchConfig(markets=["en-US", "it-IT"]))
    offsets = sorted(first_poll_offsets(feeds).values())
    assert len(offsets) == 80 and offsets[0].total_seconds() == 0
    interval = feeds[0].interval
    gaps = [later - earlier for earlier, later in itertools.pairwise(offsets)]
    assert all(gap == interval / 80 for gap in gaps) and offsets[-1] < interval


def test_search_settings_are_checked_with_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    cases = {
        "search:\n  markets: [italy]\n": "config.yaml:2: search.markets: market 1: expected a market as language-",
        "search:\n  engines: [{name: mine}]\n": "search.engines: engine 1 (mine): name: 'mine' is no built-in engine",
        "search:\n  engines:\n    - {name: mine, url: 'http://h/?q={q}'}\n": "engine 1 (mine): url: the template needs",
        "search:\n  engines:\n    - {name: x, url: 'http://h/?q={query}&r={region}'}\n": "unknown placeholder {region}",
        "feeds:\n  - {url: 'http://h/', type: pages}\n": "config.yaml:2: feed 1 (url http://h/): type: Input should be",
        "feeds:\n  - {url: 'http://h/', full_text: sometimes}\n": "feed 1 (url http://h/): full_text: Input should be",
        "full_text:\n  budget: -1\n": "config.yaml:2: full_text.budget: Input should be greater than or equal to 0",
    }
    for text, expected in cases.items():
        path.write_text(text)
        with pytest.raises(ConfigError) as raised:
            load_config(path)
        assert expected in str(raised.value), (text, str(raised.value))


def test_changing_aliases_or_markets_changes_the_generated_feeds() -> None:
    text = "search:\n  markets: [ko-KR]\nentities:\n  - {name: Xiaomi, aliases: [Xiaomi, 샤오미]}\n"
    before = generated_feeds(parse_config(text, Path("c.yaml")))
    after = generated_feeds(parse_config(text.replace("[ko-KR]", "[ko-KR, it-IT]"), Path("c.yaml")))
    fewer = generated_feeds(parse_config(text.replace(", 샤오미", ""), Path("c.yaml")))
    names = [feed.name for feed in after.feeds]
    assert names == ["search: Xiaomi ko-KR (google-news)", "search: Xiaomi it-IT (google-news)"]
    assert before.feeds[0].url == after.feeds[0].url and fewer.feeds[0].url != before.feeds[0].url
    assert before.rates == {"news.google.com": 10}


def test_the_shipped_config_searches_nothing_until_markets_are_set() -> None:
    config = load_config(ROOT / "config.yaml")
    assert generated_feeds(config).feeds == []
