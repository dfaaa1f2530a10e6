"""Items a backfill matches (an entity added to config.yaml, the config reloaded) are analysed as polled ones
are (real FeedServer, real SQLite): a report that named no tracked organisation before joins the other
report of its event; a report already in a story of several stays there, and the story gains the entity;
the new entity's events are stored. Nothing is analysed twice afterwards."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import FeedServer, Route, rfc822_ago, rss, write_config
from watcher.app import Watcher
from watcher.config import load_config
from watcher.models import Entity, Item, ItemEvent, Story, StoryItem

pytestmark = pytest.mark.clock

XIAOMI = {"name": "Xiaomi", "aliases": ["Xiaomi"], "tags": ["company"]}
KOREA = {"name": "Korea", "aliases": ["Korea*", "Südkorea*"], "tags": ["country"]}
LEICA = {"name": "Leica", "aliases": ["Leica"], "tags": ["company"]}
DEAL = {
    "title": "Xiaomi and Leica sign a partnership on smartphone cameras",
    "link": "https://en.example/deal",
    "description": "Xiaomi and the German camera maker Leica signed a multi-year agreement to develop phone "
    "cameras together.",
}
LAUNCH_EN = {
    "title": "Xiaomi launches the 15 Ultra with Leica optics",
    "link": "https://en.example/launch",
    "description": "Xiaomi unveiled its new flagship phone, the 15 Ultra, with a camera made with Leica.",
}
LAUNCH_IT = {
    "title": "Xiaomi lancia lo Xiaomi 15 Ultra",
    "link": "https://it.example/lancio",
    "description": "Xiaomi ha presentato il nuovo top di gamma 15 Ultra, con una fotocamera da 200 megapixel.",
}
STORE_EN = {
    "title": "Leica opens its first store in South Korea",
    "link": "https://en.example/store",
    "description": "The German camera maker Leica opened its first store in Seoul on Monday.",
}
STORE_DE = {
    "title": "Leica eröffnet ersten Laden in Südkorea",
    "link": "https://de.example/laden",
    "description": "Der Kamerahersteller Leica hat in Seoul seinen ersten Laden in Korea eröffnet.",
}


def test_a_backfilled_entity_joins_stories_with_its_events(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/en.xml"] = Route(
        body=rss({**DEAL, "pubDate": rfc822_ago(hours=9)}, {**LAUNCH_EN, "pubDate": rfc822_ago(hours=8)},
                 {**STORE_EN, "pubDate": rfc822_ago(hours=6)}, language="en")
    )  # fmt: skip
    feed_server.routes["/it.xml"] = Route(body=rss({**LAUNCH_IT, "pubDate": rfc822_ago(hours=7)}, language="it"))
    feed_server.routes["/de.xml"] = Route(body=rss({**STORE_DE, "pubDate": rfc822_ago(hours=5)}, language="de"))
    feeds = [{"url": feed_server.url(f"/{name}.xml"), "name": name.upper()} for name in ("en", "it", "de")]
    config_path = write_config(tmp_path, feeds=feeds, entities=[XIAOMI, KOREA])
    watcher = Watcher.open(load_config(config_path))
    asyncio.run(poll_then_backfill(watcher, tmp_path, feeds))


async def poll_then_backfill(watcher: Watcher, tmp_path: Path, feeds: list[dict]) -> None:
    try:
        await watcher.poll(everything=True)
        before = stories_by_title(watcher)
        assert before[STORE_EN["title"]] != before[STORE_DE["title"]]  # no tracked organisation: apart
        assert before[LAUNCH_EN["title"]] == before[LAUNCH_IT["title"]]
        assert len(set(before.values())) == 4

        config_path = write_config(tmp_path, feeds=feeds, entities=[XIAOMI, KOREA, LEICA])
        await asyncio.to_thread(watcher.apply, load_config(config_path))  # the daemon's reload: Leica backfilled

        after = stories_by_title(watcher)
        assert after[STORE_EN["title"]] == after[STORE_DE["title"]]  # Leica's store opening: one story now
        assert after[LAUNCH_EN["title"]] == after[LAUNCH_IT["title"]] == before[LAUNCH_EN["title"]]
        assert after[DEAL["title"]] == before[DEAL["title"]]
        with watcher.db.session() as session:
            stories = {story.key: story for story in session.scalars(select(Story))}
            assert len(stories) == 3 and sum(story.item_count for story in stories.values()) == 5  # one story left
            assert stories[after[DEAL["title"]]].entities == ["Xiaomi", "Leica"]
            assert stories[after[LAUNCH_EN["title"]]].entities == ["Xiaomi", "Leica"]
            store = stories[after[STORE_EN["title"]]]
            assert store.entities == ["Leica"] and store.event_types == ["market_entry"]
            assert sorted(store.languages) == ["de", "en"] and store.item_count == 2
            events = {
                (title, event.type, name, event.market, event.story_id)
                for event, name, title in session.execute(
                    select(ItemEvent, Entity.name, Item.title).join(Entity).join(Item, Item.id == ItemEvent.item_id)
                )
            }
            assert (DEAL["title"], "partnership", "Leica", None, stories[after[DEAL["title"]]].id) in events
            assert (STORE_DE["title"], "market_entry", "Leica", "KR", store.id) in events
            assert (STORE_EN["title"], "market_entry", "Leica", "KR", store.id) in events
            assert not any(name == "Leica" for title, _type, name, _market, _story in events if "15 Ultra" in title)

        assert watcher.story_keeper.run() == (0, 0)  # nothing waits: no item is analysed again and again
    finally:
        await watcher.aclose()


def stories_by_title(watcher: Watcher) -> dict[str, str]:
    with watcher.db.session() as session:
        rows = session.execute(select(Item.title, Story.key).join(StoryItem, StoryItem.item_id == Item.id).join(Story))
        return dict(rows.all())
