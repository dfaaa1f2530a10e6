"""Revision 0008: the article keys of stored items become 64-bit integers, and still find their articles.

A database at revision 0007 holds items with hex url_key and title_key (as watcher stored them then); after
the upgrade each key is the integer watcher computes now for the same link or title, so a search result of an
article stored before the upgrade is still recognised as that item, on SQLite and PostgreSQL. The search
index's trigger survives SQLite's rebuild of the table, and a downgrade gives the link keys back.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import inspect, select, text

from tests.pg import downgrade
from watcher.clock import utcnow
from watcher.coverage.keys import normalise_title, title_key, url_key
from watcher.models import Item, ItemSource
from watcher.parse.entry import Entry, entry_identity
from watcher.parse.links import normalise_link
from watcher.store import Database, ItemKeys, schema_revision, store_items, upgrade_schema

LINK = "https://www.example.it/2026/xiaomi/?utm_source=rss"
TITLE = "Xiaomi entra nel mercato sudcoreano"


def hex_digest(*parts: str) -> str:
    """A key as revision 0007 stored it: the sha256 hex digest (what watcher.coverage.keys made then)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def test_stored_keys_become_integers_that_still_find_their_article(database: Database) -> None:
    upgrade_schema(database.engine, "0007_workbench")
    old_url, old_title = (
        hex_digest("link", normalise_link(LINK)),
        hex_digest("site-title", "example.it", normalise_title(TITLE)),
    )
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "insert into feeds (id, url, active, next_poll_at, consecutive_failures, created_at, redirect_streak)"
                " values (1, 'direct', true, :now, 0, :now, 0), (2, 'search', true, :now, 0, :now, 0)"
            ),
            {"now": utcnow()},
        )
        connection.execute(text("update feeds set origin = 'search' where id = 2"))
        connection.execute(
            text(
                "insert into items (id, feed_id, identity, dedup_key, link, title, summary, content, first_seen_at,"
                " url_key, title_key) values (1, 1, 'i1', :url, :link, :title, '', '', :now, :url, :title_key),"
                " (2, 1, 'i2', null, null, 'untitled', '', '', :now, null, null)"
            ),
            {"url": old_url, "link": LINK, "title": TITLE, "title_key": old_title, "now": utcnow()},
        )
    upgrade_schema(database.engine, "0008_short_article_keys")
    assert schema_revision(database.engine) == "0008_short_article_keys"
    with database.session() as session:
        keys = session.execute(select(Item.id, Item.url_key, Item.title_key).order_by(Item.id)).all()
        assert [tuple(row) for row in keys] == [(1, url_key(LINK), title_key("example.it", TITLE)), (2, None, None)]
        assert isinstance(keys[0].url_key, int)
        # A search result of the article, by link and, from another engine link, by site and title: no new items.
        for link, keyed in ((LINK, ItemKeys(url_key(LINK))), ("https://engine.example/r", ItemKeys(None, keys[0][2]))):
            result = Entry(entry_identity(link, link, TITLE, ""), link, link, TITLE, "", "", utcnow(), "it")
            assert store_items(session, 2, [result], [[]], {}, utcnow(), keys=[keyed], search=True) == (0, 0)
        assert session.scalar(select(ItemSource.item_id).limit(1)) == 1
        assert len(session.scalars(select(ItemSource.id)).all()) == 2
    indexes = {index["name"]: index for index in inspect(database.engine).get_indexes("items")}
    assert indexes["ix_items_url_key"]["unique"] and indexes["ix_items_url_key"]["column_names"] == ["url_key"]
    assert indexes["ix_items_title_key"]["column_names"] == ["title_key"]
    if database.dialect == "sqlite":  # the search index's trigger, lost with the old table, is there again
        with database.engine.begin() as connection:
            connection.execute(text("insert into search_fts (rowid, body) values (2, 'untitled')"))
            connection.execute(text("delete from items where id = 2"))
            assert connection.execute(text("select count(*) from search_fts")).scalar() == 0

    downgrade(database, "0007_workbench")
    with database.engine.connect() as connection:
        assert connection.execute(text("select url_key, title_key from items where id = 1")).all() == [(old_url, None)]
