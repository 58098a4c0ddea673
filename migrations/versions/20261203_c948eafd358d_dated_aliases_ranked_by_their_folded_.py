"""dated aliases, ranked by their folded names

An alias may be dated (valid_from, valid_to); its folded name (`name_key`) lets an exact alias
outrank a name that merely ends with the same words.

Revision ID: c948eafd358d
Revises: 2334bca0e1c4
Create Date: 2026-12-03 14:51:27.531088
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.core.names import match_key

revision: str = "c948eafd358d"
down_revision: str | None = "2334bca0e1c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("actor_aliases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
    aliases = sa.table(
        "actor_aliases", sa.column("actor_id", sa.Uuid()), sa.column("position"),
        sa.column("name"), sa.column("name_key"),
    )  # fmt: skip
    connection = op.get_bind()
    for actor_id, position, name in connection.execute(
        sa.select(aliases.c.actor_id, aliases.c.position, aliases.c.name)
    ).all():
        connection.execute(
            aliases.update()
            .where(aliases.c.actor_id == actor_id, aliases.c.position == position)
            .values(name_key=match_key(name))
        )
    with op.batch_alter_table("actor_aliases", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=300), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("actor_aliases", schema=None) as batch_op:
        batch_op.drop_column("valid_to")
        batch_op.drop_column("valid_from")
        batch_op.drop_column("name_key")
