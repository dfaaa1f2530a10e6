"""Retention: items that matched nothing go after retention.unmatched_days; everything with a match stays.

Losing an item with a match loses the evidence behind a digest already mailed, so these tests put every
kind of match next to the unmatched items: plain, suppressed (a new feed's back-catalogue), backfilled
and delivered (claimed by a sent digest). Real databases: an SQLite file, and PostgreSQL where a server
answers. Ages are relative to the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import write_config
from watcher import app as app_module
from watcher.app import Watcher
from watcher.clock import utcnow
from watcher.config import load_config
from watcher.models import Delivery, Digest, Entity, Feed, Item, Match
from watcher.store import Database, prune_unmatched_items

# Items' ages (retention.unmatched_days) are measured from now.
pytestmark = pytest.mark.clock

OLD = timedelta(days=200)  # well past the 90-day default
RECENT = timedelta(days=10)


def open_watcher(tmp_path: Path, database_overrides: dict[str, str], **overrides: object) -> Watcher:
    overrides.update(database_overrides)
    config = write_config(tmp_path, feeds=[{"url": "http://127.0.0.1:9/feed.xml"}], **overrides)
    return Watcher.open(load_config(config))


@pytest.fixture
def opened() -> Iterator[list[Watcher]]:
    watchers: list[Watcher] = []
    yield watchers
    for watcher in watchers:
        watcher.close()


def add_item(db: Database, title: str, age: timedelta, now: datetime, match: str | None = None) -> None:
    """An item first seen `age` ago; with `match` one Xiaomi match: plain, suppressed, backfilled or delivered."""
    with db.session() as session:
        feed_id = session.scalars(select(Feed.id)).one()
        item = Item(feed_id=feed_id, identity=title, dedup_key=title, title=title, first_seen_at=now - age)
        session.add(item)
        session.flush()
        if match is None:
            return
        entity_id = session.scalars(select(Entity.id).where(Entity.name == "Xiaomi")).one()
        row = Match(
            item_id=item.id,
            entity_id=entity_id,
            alias="Xiaomi",
            field="title",
            start_offset=0,
            end_offset=6,
            surface="Xiaomi",
            snippet=title,
            matched_at=now - age,
            suppressed=match == "suppressed",
            backfilled=match == "backfilled",
        )
        session.add(row)
        session.flush()
        if match == "delivered":
            digest = Digest(key=f"daily:default:{title}", status="sent", created_at=now - age, sent_at=now - age)
            session.add(digest)
            session.flush()
            session.add(Delivery(match_id=row.id, route="default", digest_id=digest.id))


def titles(db: Database) -> set[str]:
    with db.session() as session:
        return set(session.scalars(select(Item.title)))


def counts(db: Database) -> list[int]:
    """[matches, deliveries, digests]"""
    with db.session() as session:
        return [session.scalar(select(func.count()).select_from(model)) or 0 for model in (Match, Delivery, Digest)]


MATCHED = {
    "old matched": "plain",
    "old suppressed": "suppressed",
    "old backfilled": "backfilled",
    "old delivered": "delivered",
}


def add_everything(db: Database, now: datetime, unmatched_old: int = 2) -> None:
    for index in range(unmatched_old):
        add_item(db, f"old unmatched {index}", OLD, now)
    add_item(db, "recent unmatched", RECENT, now)
    for title, kind in MATCHED.items():
        add_item(db, title, OLD, now, match=kind)
    add_item(db, "recent delivered", RECENT, now, match="delivered")


def test_prune_unmatched_items_deletes_old_unmatched_items_only(
    tmp_path: Path, database_overrides: dict[str, str], opened: list[Watcher]
) -> None:
    watcher = open_watcher(tmp_path, database_overrides)
    opened.append(watcher)
    now = utcnow()
    add_everything(watcher.db, now)
    before = counts(watcher.db)
    assert before == [5, 2, 2]

    with watcher.db.session() as session:
        assert prune_unmatched_items(session, now - timedelta(days=90)) == 2

    assert titles(watcher.db) == {"recent unmatched", "recent delivered", *MATCHED}
    assert counts(watcher.db) == before  # no match, delivery or digest went with an item


def test_prune_unmatched_items_stops_at_its_limit(
    tmp_path: Path, database_overrides: dict[str, str], opened: list[Watcher]
) -> None:
    watcher = open_watcher(tmp_path, database_overrides)
    opened.append(watcher)
    now = utcnow()
    add_everything(watcher.db, now, unmatched_old=5)

    with watcher.db.session() as session:
        assert prune_unmatched_items(session, now - timedelta(days=90), limit=2) == 2
    assert len([title for title in titles(watcher.db) if title.startswith("old unmatched")]) == 3
    with watcher.db.session() as session:
        assert prune_unmatched_items(session, now - timedelta(days=90), limit=2) == 2
        assert prune_unmatched_items(session, now - timedelta(days=90), limit=2) == 1
        assert prune_unmatched_items(session, now - timedelta(days=90), limit=2) == 0
    assert titles(watcher.db) == {"recent unmatched", "recent delivered", *MATCHED}


def test_watcher_prune_empties_every_batch_and_keeps_matched_items(
    tmp_path: Path, database_overrides: dict[str, str], opened: list[Watcher], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "PRUNE_BATCH", 2)  # 5 old unmatched items: batches of 2, 2 and 1
    watcher = open_watcher(tmp_path, database_overrides, retention={"unmatched_days": 30})
    opened.append(watcher)
    now = utcnow()
    add_everything(watcher.db, now, unmatched_old=5)
    add_item(watcher.db, "unmatched, 40 days", timedelta(days=40), now)  # past 30 days: goes
    add_item(watcher.db, "unmatched, 20 days", timedelta(days=20), now)  # within 30 days: stays
    before = counts(watcher.db)

    assert watcher.prune(now) == 6

    assert titles(watcher.db) == {"recent unmatched", "recent delivered", "unmatched, 20 days", *MATCHED}
    assert counts(watcher.db) == before
    assert watcher.prune(now) == 0


def test_retention_zero_keeps_every_item(
    tmp_path: Path, database_overrides: dict[str, str], opened: list[Watcher]
) -> None:
    watcher = open_watcher(tmp_path, database_overrides, retention={"unmatched_days": 0})
    opened.append(watcher)
    now = utcnow()
    add_everything(watcher.db, now)
    everything = titles(watcher.db)

    assert watcher.prune(now) == 0
    assert watcher.prune(now + timedelta(days=3650)) == 0
    assert titles(watcher.db) == everything
