"""config.yaml → tables (watcher/store/sync.py): a start with the config as it was writes nothing; every change
is still applied (the check that nothing changed reads plain rows before the ORM path runs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from watcher.config import EntityConfig, FeedConfig
from watcher.models import Entity, Feed
from watcher.store import Database, sync_entities, sync_feeds, upgrade_schema

NOW = datetime.now(UTC)  # given to each sync: no clock is read
LATER = NOW + timedelta(hours=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path / 's.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = Database(url)
    upgrade_schema(database.engine)
    yield database
    database.dispose()


def feeds_table(db: Database) -> dict[str, tuple]:
    with db.session() as session:
        return {
            feed.url: (feed.active, feed.name, feed.origin, feed.config_fingerprint, feed.next_poll_at)
            for feed in session.scalars(select(Feed))
        }


def sync(db: Database, feeds: list[FeedConfig], now: datetime, generated: list[FeedConfig] | None = None) -> None:
    with db.session() as session:
        sync_feeds(session, feeds, now, generated=generated or [])


def test_the_same_config_again_changes_nothing_and_each_change_is_applied(db: Database) -> None:
    a, b = FeedConfig(url="https://a.example/feed"), FeedConfig(url="https://b.example/feed", name="B")
    search = FeedConfig(url="https://news.example/search?q=x")
    sync(db, [a, b], NOW, [search])
    first = feeds_table(db)
    assert first[search.url][2] == "search" and first[a.url][2] is None
    sync(db, [a, b], LATER, [search])
    assert feeds_table(db) == first

    sync(db, [a, FeedConfig(url=b.url, name="Bee")], LATER, [search])  # renamed
    assert feeds_table(db)[b.url][1] == "Bee"
    sync(db, [a], LATER, [search])  # removed
    assert feeds_table(db)[b.url][0] is False
    sync(db, [a], LATER)  # the search no longer generated
    assert feeds_table(db)[search.url][0] is False
    sync(db, [a, b], LATER + LATER.resolution)  # back: due at once
    again = feeds_table(db)[b.url]
    assert again[0] is True and again[4] == LATER + LATER.resolution
    sync(db, [a, FeedConfig(url=b.url, name="B", interval="2h")], LATER)  # another setting: another fingerprint
    assert feeds_table(db)[b.url][3] != first[b.url][3]
    sync(db, [a, b, FeedConfig(url="https://c.example/feed")], LATER)  # added
    assert feeds_table(db)["https://c.example/feed"][0] is True


def test_entities_unchanged_report_nothing_and_a_changed_alias_is_reported(db: Database) -> None:
    xiaomi, toyota = EntityConfig(name="Xiaomi"), EntityConfig(name="Toyota")
    with db.session() as session:
        assert sync_entities(session, [xiaomi, toyota], NOW) == ["Xiaomi", "Toyota"]
    with db.session() as session:
        assert sync_entities(session, [xiaomi, toyota], LATER) == []
    with db.session() as session:
        assert sync_entities(session, [EntityConfig(name="Xiaomi", aliases=["小米"]), toyota], LATER) == ["Xiaomi"]
    with db.session() as session:
        assert sync_entities(session, [toyota], LATER) == []
        assert not session.scalar(select(Entity.active).where(Entity.name == "Xiaomi"))
    with db.session() as session:
        assert sync_entities(session, [xiaomi, toyota], LATER) == ["Xiaomi"]  # back, with its aliases as before
