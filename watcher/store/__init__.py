"""The database edge, one module per concern; everything a stage needs is importable from here.

engine  — Database (transactions, session helper), schema upgrades; lean: its SQLite connections
copying — a database copied to another engine
sync    — config.yaml → feeds and entities tables
leases  — which instance holds a feed or a digest send
feeds   — due feeds, claims, and the outcome of each poll
dedup   — which of a feed's entries are new (by identity, or by normalised link)
items   — new items and their matches stored, backfill reads, retention
item_sources — one item per article across sources (a search result, a publisher's feed)
matches — an item's matches as rows
articles — the full text of linked articles: waiting items, claims, outcomes
digests — undelivered matches, claims and sends of digests
status  — read-only views for the CLI and the digest footer
stories — which matched items need analysing, the open stories, and the results
feedback — verdicts on matches (not relevant, held, relevant) and alias precision
alerts  — instant alerts' outbox: stories rules look at, one row per rule and story, sending state
browse  — read-only views for the web page (an entity's stories and events, a story's reports)

The polling path's statements are SQL text on DB-API cursors (watcher/store/bulk.py's execute and fetch), so that a
`watcher poll` on SQLite imports no SQLAlchemy (watcher/store/lean.py); the rest work on the Core tables
(watcher/tables.py), imported where they are used. The digests' and status views read through
the ORM's mapped classes (watcher.models): they are imported when one of their names is first asked for
(_ORM_VIEWS), so a `watcher poll` never imports the ORM.
"""

import importlib
from typing import TYPE_CHECKING, Any

from watcher.store.articles import ArticleToFetch, claim_articles, record_article, release_articles
from watcher.store.copying import copy_database
from watcher.store.dedup import DEDUP_WINDOW, new_entries, stored_identities
from watcher.store.engine import Database, migrations_path, schema_revision, upgrade_schema
from watcher.store.feeds import (
    FeedState,
    claim_due_feeds,
    count_due_feeds,
    defer_feed,
    defer_host_feeds,
    due_feeds,
    next_due_at,
    record_failure,
    record_redirect,
    record_success,
    record_unchanged,
    release_leases,
)
from watcher.store.item_sources import ItemKeys, has_search_feeds
from watcher.store.items import item_fields, item_ids_since, prune_unmatched_items, store_items
from watcher.store.leases import instance_id
from watcher.store.matches import add_matches
from watcher.store.sync import entity_ids, feed_fingerprint, sync_entities, sync_feeds

if TYPE_CHECKING:
    from watcher.store.digests import (
        MatchRow,
        claim_matches,
        daily_volumes,
        delivered_count,
        digest_by_key,
        digest_matches,
        earliest_item_at,
        pending_digests,
        recent_matches,
        release_matches,
        take_send_lease,
        undelivered_matches,
    )
    from watcher.store.status import FeedStatus, StatusCounts, failing_feeds, feed_statuses, status_counts

_ORM_VIEWS = {
    **dict.fromkeys(
        (
            "MatchRow",
            "claim_matches",
            "daily_volumes",
            "delivered_count",
            "digest_by_key",
            "digest_matches",
            "earliest_item_at",
            "pending_digests",
            "recent_matches",
            "release_matches",
            "take_send_lease",
            "undelivered_matches",
        ),
        "digests",
    ),
    **dict.fromkeys(("FeedStatus", "StatusCounts", "failing_feeds", "feed_statuses", "status_counts"), "status"),
}


def __getattr__(name: str) -> Any:
    """A name of the digests' or status views: their module imported now (see the docstring)."""
    if name in _ORM_VIEWS:
        value = getattr(importlib.import_module(f"watcher.store.{_ORM_VIEWS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEDUP_WINDOW",
    "ArticleToFetch",
    "Database",
    "FeedState",
    "FeedStatus",
    "ItemKeys",
    "MatchRow",
    "StatusCounts",
    "add_matches",
    "claim_articles",
    "claim_due_feeds",
    "claim_matches",
    "copy_database",
    "count_due_feeds",
    "daily_volumes",
    "defer_feed",
    "defer_host_feeds",
    "delivered_count",
    "digest_by_key",
    "digest_matches",
    "due_feeds",
    "earliest_item_at",
    "entity_ids",
    "failing_feeds",
    "feed_fingerprint",
    "feed_statuses",
    "has_search_feeds",
    "instance_id",
    "item_fields",
    "item_ids_since",
    "migrations_path",
    "new_entries",
    "next_due_at",
    "pending_digests",
    "prune_unmatched_items",
    "recent_matches",
    "record_article",
    "record_failure",
    "record_redirect",
    "record_success",
    "record_unchanged",
    "release_articles",
    "release_leases",
    "release_matches",
    "schema_revision",
    "status_counts",
    "store_items",
    "stored_identities",
    "sync_entities",
    "sync_feeds",
    "take_send_lease",
    "undelivered_matches",
    "upgrade_schema",
]
