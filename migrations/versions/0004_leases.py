"""Leases (several instances share one database) and adaptive polling intervals

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 16:12:17.909865
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("send_lease_owner", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("send_lease_until", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("interval_seconds", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("interval_seconds")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_owner")

    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.drop_column("send_lease_until")
        batch_op.drop_column("send_lease_owner")
