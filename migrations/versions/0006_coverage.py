"""Coverage (issue 13): generated search feeds, cross-source article keys, full text of linked articles

feeds.origin marks a feed generated from the search settings ("search"). items.url_key (unique: the first
item stored for an article's URL holds it) and items.title_key (site + title) let the same article from a
search feed and a direct feed be one item; item_sources records a feed's entry that is another feed's item.
items.fulltext_* record the fetch of the linked article (pending, fetching, ok, failed, skipped).

Existing items with a link get their url_key from dedup_key (the same digest of the normalised link), the
oldest item of each link holding it, so a search result of an article stored before the upgrade is no new
item either.

Revision ID: 0006_coverage
Revises: 0005
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_coverage"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(length=16), nullable=True))

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("url_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("title_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("publisher", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("fulltext_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("fulltext_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("fulltext_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("fulltext_chars", sa.Integer(), nullable=True))

    # dedup_key is sha256("link" \x1f normalised link) for an item with a link: the url_key of its article.
    op.execute(
        "UPDATE items SET url_key = dedup_key WHERE id IN ("
        "SELECT MIN(id) FROM items WHERE link IS NOT NULL AND dedup_key IS NOT NULL GROUP BY dedup_key)"
    )

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index("ix_items_url_key", ["url_key"], unique=True)
        batch_op.create_index("ix_items_title_key", ["title_key"], unique=False)
        batch_op.create_index("ix_items_fulltext_status", ["fulltext_status"], unique=False)

    op.create_table(
        "item_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("feed_id", "identity", name="uq_item_sources_feed_identity"),
    )
    with op.batch_alter_table("item_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_sources_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_sources_item_id"))
    op.drop_table("item_sources")

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_fulltext_status")
        batch_op.drop_index("ix_items_title_key")
        batch_op.drop_index("ix_items_url_key")
        batch_op.drop_column("fulltext_chars")
        batch_op.drop_column("fulltext_at")
        batch_op.drop_column("fulltext_error")
        batch_op.drop_column("fulltext_status")
        batch_op.drop_column("publisher")
        batch_op.drop_column("title_key")
        batch_op.drop_column("url_key")

    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("origin")
