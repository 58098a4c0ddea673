"""incidents: casualties by category, aggregates, weapons, tags, sub-district, translations

Existing incidents are no aggregates and have no weapons, tags or translations (server
defaults fill them, then go: the service always writes its own).

Revision ID: 4b69d1c83fbb
Revises: c948eafd358d
Create Date: 2026-12-03 14:53:49.722311
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "4b69d1c83fbb"
down_revision: str | None = "c948eafd358d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
# Constant defaults: PostgreSQL adds such columns without rewriting the table.
FILLED = {
    "aggregate": (sa.Boolean(), sa.false()),
    "weapons": (DOCUMENT, "[]"),
    "tags": (DOCUMENT, "[]"),
    "translations": (DOCUMENT, "{}"),
}


def upgrade() -> None:
    op.create_table(
        "incident_casualties",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("low", sa.Integer(), nullable=True),
        sa.Column("best", sa.Integer(), nullable=True),
        sa.Column("high", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_casualties_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "position", name=op.f("pk_incident_casualties")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subdistrict", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("event_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=35), nullable=True))
        for name, (kind, default) in FILLED.items():
            batch_op.add_column(sa.Column(name, kind, nullable=False, server_default=default))
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name, (kind, _) in FILLED.items():
            batch_op.alter_column(name, existing_type=kind, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        for name in ("translations", "tags", "weapons", "aggregate", "language", "event_count",
                     "subdistrict"):  # fmt: skip
            batch_op.drop_column(name)
    op.drop_table("incident_casualties")
