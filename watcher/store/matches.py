"""An item's matches as rows: inserted for a new item (store_items) or a stored one (add_matches, the backfill)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from watcher.match.results import EntityMatch
from watcher.store.bulk import bulk_for
from watcher.stored_matches import PreparedMatches, prepare_matches

if TYPE_CHECKING:
    from watcher.store.engine import Transaction


def add_matches(
    session: Transaction,
    item_id: int,
    fields: dict[str, str],
    matches: Iterable[EntityMatch],
    entity_id_by_name: dict[str, int],
    now: datetime,
    *,
    backfilled: bool = False,
    suppressed: bool = False,
) -> int:
    """Insert an item's matches (one per entity; one already stored is skipped). → how many were added."""
    bulk = bulk_for(session)
    flags = (bulk.true if backfilled else bulk.false, bulk.true if suppressed else bulk.false)
    rows = _match_rows(item_id, fields, matches, entity_id_by_name, bulk.stamp(now), *flags)
    return bulk.insert_matches(session, rows)


def _match_rows(
    item_id: int,
    fields: dict[str, str],
    matches: Iterable[EntityMatch] | PreparedMatches,
    entity_id_by_name: dict[str, int],
    matched_at: Any,
    backfilled: Any,
    suppressed: Any,
) -> list[tuple[Any, ...]]:
    """Rows of MATCH_COLUMNS (watcher.store.bulk); `matched_at` and the flags as the dialect binds them (Bulk.stamp,
    Bulk.true). `matches` as the matcher gave them, or already prepared (prepare_matches, in the parse worker)."""
    prepared = matches if isinstance(matches, PreparedMatches) else prepare_matches(fields, matches)
    tail = (backfilled, suppressed, matched_at)
    return [
        (item_id, entity_id, *values, *tail)
        for entity, *values in prepared
        if (entity_id := entity_id_by_name.get(entity)) is not None
    ]
