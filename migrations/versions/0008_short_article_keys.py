"""Article keys as 64-bit integers (issue 12): items.url_key and items.title_key

Every item has both keys, each under an index whose every insert lands on a random page. As 64-character hex
text these indexes were ~1,000 pages each per 50,000 items and most of the pages an all-new pass wrote to the
WAL; as 8-byte integers (the first 8 bytes of the same sha256 digests, watcher/coverage/keys.py) they are a
sixth of that. Existing keys are converted, not recomputed: the integer of a key is read from its hex digest.

Downgrade: a url_key comes back as its item's dedup_key where that is the same digest (an item's own link, as
revision 0006 set them); other url_keys and every title_key are left empty (8 bytes do not give the digest
back): a search result of an article stored before the downgrade may then be stored as an item of its own.

On SQLite the items table is rebuilt (batch mode), which drops its triggers: the search index's is made again.

Revision ID: 0008_short_article_keys
Revises: 0007_workbench
Create Date: 2026-11-30 19:30:00
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008_short_article_keys"
down_revision: str | None = "0007_workbench"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 5000  # items converted per round trip


def upgrade() -> None:
    _replace_keys(sa.BigInteger(), _upgraded)


def downgrade() -> None:
    _replace_keys(sa.String(length=64), _downgraded)


def _replace_keys(kind: sa.types.TypeEngine[Any], convert: Callable[[Any, Any, Any], tuple[Any, Any]]) -> None:
    """url_key and title_key replaced by columns of `kind` holding convert(url_key, title_key, dedup_key)."""
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("url_key_new", kind, nullable=True))
        batch_op.add_column(sa.Column("title_key_new", kind, nullable=True))
    _convert(convert)
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_title_key")
        batch_op.drop_index("ix_items_url_key")
        batch_op.drop_column("title_key")
        batch_op.drop_column("url_key")
        batch_op.alter_column("url_key_new", new_column_name="url_key")
        batch_op.alter_column("title_key_new", new_column_name="title_key")
    with op.batch_alter_table("items", schema=None) as batch_op:  # apart: the batch above knows no url_key yet
        batch_op.create_index("ix_items_url_key", ["url_key"], unique=True)
        batch_op.create_index("ix_items_title_key", ["title_key"], unique=False)
    if op.get_bind().dialect.name == "sqlite":  # the rebuilt table lost the trigger revision 0007 made
        op.execute("DROP TRIGGER IF EXISTS search_fts_item_deleted")
        op.execute(
            "CREATE TRIGGER search_fts_item_deleted AFTER DELETE ON items "
            "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END"
        )


def _convert(convert: Callable[[Any, Any, Any], tuple[Any, Any]]) -> None:
    bind = op.get_bind()
    select = sa.text(
        "SELECT id, url_key, title_key, dedup_key FROM items WHERE id > :last "
        "AND (url_key IS NOT NULL OR title_key IS NOT NULL) ORDER BY id LIMIT :chunk"
    )
    update = sa.text("UPDATE items SET url_key_new = :url_key, title_key_new = :title_key WHERE id = :id")
    last = 0
    while rows := bind.execute(select, {"last": last, "chunk": CHUNK}).all():
        changes = []
        for item_id, url_key, title_key, dedup_key in rows:
            new_url, new_title = convert(url_key, title_key, dedup_key)
            changes.append({"id": item_id, "url_key": new_url, "title_key": new_title})
        bind.execute(update, changes)
        last = rows[-1][0]


def _key(hexdigest: Any) -> int | None:
    """watcher.coverage.keys.key_of_digest, as of this revision."""
    try:
        return int.from_bytes(bytes.fromhex(str(hexdigest)[:16]), "big", signed=True)
    except ValueError:
        return None


def _upgraded(url_key: Any, title_key: Any, _dedup_key: Any) -> tuple[int | None, int | None]:
    return (_key(url_key) if url_key else None), (_key(title_key) if title_key else None)


def _downgraded(url_key: Any, _title_key: Any, dedup_key: Any) -> tuple[str | None, None]:
    own = url_key is not None and dedup_key and _key(dedup_key) == int(url_key)
    return (dedup_key if own else None), None
