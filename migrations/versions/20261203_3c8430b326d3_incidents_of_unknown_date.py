"""incidents of unknown date

An incident of unknown date has no start date (nor its actors' rows). Downgrading refuses while
any such incident is stored: it has no date the older schema could hold.

Revision ID: 3c8430b326d3
Revises: 3a2d534c49e3
Create Date: 2026-12-03 15:40:10.443231
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c8430b326d3"
down_revision: str | None = "3a2d534c49e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incident_actors", schema=None) as batch_op:
        batch_op.alter_column("start_date", existing_type=sa.DATE(), nullable=True)

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.alter_column("start_date", existing_type=sa.DATE(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.alter_column("start_date", existing_type=sa.DATE(), nullable=False)

    with op.batch_alter_table("incident_actors", schema=None) as batch_op:
        batch_op.alter_column("start_date", existing_type=sa.DATE(), nullable=False)
