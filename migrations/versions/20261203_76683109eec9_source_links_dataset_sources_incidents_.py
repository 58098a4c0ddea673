"""source links, dataset sources, incidents keep dataset fields

Existing incidents keep no dataset fields (an empty object, by a default that then goes).

Revision ID: 76683109eec9
Revises: 4b69d1c83fbb
Create Date: 2026-12-03 15:03:19.188797
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "76683109eec9"
down_revision: str | None = "4b69d1c83fbb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "source_links",
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_links_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "position", name=op.f("pk_source_links")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dataset_fields", DOCUMENT, nullable=False, server_default="{}")
        )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.alter_column("dataset_fields", existing_type=DOCUMENT, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("dataset_fields")
    op.drop_table("source_links")
