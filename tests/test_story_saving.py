"""save_analysis writes a pass's links and events a statement for many rows: what it stores and counts is what one
statement a row stored, on SQLite and PostgreSQL, a report moving between stories in the same pass included."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import text

from watcher.clock import utcnow
from watcher.store import Database, upgrade_schema
from watcher.store.story_saving import AnalysedItem, save_analysis

LAUNCH = "Globex launches the Orbit kettle in Lisbon"


def _items_of_one_feed(database: Database, count: int) -> None:
    now = utcnow()
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "insert into feeds (id, url, active, next_poll_at, consecutive_failures, created_at, redirect_streak)"
                " values (1, 'u', true, :now, 0, :now, 0)"
            ),
            {"now": now},
        )
        for item_id in range(1, count + 1):
            connection.execute(
                text(
                    "insert into items (id, feed_id, identity, title, summary, content, first_seen_at)"
                    " values (:id, 1, :identity, :title, '', '', :now)"
                ),
                {"id": item_id, "identity": f"i{item_id}", "title": f"{LAUNCH} ({item_id})", "now": now},
            )
        connection.execute(
            text(
                "insert into entities (id, name, fingerprint, active, created_at, updated_at)"
                " values (1, 'Globex', 'f', true, :now, :now)"
            ),
            {"now": now},
        )


def _rows(database: Database, query: str) -> list[tuple[object, ...]]:
    with database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query))]


def _listed(value: object) -> object:
    """A JSON column as read by a text query: parsed by PostgreSQL's driver, a string from SQLite."""
    return json.loads(value) if isinstance(value, str) else value


def _save(database: Database, analysed: list[AnalysedItem]) -> int:
    with database.session() as session:
        stored = save_analysis(session, analysed, utcnow())
        session.commit()
    return stored


def test_a_pass_of_reports_is_stored_and_counted_as_one_at_a_time(database: Database) -> None:
    upgrade_schema(database.engine)
    _items_of_one_feed(database, 4)
    start = utcnow() - timedelta(hours=5)
    launch = ("product_launch", "Globex", "PT", LAUNCH)
    recall = ("recall", "Globex", None, "Globex recalls the Orbit kettle")
    untracked = ("partnership", "Nobody", None, "")
    analysed = [
        AnalysedItem(1, "kettle", start, "en", "Daily A", ["Globex"], [launch, launch]),  # the same event twice
        AnalysedItem(2, "kettle", start + timedelta(hours=1), "pt", "Diário B", ["Globex"], [launch]),
        AnalysedItem(3, "recall", start + timedelta(hours=2), "en", "Daily A", ["Globex"], [recall]),
        AnalysedItem(4, "kettle", start + timedelta(hours=3), "en", "Daily C", ["Globex"], [untracked]),
    ]  # fmt: skip
    assert _save(database, analysed) == 3  # once a row stored; an entity not tracked has none
    stories = _rows(database, "select key, item_count, languages, outlets from stories order by key")
    assert [(key, count) for key, count, _languages, _outlets in stories] == [("kettle", 3), ("recall", 1)]
    assert _listed(stories[0][2]) == ["en", "pt"] and _listed(stories[0][3]) == ["Daily A", "Diário B", "Daily C"]
    assert _rows(database, "select item_id, type, market from item_events order by item_id, type") == [
        (1, "product_launch", "PT"), (2, "product_launch", "PT"), (3, "recall", None)
    ]  # fmt: skip
    assert len(_rows(database, "select item_id from story_items")) == 4

    # The next pass: a new report joins "recall" before a report of it, analysed again, leaves for "kettle". The new
    # report's link is written before the move asks whether "recall" has a report left: it does, and stays.
    _items_of_one_feed_more(database, 5)
    again = [
        AnalysedItem(5, "recall", start + timedelta(hours=4), "en", "Daily D", ["Globex"], [recall]),
        AnalysedItem(3, "kettle", start + timedelta(hours=5), "en", "Daily A", ["Globex"], [launch]),
    ]  # fmt: skip
    assert _save(database, again) == 2
    assert _rows(database, "select key, item_count from stories order by key") == [("kettle", 4), ("recall", 1)]
    story_of = dict(_rows(database, "select i.item_id, s.key from story_items i join stories s on s.id = i.story_id"))
    assert story_of == {1: "kettle", 2: "kettle", 3: "kettle", 4: "kettle", 5: "recall"}
    # Item 3's recall went with it to "kettle"; item 5's is "recall"'s.
    events = "select e.item_id, e.type, s.key from item_events e join stories s on s.id = e.story_id order by 1, 2"
    moved = [(3, "product_launch", "kettle"), (3, "recall", "kettle"), (5, "recall", "recall")]
    assert _rows(database, events)[2:] == moved

    # Analysed again with nothing new: no event twice, none counted.
    assert _save(database, again) == 0


def _items_of_one_feed_more(database: Database, item_id: int) -> None:
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "insert into items (id, feed_id, identity, title, summary, content, first_seen_at)"
                " values (:id, 1, :identity, :title, '', '', :now)"
            ),
            {"id": item_id, "identity": f"i{item_id}", "title": "Globex recalls the Orbit kettle", "now": utcnow()},
        )
