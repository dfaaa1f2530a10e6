"""The bulk store path (items and matches on the DB-API cursor) stores exactly what SQLAlchemy's inserts did.

store_items and add_matches build each row's values themselves (times as SQLite text or aware UTC, JSON as
text) instead of letting SQLAlchemy process every parameter. Here the same entries go through both ways
into two feeds, on SQLite and on PostgreSQL, and every stored column is compared: as the engine holds it
(read with plain SQL, so a time written in another text form would show) and as the models read it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from watcher.clock import utcnow
from watcher.config import EntityConfig, FeedConfig
from watcher.match.matcher import Matcher
from watcher.match.results import snippet_for
from watcher.models import Feed, Item, Match
from watcher.parse.entry import Entry, entry_identity
from watcher.store import Database, add_matches, entity_ids, new_entries, store_items, sync_entities, sync_feeds

ENTITIES = [
    EntityConfig(name="Ørsted", aliases=["Ørsted"]),
    EntityConfig(name="Samsung", aliases=["Samsung", "삼성"]),
    EntityConfig(name="Quote", aliases=['say "hi"', "back\\slash"]),
]
ITEM_COLUMNS = (
    "identity, dedup_key, guid, link, title, summary, content, language, author, published_at, first_seen_at, "
    "url_key, title_key, publisher, fulltext_status, fulltext_error, fulltext_at, fulltext_chars"
)
MATCH_COLUMNS = (
    "entity_id, alias, field, start_offset, end_offset, surface, snippet, highlights, hits, backfilled, "
    "suppressed, matched_at"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'bulk.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = Database(url)
    database.upgrade()
    yield database
    database.dispose()


def entries(now: datetime) -> list[Entry]:
    texts = [
        ("Ørsted vinder udbud", 'Ørsted og Samsung: "say hi" and say "hi" — back\\slash\nnext line 🎉', ""),
        ("삼성전자, 새 공장", "삼성 발표", "Samsung Electronics said so.\nSamsung again."),
        ("Nothing here", "plain text", ""),
        ("Samsung", "", ""),
    ]
    made = []
    for index, (title, summary, content) in enumerate(texts):
        published = [
            now - timedelta(hours=3, microseconds=123456),
            None,
            now + timedelta(days=2),  # in the future: stored as now
            (now - timedelta(days=1)).astimezone(timezone(timedelta(hours=9))),  # another zone, same moment
        ][index]
        link = f"https://news.example/a/{index}?utm_source=x" if index != 2 else None
        made.append(
            Entry(
                identity=entry_identity(f"g-{index}", link, title, ""),
                guid=f"g-{index}",
                link=link,
                title=title,
                summary=summary,
                content=content,
                published=published,
                language=["da", "ko", None, "en"][index],
                author=["A. Writer", None, "x" * 700, ""][index],
            )
        )
    return made


def old_path(
    session: Any, feed_id: int, batch: list[Entry], matcher: Matcher, ids: dict[str, int], now: datetime
) -> None:
    """The inserts as SQLAlchemy did them before: Core executemany of dicts, JSON lists, aware datetimes."""
    rows = [
        dict(
            feed_id=feed_id,
            identity=entry.identity,
            dedup_key=entry.dedup_key,
            guid=entry.guid,
            link=entry.link,
            title=entry.title,
            summary=entry.summary,
            content=entry.content,
            language=entry.language,
            author=(entry.author or None) and entry.author[:500],
            published_at=min(entry.published, now) if entry.published else None,
            first_seen_at=now,
        )
        for entry in batch
    ]
    inserted = dict(session.execute(insert(Item).returning(Item.identity, Item.id), rows).all())
    match_rows = []
    for entry in batch:
        for found in matcher.match(entry.fields):
            snippet = snippet_for(entry.fields, found)
            hit = found.primary
            match_rows.append(
                {
                    "item_id": inserted[entry.identity],
                    "entity_id": ids[found.entity],
                    "alias": hit.alias,
                    "field": hit.field,
                    "start_offset": hit.start,
                    "end_offset": hit.end,
                    "surface": hit.text,
                    "snippet": snippet.text,
                    "highlights": [list(span) for span in snippet.highlights],
                    "hits": [
                        {"alias": h.alias, "field": h.field, "start": h.start, "end": h.end, "text": h.text}
                        for h in found.hits
                    ],
                    "backfilled": False,
                    "suppressed": False,
                    "matched_at": now,
                }
            )
    session.execute(insert(Match), match_rows)


def stored(db: Database, feed_id: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(items, matches) of a feed as the engine holds them, JSON text decoded, ordered by identity."""
    mark = "?" if db.dialect == "sqlite" else "%s"
    with db.engine.connect() as connection:
        items = connection.exec_driver_sql(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE feed_id = {mark} ORDER BY identity", (feed_id,)
        ).all()
        matches = connection.exec_driver_sql(
            f"SELECT i.identity, {MATCH_COLUMNS} FROM matches m JOIN items i ON i.id = m.item_id "
            f"WHERE i.feed_id = {mark} ORDER BY i.identity, m.entity_id",
            (feed_id,),
        ).all()

    def decoded(row: Any) -> tuple[Any, ...]:
        return tuple(
            json.loads(value) if name in ("highlights", "hits") and isinstance(value, str) else value
            for name, value in zip(["identity", *MATCH_COLUMNS.split(", ")], row, strict=True)
        )

    return [tuple(row) for row in items], [decoded(row) for row in matches]


def test_bulk_path_stores_what_sqlalchemy_stored(db: Database) -> None:
    now = utcnow()
    with db.session() as session:
        sync_feeds(
            session,
            [FeedConfig(url="https://feeds.example/new.xml"), FeedConfig(url="https://feeds.example/old.xml")],
            now,
        )
        sync_entities(session, ENTITIES, now)
    with db.session() as session:
        ids = entity_ids(session)
        new_feed, old_feed = session.scalars(select(Feed.id).order_by(Feed.url)).all()
    matcher = Matcher.build(ENTITIES)
    batch = entries(now)

    with db.session() as session:
        fresh = new_entries(session, new_feed, batch, now)
        assert fresh == batch
        counts = store_items(session, new_feed, fresh, [matcher.match(entry.fields) for entry in fresh], ids, now)
    with db.session() as session:
        old_path(session, old_feed, batch, matcher, ids, now)

    new_items, new_matches = stored(db, new_feed)
    old_items, old_matches = stored(db, old_feed)
    assert counts == (4, len(old_matches)) and len(old_matches) >= 4
    assert new_items == old_items
    assert new_matches == old_matches

    # As the models read them.
    with db.session() as session:
        by_feed = {
            feed: sorted(
                (
                    (m.item.identity, m.entity_id, m.alias, m.snippet, m.highlights, m.hits, m.matched_at, m.suppressed)
                    for m in session.scalars(select(Match).join(Item).where(Item.feed_id == feed))
                ),
                key=lambda row: (row[0], row[1]),
            )
            for feed in (new_feed, old_feed)
        }
        published = {i.identity: i.published_at for i in session.scalars(select(Item).where(Item.feed_id == new_feed))}
    assert by_feed[new_feed] == by_feed[old_feed]
    assert all(row[6] == now for row in by_feed[new_feed])
    assert published[batch[0].identity] == batch[0].published
    assert published[batch[2].identity] == now  # a date in the future is stored as now
    assert published[batch[3].identity] == batch[3].published and published[batch[3].identity].tzinfo == UTC


def test_bulk_path_skips_what_is_stored_and_counts_only_rows_added(db: Database) -> None:
    now = utcnow()
    with db.session() as session:
        sync_feeds(session, [FeedConfig(url="https://feeds.example/a.xml")], now)
        sync_entities(session, ENTITIES, now)
    with db.session() as session:
        ids = entity_ids(session)
        feed_id = session.scalars(select(Feed.id)).one()
    matcher = Matcher.build(ENTITIES)
    batch = entries(now)
    matches = [matcher.match(entry.fields) for entry in batch]
    with db.session() as session:
        first = store_items(session, feed_id, batch, matches, ids, now)
    with db.session() as session:  # a racing instance's rows: all skipped, nothing counted
        assert store_items(session, feed_id, batch, matches, ids, now) == (0, 0)
        assert new_entries(session, feed_id, batch, now) == []
    with db.session() as session:
        item = session.scalars(select(Item).where(Item.identity == batch[0].identity)).one()
        assert add_matches(session, item.id, batch[0].fields, matches[0], ids, now, backfilled=True) == 0
        session.execute(Match.__table__.delete().where(Match.item_id == item.id))
        assert add_matches(session, item.id, batch[0].fields, matches[0], ids, now, backfilled=True) == len(matches[0])
    with db.session() as session:
        assert session.scalar(select(Match.backfilled).where(Match.item_id == item.id).limit(1)) is True
        assert len(session.scalars(select(Match.id)).all()) == first[1]


def test_sqlite_keeps_a_statement_journal_in_memory(tmp_path: Path) -> None:
    """The second feed's items in a group transaction change pages the first one's did: SQLite keeps a statement
    journal of them, which spilled to a temporary file (a write a page) past 64 KiB; it stays in memory, and the
    schema upgrade of this new database (temp files for its sorts) leaves the connection so."""
    upgraded = Database(f"sqlite:///{tmp_path / 'journal.db'}")
    upgraded.upgrade()
    with upgraded.session() as session:
        assert session.connection().exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY
    upgraded.dispose()
    db = Database(f"sqlite:///{tmp_path / 'journal.db'}")  # a later start: its connections are new
    now = utcnow()
    with db.session() as session:
        sync_feeds(session, [FeedConfig(url="https://feeds.example/a.xml")], now)
    with db.session() as session:
        feed_id = session.scalars(select(Feed.id)).one()
    links = [f"https://news.example/{index}" for index in range(400)]
    batches = [[_entry(link + tail, now) for link in links] for tail in ("", "?again")]
    with db.session() as session:
        for batch in batches:
            assert store_items(session, feed_id, batch, [[]] * len(batch), {}, now) == (len(batch), 0)
        assert [name for name in _open_files() if "etilqs" in name] == []  # SQLite's temporary files
    db.dispose()


def _entry(link: str, now: datetime) -> Entry:
    return Entry(entry_identity(None, link, "t", ""), None, link, f"Title {link}", "x" * 2000, "", now, "en")


def _open_files() -> list[str]:
    names = []
    for descriptor in Path("/proc/self/fd").iterdir():
        try:
            names.append(str(descriptor.readlink()))
        except OSError:
            continue  # closed meanwhile (the listing's own descriptor)
    return names


def test_sqlite_page_cache_holds_the_random_key_indexes(tmp_path: Path) -> None:
    """8 MB of page cache a connection (SQLite's default is 2 MB): an all-new pass's inserts land all over the
    url_key and title_key indexes, whose pages a smaller cache read back from the OS commit after commit."""
    db = Database(f"sqlite:///{tmp_path / 'cache.db'}")
    db.upgrade()
    with db.session() as session:
        assert session.connection().exec_driver_sql("PRAGMA cache_size").scalar() == -8000  # KiB
    db.dispose()


def test_release_memory_closes_the_idle_sqlite_connections_and_their_page_caches(tmp_path: Path) -> None:
    """A one-pass process lets SQLite's page caches go before its encoder loads (storykeeper._release_tables):
    the connections that held them are closed, and the next session opens another that reads the same rows."""
    import sqlite3

    db = Database(f"sqlite:///{tmp_path / 'release.db'}")
    db.upgrade()
    now = utcnow()
    with db.session() as session:
        sync_feeds(session, [FeedConfig(url="https://feeds.example/a.xml")], now)
        feed_id = session.scalars(select(Feed.id)).one()
        batch = [_entry(f"https://news.example/{index}", now) for index in range(200)]
        store_items(session, feed_id, batch, [[]] * len(batch), {}, now)
    with db.session() as session:
        held = session.connection().connection.dbapi_connection
        assert session.scalar(select(Item.id).where(Item.summary.like("%y%")).limit(1)) is None  # every page read
    assert db.engine.pool.checkedin() == 1
    db.release_memory()
    assert db.engine.pool.checkedin() == 0
    with pytest.raises(sqlite3.ProgrammingError):  # closed, its cache freed
        held.execute("SELECT 1")
    with db.session() as session:
        assert len(session.scalars(select(Item.id)).all()) == 200
    db.dispose()


def test_release_memory_keeps_an_in_memory_database() -> None:
    """An in-memory SQLite database exists only in its connection: releasing memory must not close it."""
    db = Database("sqlite:///:memory:")
    db.upgrade()
    with db.session() as session:
        sync_feeds(session, [FeedConfig(url="https://feeds.example/a.xml")], utcnow())
    db.release_memory()
    with db.session() as session:
        assert session.scalars(select(Feed.url)).all() == ["https://feeds.example/a.xml"]
    db.dispose()
