"""The daemon's path: a polling pass analyses the new matched items, puts them into stories and stores their
events (real FeedServer, real SQLite); a new feed's silenced back-catalogue is not analysed; a late report
joins its story in a later pass."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import FeedServer, Route, rfc822_ago, rss, write_config
from watcher.analyze.markets import market_finder
from watcher.app import Watcher
from watcher.config import load_config
from watcher.models import Entity, Item, ItemEvent, Story, StoryItem

pytestmark = pytest.mark.clock

ENTITIES = [
    {"name": "Xiaomi", "aliases": ["Xiaomi", "샤오미", "Сяоми"], "tags": ["company"]},
    {"name": "Mi Pay", "aliases": [{"text": "Mi Pay", "case_sensitive": True}], "tags": ["product"]},
    {"name": "Korea", "aliases": ["Korea*", "Corea*", "Южн* Коре*", "한국"], "tags": ["country"]},
]
ITALIAN = {
    "title": "Xiaomi pronta a sbarcare in Corea del Sud: accordi con due distributori e un brevetto per Mi Pay",
    "link": "https://it.example/xiaomi-corea",
    "description": "<p>Xiaomi ha firmato accordi con due distributori locali.</p>",
}
OLD_ITALIAN = {
    "title": "Xiaomi apre un negozio a Milano",
    "link": "https://it.example/old",
    "description": "<p>Xiaomi inaugura il suo primo negozio italiano.</p>",
}
KOREAN = {
    "title": "샤오미, 한국 시장 진출 본격화",
    "link": "https://ko.example/1",
    "description": "<p>샤오미는 국내 유통업체 두 곳과 공식 판매 계약을 맺었다.</p>",
}
# Its own words make no market entry ("Xiaomi in South Korea: two distributors and a patent"): it gains the one its
# story's other reports make, as it names the country entered.
FRENCH = {
    "title": "Xiaomi en Corée du Sud : deux distributeurs et un brevet",
    "link": "https://fr.example/1",
    "description": "<p>Le groupe chinois a signé avec deux distributeurs locaux.</p>",
}
RUSSIAN = {
    "title": "Сяоми готовится выйти на рынок Южной Кореи",
    "link": "https://ru.example/1",
    "description": "<p>Китайская компания Сяоми заключила соглашения с двумя местными дистрибьюторами.</p>",
}


def test_poll_stores_stories_and_events_and_a_late_report_joins(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/it.xml"] = Route(
        body=rss({**ITALIAN, "pubDate": rfc822_ago(hours=5)}, {**OLD_ITALIAN, "pubDate": rfc822_ago(days=20)})
    )
    feed_server.routes["/ko.xml"] = Route(body=rss({**KOREAN, "pubDate": rfc822_ago(hours=3)}, language="ko"))
    config_path = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/it.xml"), "name": "IT"}, {"url": feed_server.url("/ko.xml"), "name": "KO"},
               {"url": feed_server.url("/ru.xml"), "name": "RU"}, {"url": feed_server.url("/fr.xml"), "name": "FR"}],
        entities=ENTITIES,
    )  # fmt: skip
    watcher = Watcher.open(load_config(config_path))
    asyncio.run(_two_passes(watcher, feed_server, []))


async def _two_passes(watcher: Watcher, feed_server: FeedServer, first_key: list[str]) -> None:
    try:
        await watcher.poll(everything=True)
        with watcher.db.session() as session:
            analysed = {item.title: row for row, item in session.execute(select(StoryItem, Item).join(Item))}
            assert set(analysed) == {ITALIAN["title"], KOREAN["title"]}  # the silenced old item is not analysed
            assert analysed[ITALIAN["title"]].story_id == analysed[KOREAN["title"]].story_id
            assert analysed[KOREAN["title"]].language == "ko"
            story = session.scalars(select(Story)).one()
            assert story.languages == ["it", "ko"] and story.outlets == ["IT", "KO"] and story.entities == ["Xiaomi"]
            events = {
                (event.type, name, event.market)
                for event, name in session.execute(select(ItemEvent, Entity.name).join(Entity))
            }
            assert events == {("market_entry", "Xiaomi", "KR"), ("partnership", "Xiaomi", None),
                              ("patent", "Xiaomi", None)}  # fmt: skip
            first_key.append(story.key)

        # A later pass: the Russian and French reports arrive and join the story; nothing is analysed twice.
        feed_server.routes["/ru.xml"] = Route(body=rss({**RUSSIAN, "pubDate": rfc822_ago(minutes=10)}, language="ru"))
        feed_server.routes["/fr.xml"] = Route(body=rss({**FRENCH, "pubDate": rfc822_ago(minutes=20)}, language="fr"))
        await watcher.poll(everything=True)
        with watcher.db.session() as session:
            story = session.scalars(select(Story)).one()
            assert story.key == first_key[0] and story.item_count == 4
            assert story.languages == ["it", "ko", "fr", "ru"]
            assert session.query(StoryItem).count() == 4
            french = session.scalars(select(Item).where(Item.title == FRENCH["title"])).one()
            entries = session.execute(
                select(ItemEvent.market, ItemEvent.evidence).where(
                    ItemEvent.item_id == french.id, ItemEvent.type == "market_entry"
                )
            ).all()
            assert entries == [("KR", FRENCH["title"])]
    finally:
        await watcher.aclose()


def test_a_pass_of_silenced_matches_builds_no_analyzer(tmp_path: Path, feed_server: FeedServer) -> None:
    """A new feed's back-catalogue is stored silenced: nothing waits to be analysed, so the analysis stage
    (its tables, automata and model: ~30 MB and ~0.2-0.3 CPU-s) is not built; a later match is analysed."""
    feed_server.routes["/it.xml"] = Route(body=rss({**OLD_ITALIAN, "pubDate": rfc822_ago(days=20)}))
    config_path = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml"), "name": "IT"}], entities=ENTITIES)
    watcher = Watcher.open(load_config(config_path))
    asyncio.run(_silenced_then_new(watcher, feed_server))


async def _silenced_then_new(watcher: Watcher, feed_server: FeedServer) -> None:
    try:
        summary = await watcher.poll(everything=True)
        assert summary.new_matches == 1
        assert watcher.story_keeper._analyzer is None  # run after the pass, with nothing to analyse
        feed_server.routes["/it.xml"] = Route(
            body=rss({**ITALIAN, "pubDate": rfc822_ago(hours=1)}, {**OLD_ITALIAN, "pubDate": rfc822_ago(days=20)})
        )
        await watcher.poll(everything=True)
        assert watcher.story_keeper._analyzer is not None
        with watcher.db.session() as session:
            assert [item.title for _row, item in session.execute(select(StoryItem, Item).join(Item))] == [
                ITALIAN["title"]
            ]
    finally:
        await watcher.aclose()


SAMSUNG = {
    "title": "Samsung opens its first chip plant in Vietnam",
    "link": "https://en.example/samsung",
    "description": "<p>Samsung Electronics opened a plant near Hanoi, its first in Vietnam.</p>",
}


def test_a_new_process_analyses_again_only_the_open_stories_a_new_report_could_join(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """`watcher poll --once` starts with nothing in memory: to place a new Xiaomi report it reads back and
    analyses the open Xiaomi story's reports, not those of every open story (here Samsung's). A one-pass process,
    it lets the Analyzer's tables go once the texts are read: the vectors, made after, still join the reports."""
    feed_server.routes["/it.xml"] = Route(body=rss({**ITALIAN, "pubDate": rfc822_ago(hours=5)}))
    feed_server.routes["/ko.xml"] = Route(body=rss({**KOREAN, "pubDate": rfc822_ago(hours=3)}, language="ko"))
    feed_server.routes["/en.xml"] = Route(body=rss({**SAMSUNG, "pubDate": rfc822_ago(hours=4)}, language="en"))
    feeds = [{"url": feed_server.url(f"/{name}.xml"), "name": name.upper()} for name in ("it", "ko", "en", "ru")]
    entities = [*ENTITIES, {"name": "Samsung", "aliases": ["Samsung"]}]
    config_path = write_config(tmp_path, feeds=feeds, entities=entities)
    first = Watcher.open(load_config(config_path))
    asyncio.run(_one_pass(first))
    feed_server.routes["/ru.xml"] = Route(body=rss({**RUSSIAN, "pubDate": rfc822_ago(minutes=10)}, language="ru"))
    second = Watcher.open(load_config(config_path), one_pass=True)
    analysed: list[str] = []
    analyzer = second.story_keeper.analyzer
    analyse = analyzer.analyse
    analyzer.analyse = lambda inputs, **options: (
        analysed.extend(item.title for item in inputs),
        analyse(inputs, **options),
    )[1]
    asyncio.run(_one_pass(second))
    assert sorted(analysed) == sorted([RUSSIAN["title"], ITALIAN["title"], KOREAN["title"]])
    assert second.story_keeper._analyzer is None and market_finder.cache_info().currsize == 0  # let go
    kept = second.story_keeper.facts  # the open Xiaomi story's reports, read back and new: each has its vector
    assert len(kept) == 3 and all(facts.vector is not None for facts in kept.values())
    with second.db.session() as session:
        stories = {item.title: row.story_id for row, item in session.execute(select(StoryItem, Item).join(Item))}
    assert stories[RUSSIAN["title"]] == stories[ITALIAN["title"]] == stories[KOREAN["title"]]
    assert stories[SAMSUNG["title"]] != stories[ITALIAN["title"]]


async def _one_pass(watcher: Watcher) -> None:
    try:
        await watcher.poll(everything=True)
    finally:
        await watcher.aclose()
