"""The analyst's workbench (issue 14): feedback on matches, instant alerts, the search index

The search index holds each item's text folded as the matcher folds it (case, accents, width) with
Chinese, Japanese, Korean and Thai runs cut into overlapping pairs of letters (watcher/search/terms.py),
so the engine's own tokenizer only splits on spaces. SQLite: an FTS5 table whose rowid is the item's id,
emptied of an item by a trigger when the item is deleted. PostgreSQL: a tsvector per item (the 'simple'
configuration: no stemming, no stop words) under a GIN index. watcher fills it after each polling pass,
items of the past first (after this upgrade or a `db copy`, a few thousand per pass).

Revision ID: 0007_workbench
Revises: 0006_coverage
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_workbench"
down_revision: str | None = "0006_coverage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Letters, digits, marks (Devanagari, Thai vowels) and private-use letters are parts of a word; the
# text indexed is already folded and split, so nothing else needs knowing here.
SQLITE_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* M* Co'"


def upgrade() -> None:
    op.create_table(
        "match_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["match_id"], ["matches.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("match_id"),
    )
    op.create_index("ix_match_feedback_entity_id", "match_feedback", ["entity_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("send_lease_owner", sa.String(length=200), nullable=True),
        sa.Column("send_lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
        sa.UniqueConstraint("rule", "story_id", name="uq_alerts_rule_story"),
    )
    op.create_index("ix_alerts_status", "alerts", ["status"])
    op.create_index("ix_alerts_story_id", "alerts", ["story_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE search_documents (item_id integer PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,"
            " document tsvector NOT NULL)"
        )
        op.execute("CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)")
    else:
        op.execute(f'CREATE VIRTUAL TABLE search_fts USING fts5(body, tokenize = "{SQLITE_TOKENIZER}")')
        op.execute(
            "CREATE TRIGGER search_fts_item_deleted AFTER DELETE ON items "
            "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE search_documents")
    else:
        op.execute("DROP TRIGGER search_fts_item_deleted")
        op.execute("DROP TABLE search_fts")
    op.drop_index("ix_alerts_story_id", table_name="alerts")
    op.drop_index("ix_alerts_status", table_name="alerts")
    op.drop_table("alerts")
    op.drop_index("ix_match_feedback_entity_id", table_name="match_feedback")
    op.drop_table("match_feedback")
