"""Keeping the search index up to date: each item's folded terms (terms.document), written after each
polling pass by the daemon and `run --once`. New items are found above the highest id indexed; items
committed late by another instance (ids below it) within the last hour are caught as well. After an
upgrade or a `db copy` (the index is not copied), stored items are indexed BATCH per pass, oldest first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from watcher.models import Item
from watcher.search.terms import document

BATCH = 5000
LATE_WINDOW = timedelta(hours=1)

_ITEMS = Item.__table__
_COLUMNS = (_ITEMS.c.id, _ITEMS.c.title, _ITEMS.c.summary, _ITEMS.c.content)

_SQL = {
    "postgresql": {
        "highest": "SELECT max(item_id) FROM search_documents",
        "missing": "NOT EXISTS (SELECT 1 FROM search_documents d WHERE d.item_id = items.id)",
        "write": (
            "INSERT INTO search_documents (item_id, document) VALUES (:id, to_tsvector('simple', :body)) "
            "ON CONFLICT (item_id) DO UPDATE SET document = excluded.document"
        ),
    },
    "sqlite": {
        "highest": "SELECT rowid FROM search_fts ORDER BY rowid DESC LIMIT 1",
        "missing": "NOT EXISTS (SELECT 1 FROM search_fts WHERE search_fts.rowid = items.id)",
        "write": "INSERT OR REPLACE INTO search_fts (rowid, body) VALUES (:id, :body)",
    },
}


def index_pending(session: Session, now: datetime, limit: int = BATCH) -> int:
    """Index items not indexed yet, at most about `limit`. → items indexed."""
    sql = _SQL[session.get_bind().dialect.name]
    highest = session.execute(text(sql["highest"])).scalar() or 0
    rows = session.execute(select(*_COLUMNS).where(_ITEMS.c.id > highest).order_by(_ITEMS.c.id).limit(limit)).all()
    late = select(*_COLUMNS).where(
        _ITEMS.c.first_seen_at >= now - LATE_WINDOW, _ITEMS.c.id <= highest, text(sql["missing"])
    )
    rows += session.execute(late.limit(limit)).all()
    if rows:
        session.execute(
            text(sql["write"]), [{"id": row.id, "body": document(row.title, row.summary, row.content)} for row in rows]
        )
    return len(rows)
