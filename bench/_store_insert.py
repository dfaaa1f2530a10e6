"""bench/store's insert runs: the feeds' entries, watcher's new_entries + store_items, and the DB-API floor."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from watcher.config import EntityConfig
from watcher.match.matcher import Matcher
from watcher.parse.entry import Entry, entry_identity
from watcher.store import Database, entity_ids, new_entries, store_items, sync_entities, sync_feeds

ENTITIES = ("Xiaomi", "Samsung Electronics", "Hyundai Motor", "Ferrari", "Nintendo", "Siemens", "Ørsted", "Toyota")
WORDS = (  # noqa: SIM905
    "market share quarter revenue analysts expect growth supply chain factory output shipments retail consumers "
    "regulators approval launch product line pricing strategy competition region investment capital spending"
).split()
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def entries_for(feed: int, count: int, rate: float = 4.0) -> list[Entry]:
    """rate: matches per 100 items; from 100 on, every entry names rate/100 entities."""
    entries = []
    every = round(100 / rate) if 0 < rate < 100 else 0
    for k in range(count):
        if rate >= 100:
            mention = "".join(f"{ENTITIES[(feed + k + n) % len(ENTITIES)]} " for n in range(round(rate / 100)))
        else:
            mention = f"{ENTITIES[(feed + k) % len(ENTITIES)]} " if every and (feed * 7 + k) % every == 0 else ""
        summary = mention + " ".join(WORDS[(feed * 31 + k * 17 + n * 7) % len(WORDS)] for n in range(45)) + "."
        link = f"https://news.example/{feed}/{k}.html"
        guid = f"bench-{feed}-{k}"
        title = f"{mention}quarterly update {feed}-{k} on supply and pricing"
        entries.append(
            Entry(
                identity=entry_identity(guid, link, title, ""),
                guid=guid,
                link=link,
                title=title,
                summary=summary,
                content="",
                published=NOW - timedelta(hours=k),
                language="en",
            )
        )
    return entries


def prepare(url: str, feeds: int) -> tuple[Database, dict[str, int], list[int]]:
    from sqlalchemy import select

    from watcher.config import FeedConfig
    from watcher.models import Feed

    db = Database(url)
    db.upgrade()
    with db.session() as session:
        sync_feeds(session, [FeedConfig(url=f"https://feeds.example/{index}.xml") for index in range(feeds)], NOW)
        sync_entities(session, [EntityConfig(name=name) for name in ENTITIES], NOW)
    with db.session() as session:
        ids = entity_ids(session)
        feed_ids = list(session.scalars(select(Feed.id).order_by(Feed.id)))
    return db, ids, feed_ids


def run_watcher(
    url: str,
    feeds: int,
    per_feed: int,
    matcher: Matcher,
    batches: list[list[Entry]],
    prepared: bool = False,
    group: int = 1,
    keys: bool = False,
) -> dict:
    from watcher.coverage.keys import key_of_digest
    from watcher.store.item_sources import ItemKeys

    db, ids, feed_ids = prepare(url, feeds)
    matches = [[matcher.match(entry.fields) for entry in batch] for batch in batches]  # outside the timing
    if prepared:  # as the daemon's parse workers hand them over: snippets and JSON made there
        from watcher.stored_matches import prepare_matches

        matches = [
            [prepare_matches(entry.fields, found) for entry, found in zip(batch, found_in_batch, strict=True)]
            for batch, found_in_batch in zip(batches, matches, strict=True)
        ]
    for batch in batches:
        for entry in batch:
            entry.dedup_key  # noqa: B018 -- as parse_feed does in the parse worker, outside the timing
    # --keys: each item's url_key and title_key as the daemon stores them (sources.item_keys; made outside the timing)
    item_keys = {
        entry.identity: ItemKeys(key_of_digest(entry.dedup_key), entry.site_keys[2]) if keys else ItemKeys()
        for batch in batches
        for entry in batch
    }
    work = list(zip(feed_ids, batches, matches, strict=True))
    items = found = 0
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(work), group):
        with db.session() as session:
            for feed_id, batch, batch_matches in work[start : start + group]:
                fresh = new_entries(session, feed_id, batch, NOW)
                keep = {entry.identity for entry in fresh}
                chosen = [m for entry, m in zip(batch, batch_matches, strict=True) if entry.identity in keep]
                fresh_keys = [item_keys[entry.identity] for entry in fresh]
                counts = store_items(session, feed_id, fresh, chosen, ids, NOW, keys=fresh_keys, search_feeds=False)
                items += counts[0]
                found += counts[1]
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.dispose()
    return {"wall": wall, "cpu": cpu, "items": items, "matches": found}


def run_baseline(url: str, feeds: int, batches: list[list[Entry]]) -> dict:
    db, _ids, feed_ids = prepare(url, feeds)
    sqlite = db.dialect == "sqlite"
    mark = "?" if sqlite else "%s"
    columns = (
        "feed_id, identity, dedup_key, guid, link, title, summary, content, language, author, published_at, "
        "first_seen_at"
    )
    sql = f"INSERT INTO items ({columns}) VALUES ({', '.join([mark] * 12)})"

    def stamp(value: datetime) -> object:
        return value.replace(tzinfo=None).isoformat(sep=" ") if sqlite else value

    rows = [
        [
            (
                feed_id,
                e.identity,
                e.dedup_key,
                e.guid,
                e.link,
                e.title,
                e.summary,
                e.content,
                e.language,
                None,
                stamp(e.published),
                stamp(NOW),
            )
            for e in batch
        ]
        for feed_id, batch in zip(feed_ids, batches, strict=True)
    ]
    items = 0
    raw = db.engine.raw_connection()
    try:
        started, cpu = time.perf_counter(), time.process_time()
        for batch in rows:
            cursor = raw.cursor()
            if sqlite:
                cursor.execute("BEGIN IMMEDIATE")
            cursor.executemany(sql, batch)
            raw.commit() if not sqlite else cursor.execute("COMMIT")
            items += len(batch)
            cursor.close()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        raw.close()
    db.dispose()
    return {"wall": wall, "cpu": cpu, "items": items, "matches": 0}


def postgres_admin() -> object | None:
    try:
        import psycopg
    except ImportError:
        return None
    try:
        return psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.Error:
        return None
