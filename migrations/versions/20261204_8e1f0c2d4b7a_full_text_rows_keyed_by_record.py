"""SQLite's full-text rows keyed by their record's id

An FTS5 table is looked up fast by its rowid alone: replacing a record's document by its
`record_id` read the whole table on every write (50 ms a write at 200,000 incidents). Each row's
rowid is now made from its record's id (app.core.database.fulltext_rowid, an SQL function of
every connection the service opens); the tables are rebuilt so. Nothing changes on PostgreSQL,
whose side tables have `record_id` as their primary key.

Revision ID: 8e1f0c2d4b7a
Revises: 3c8430b326d3
Create Date: 2026-12-04 19:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8e1f0c2d4b7a"
down_revision: str | None = "3c8430b326d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIDE_TABLES = ("statements_fts", "incidents_fts", "agreements_fts")
FTS5 = "fts5(record_id UNINDEXED, document, tokenize = 'unicode61 remove_diacritics 0')"


def upgrade() -> None:
    _rebuild("fulltext_rowid(record_id)")


def downgrade() -> None:
    _rebuild("NULL")


def _rebuild(rowid: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for side in SIDE_TABLES:
        op.execute(f"CREATE VIRTUAL TABLE {side}_keyed USING {FTS5}")
        # A record's latest row only: bulk loads could leave a record two.
        op.execute(
            f"INSERT INTO {side}_keyed (rowid, record_id, document) "
            f"SELECT {rowid}, record_id, document FROM {side} "
            f"WHERE rowid IN (SELECT max(rowid) FROM {side} GROUP BY record_id)"
        )
        op.execute(f"DROP TABLE {side}")
        op.execute(f"ALTER TABLE {side}_keyed RENAME TO {side}")
