"""Every market of a multi-country entry stored (issue 11): item_events unique on its market too

An item that says "enters Romania and Bulgaria" gives its company two market_entry events, one per country;
item_events was unique on (item, entity, type), so only the first was stored and the digest's gist and the web
pages named one country. Now unique on (item, entity, type, market), and, for the events without a market
(NULLs are distinct in a unique constraint on both engines), on (item, entity, type) where market is NULL.

Downgrade: of the events of one item, entity and type, the first stored (lowest id) stays; the others go.

Revision ID: 0009_event_markets
Revises: 0008_short_article_keys
Create Date: 2026-11-30 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_event_markets"
down_revision: str | None = "0008_short_article_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "uq_item_events_item_entity_type"
NEW = "uq_item_events_item_entity_type_market"
NO_MARKET = "uq_item_events_item_entity_type_no_market"


def upgrade() -> None:
    with op.batch_alter_table("item_events", schema=None) as batch_op:
        batch_op.drop_constraint(OLD, type_="unique")
        batch_op.create_unique_constraint(NEW, ["item_id", "entity_id", "type", "market"])
    with op.batch_alter_table("item_events", schema=None) as batch_op:
        batch_op.create_index(
            NO_MARKET,
            ["item_id", "entity_id", "type"],
            unique=True,
            sqlite_where=sa.text("market IS NULL"),
            postgresql_where=sa.text("market IS NULL"),
        )


def downgrade() -> None:
    op.execute(
        "DELETE FROM item_events WHERE id NOT IN (SELECT MIN(id) FROM item_events GROUP BY item_id, entity_id, type)"
    )
    with op.batch_alter_table("item_events", schema=None) as batch_op:
        batch_op.drop_index(NO_MARKET)
    with op.batch_alter_table("item_events", schema=None) as batch_op:
        batch_op.drop_constraint(NEW, type_="unique")
        batch_op.create_unique_constraint(OLD, ["item_id", "entity_id", "type"])
