"""external ids on every kind of record

Each kind of record gets an `external_ids` column (what reads show) and a
`<table>_external_ids` table keyed by (dataset, value), so that an id in another dataset names
one record of a kind. Actors had the column already: their ids are copied into the new table
(where two actors claimed the same id, the one created first keeps it; the other's copy of it
goes).

Revision ID: 2334bca0e1c4
Revises: 262b585a7314
Create Date: 2026-12-03 14:41:05.978002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2334bca0e1c4"
down_revision: str | None = "262b585a7314"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "actors",
    "sources",
    "statements",
    "incidents",
    "negotiation_processes",
    "negotiation_sessions",
    "agreements",
)
DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    for table in TABLES:
        side = f"{table}_external_ids"
        op.create_table(
            side,
            sa.Column("record_id", sa.Uuid(), nullable=False),
            sa.Column("dataset", sa.String(length=32), nullable=False),
            sa.Column("value", sa.String(length=100), nullable=False),
            sa.ForeignKeyConstraint(
                ["record_id"],
                [f"{table}.id"],
                name=op.f(f"fk_{side}_record_id_{table}"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("dataset", "value", name=op.f(f"pk_{side}")),
        )
        op.create_index(f"ix_{side}_record_id", side, ["record_id"], unique=False)
        if table != "actors":
            with op.batch_alter_table(table, schema=None) as batch_op:
                # Existing rows get an empty object; new ones are always given their own.
                batch_op.add_column(
                    sa.Column("external_ids", DOCUMENT, nullable=False, server_default="{}")
                )
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.alter_column("external_ids", server_default=None)
    _copy_actor_ids()


def _copy_actor_ids() -> None:
    actors = sa.table(
        "actors", sa.column("id", sa.Uuid()), sa.column("external_ids", DOCUMENT),
        sa.column("created_at", sa.DateTime()),
    )  # fmt: skip
    side = sa.table(
        "actors_external_ids", sa.column("record_id", sa.Uuid()), sa.column("dataset"),
        sa.column("value"),
    )  # fmt: skip
    connection = op.get_bind()
    taken: set[tuple[str, str]] = set()
    ordered = sa.select(actors.c.id, actors.c.external_ids).order_by(actors.c.created_at)
    for record_id, ids in connection.execute(ordered).all():
        kept = {}
        for dataset, value in sorted((ids or {}).items()):
            if (dataset, str(value)) not in taken:
                taken.add((dataset, str(value)))
                kept[dataset] = str(value)
                row = {"record_id": record_id, "dataset": dataset, "value": str(value)}
                connection.execute(sa.insert(side).values(row))
        if kept != (ids or {}):
            # An id another actor had first is dropped: it names one actor from now on.
            update = actors.update().where(actors.c.id == record_id)
            connection.execute(update.values(external_ids=kept))


def downgrade() -> None:
    for table in reversed(TABLES):
        if table != "actors":
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_column("external_ids")
        op.drop_index(f"ix_{table}_external_ids_record_id", table_name=f"{table}_external_ids")
        op.drop_table(f"{table}_external_ids")
