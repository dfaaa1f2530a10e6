#!/usr/bin/env python3
"""The poll writer alone at issue 12's 10,000-feed scale: new_entries + store_items, G feeds a transaction.

Run from the repository root:  .venv/bin/python bench/bench_writer_scale.py ROOT [--feeds 10000] [--group 128]
                                   [--cache KIB | --cache fit] [--autocheckpoint PAGES]

ROOT: the checkout whose watcher/ and bench/ are used (A/B: this one and another, alternated). bench/store's
entries (50 a feed, every one naming two entities: 1,000,000 matches at 10,000 feeds), matched and prepared as the
parse workers hand them over, with the url_key and title_key the daemon stores, made outside the timing one group at a
time (not all 500,000 entries in memory). Timed: the group's transaction only (CPU and wall). --cache KIB sets the
writer's SQLite page cache on every connection; --cache fit calls store.fit_cache at each transaction, as branch
writer10k's writer does (not landed on main: ROOT must be that branch's checkout). Also printed: the process's I/O
during the stores (/proc/self/io: bytes and calls; SQLite's page reads and WAL writes, the same every run, unlike CPU
on a shared machine) and its peak RSS.
Not a test: it prints one line.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def io_counters() -> dict[str, int]:
    lines = Path("/proc/self/io").read_text().splitlines()
    return {key: int(value) for key, value in (line.split(": ") for line in lines)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--group", type=int, default=128, help="feeds a transaction")
    parser.add_argument("--cache", default="", help="KiB of SQLite page cache, or 'fit' (store.fit_cache)")
    parser.add_argument("--autocheckpoint", default="", help="PRAGMA wal_autocheckpoint (pages)")
    args = parser.parse_args()
    root = str(args.root.resolve())
    sys.path[:0] = [root, root + "/bench"]
    from _store_insert import ENTITIES, NOW, entries_for, prepare

    import watcher.store.engine as engine
    from watcher.config import EntityConfig
    from watcher.coverage.keys import key_of_digest
    from watcher.match.matcher import Matcher
    from watcher.store import new_entries, store_items
    from watcher.store.item_sources import ItemKeys
    from watcher.stored_matches import prepare_matches

    pragmas = engine._sqlite_pragmas

    def with_overrides(connection: Any, record: Any) -> None:
        pragmas(connection, record)
        cursor = connection.cursor()
        if args.cache and args.cache != "fit":
            cursor.execute(f"PRAGMA cache_size=-{int(args.cache)}")
        if args.autocheckpoint:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(args.autocheckpoint)}")
        cursor.close()

    engine._sqlite_pragmas = with_overrides  # Database listens with the module's function: patched before it is made
    work = Path(tempfile.mkdtemp(prefix="watcher-bench-writer-"))
    db, ids, feed_ids = prepare(f"sqlite:///{work / 'a.db'}", args.feeds)
    matcher = Matcher.build([EntityConfig(name=name) for name in ENTITIES])
    found_by_slot: dict[int, Any] = {}  # an entry's entities, and where they are, follow (feed + k) % 8

    def found(slot: int, fields: dict[str, str]) -> Any:
        if slot not in found_by_slot:
            found_by_slot[slot] = matcher.match(fields)
        return found_by_slot[slot]

    gc.freeze()
    cpu = wall = 0.0
    items = matches = 0
    before = io_counters()
    for start in range(0, args.feeds, args.group):
        group = []
        for feed in range(start, min(args.feeds, start + args.group)):
            batch = entries_for(feed, 50, 200)
            prepared = [prepare_matches(e.fields, found((feed + k) % 8, e.fields)) for k, e in enumerate(batch)]
            keys = {e.identity: ItemKeys(key_of_digest(e.dedup_key), e.site_keys[2]) for e in batch}
            group.append((feed_ids[feed], batch, prepared, keys))
        started, cpu_started = time.perf_counter(), time.process_time()
        with db.session() as session:
            if args.cache == "fit":
                from watcher.store import fit_cache

                fit_cache(session)
            for feed_id, batch, prepared, keys in group:
                fresh = new_entries(session, feed_id, batch, NOW)
                kept = {entry.identity for entry in fresh}
                chosen = [ready for entry, ready in zip(batch, prepared, strict=True) if entry.identity in kept]
                fresh_keys = [keys[entry.identity] for entry in fresh]
                stored = store_items(session, feed_id, fresh, chosen, ids, NOW, keys=fresh_keys, search_feeds=False)
                items, matches = items + stored[0], matches + stored[1]
        cpu += time.process_time() - cpu_started
        wall += time.perf_counter() - started
    after = io_counters()
    db.dispose()
    shutil.rmtree(work, ignore_errors=True)
    read, written = after["rchar"] - before["rchar"], after["wchar"] - before["wchar"]
    print(
        f"root={root} feeds={args.feeds} group={args.group} cache={args.cache or 'default'} "
        f"autocheckpoint={args.autocheckpoint or 'default'} load={os.getloadavg()[0]:.1f} items={items} "
        f"matches={matches} store_cpu_s={cpu:.2f} store_wall_s={wall:.2f} us_per_item={cpu / max(items, 1) * 1e6:.1f} "
        f"read_mb={read / 1e6:.0f}/{after['syscr'] - before['syscr']} calls "
        f"written_mb={written / 1e6:.0f}/{after['syscw'] - before['syscw']} calls "
        f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
