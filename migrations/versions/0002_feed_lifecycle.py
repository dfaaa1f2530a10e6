"""feed lifecycle, dedup key, suppressed matches

Revision ID: 0002
Revises: 0001
Existing rows get redirect_streak 0 and suppressed false through server defaults.

Create Date: 2026-11-24 15:54:52.628893
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("config_fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("disabled_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("redirect_candidate", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("redirect_streak", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("redirect_url", sa.String(length=2048), nullable=True))

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dedup_key", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_items_feed_dedup_key", ["feed_id", "dedup_key"], unique=False)

    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suppressed", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_column("suppressed")

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_feed_dedup_key")
        batch_op.drop_column("dedup_key")

    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("redirect_url")
        batch_op.drop_column("redirect_streak")
        batch_op.drop_column("redirect_candidate")
        batch_op.drop_column("disabled_reason")
        batch_op.drop_column("config_fingerprint")
