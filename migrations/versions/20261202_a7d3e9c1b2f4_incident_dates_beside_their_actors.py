"""incident dates beside their actors, for the actor-and-date index

Revision ID: a7d3e9c1b2f4
Revises: 9cb2bbaaa34c
Create Date: 2026-12-02 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7d3e9c1b2f4"
down_revision: str | None = "9cb2bbaaa34c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incident_actors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_day", sa.Date(), nullable=True))
    # The same statement on both engines: a correlated subquery per column.
    op.execute(
        "UPDATE incident_actors SET "
        "start_date = (SELECT start_date FROM incidents WHERE incidents.id = incident_id), "
        "last_day = (SELECT last_day FROM incidents WHERE incidents.id = incident_id)"
    )
    with op.batch_alter_table("incident_actors", schema=None) as batch_op:
        batch_op.alter_column("start_date", existing_type=sa.Date(), nullable=False)
        batch_op.create_index(
            "ix_incident_actors_actor_id_start_date",
            ["actor_id", "start_date", "incident_id", "last_day"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_actors", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_actors_actor_id_start_date")
        batch_op.drop_column("last_day")
        batch_op.drop_column("start_date")
