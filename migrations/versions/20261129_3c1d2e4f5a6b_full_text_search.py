"""full-text search side tables for statements and incidents

SQLite gets FTS5 virtual tables; PostgreSQL gets tsvector documents under GIN indexes. Both hold
the same folded text (see app/core/dialect.py), filled here for the rows that already exist.

Revision ID: 3c1d2e4f5a6b
Revises: 5f22e316e5ea
Create Date: 2026-11-29 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# A data migration: documents are folded by the same function the service uses.
from app.core.names import match_key

revision: str = "3c1d2e4f5a6b"
down_revision: str | None = "5f22e316e5ea"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED = {
    "statements": ("quote", "summary", "translation"),
    "incidents": ("description", "place_name", "district", "governorate", "casualty_notes"),
}


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table_name, columns in SEARCHED.items():
        side = f"{table_name}_fts"
        if postgresql:
            op.execute(
                f"CREATE TABLE {side} (record_id uuid PRIMARY KEY REFERENCES {table_name}(id)"
                " ON DELETE CASCADE, document tsvector NOT NULL)"
            )
            op.execute(f"CREATE INDEX ix_{side}_document ON {side} USING gin (document)")
        else:
            op.execute(
                f"CREATE VIRTUAL TABLE {side} USING fts5(record_id UNINDEXED, document,"
                " tokenize = 'unicode61 remove_diacritics 0')"
            )
        _fill(table_name, columns, postgresql)


def downgrade() -> None:
    for table_name in SEARCHED:
        op.execute(f"DROP TABLE {table_name}_fts")


def _fill(table_name: str, columns: tuple[str, ...], postgresql: bool) -> None:
    source = sa.table(table_name, sa.column("id", sa.Uuid()), *(sa.column(c) for c in columns))
    side = sa.table(f"{table_name}_fts", sa.column("record_id", sa.Uuid()), sa.column("document"))
    connection = op.get_bind()
    for row in connection.execute(sa.select(source)):
        document = match_key(" ".join(text for text in row[1:] if text))
        value = sa.func.to_tsvector("simple", document) if postgresql else document
        connection.execute(sa.insert(side).values(record_id=row[0], document=value))
