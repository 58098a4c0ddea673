"""indexes that list one type (or one governorate) in date order

Revision ID: df00a41bba3c
Revises: a7d3e9c1b2f4
Create Date: 2026-12-03 10:07:47.979097
"""

from collections.abc import Sequence

from alembic import op

revision: str = "df00a41bba3c"
down_revision: str | None = "a7d3e9c1b2f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_governorate"))
        batch_op.drop_index(batch_op.f("ix_incidents_type"))
        batch_op.create_index(
            "ix_incidents_governorate_start_date_id",
            ["governorate", "start_date", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_incidents_type_start_date_id", ["type", "start_date", "id"], unique=False
        )

    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statements_type"))
        batch_op.create_index("ix_statements_type_date_id", ["type", "date", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index("ix_statements_type_date_id")
        batch_op.create_index(batch_op.f("ix_statements_type"), ["type"], unique=False)

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_type_start_date_id")
        batch_op.drop_index("ix_incidents_governorate_start_date_id")
        batch_op.create_index(batch_op.f("ix_incidents_type"), ["type"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_governorate"), ["governorate"], unique=False)
