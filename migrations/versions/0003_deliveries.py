"""Deliveries per route: a match may go to several digests (one per route), each at most once.

Moves matches.digest_id into the new deliveries table (route "default", the only route before this).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 16:04:37
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("route", sa.String(length=100), nullable=False),
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["digest_id"], ["digests.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["match_id"], ["matches.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("match_id", "route", name="uq_deliveries_match_route"),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliveries_digest_id"), ["digest_id"], unique=False)
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("route", sa.String(length=100), nullable=False, server_default="default"))

    op.execute(
        "INSERT INTO deliveries (match_id, route, digest_id) "
        "SELECT id, 'default', digest_id FROM matches WHERE digest_id IS NOT NULL"
    )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index("ix_matches_undelivered")
        batch_op.create_index(batch_op.f("ix_matches_matched_at"), ["matched_at"], unique=False)
        batch_op.drop_column("digest_id")


def downgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_id", sa.Integer(), nullable=True))
        batch_op.drop_index(batch_op.f("ix_matches_matched_at"))
        batch_op.create_index("ix_matches_undelivered", ["digest_id", "matched_at"], unique=False)
    op.execute(
        "UPDATE matches SET digest_id = (SELECT MIN(d.digest_id) FROM deliveries d WHERE d.match_id = matches.id)"
    )
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.drop_column("route")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_digest_id"))
    op.drop_table("deliveries")
