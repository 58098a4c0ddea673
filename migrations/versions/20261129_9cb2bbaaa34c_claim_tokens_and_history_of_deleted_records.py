"""Idempotency claims carry their holder's token; records deleted before the change log
began get their create and delete on record.

Revision ID: 9cb2bbaaa34c
Revises: 9bb0b114b443
Create Date: 2026-11-29 09:12:31.868321
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "9cb2bbaaa34c"
down_revision: str | None = "9bb0b114b443"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESOURCES = {
    "sources": "sources",
    "actors": "actors",
    "statements": "statements",
    "incidents": "incidents",
    "negotiation-processes": "negotiation_processes",
    "negotiation-sessions": "negotiation_sessions",
    "agreements": "agreements",
}


def upgrade() -> None:
    with op.batch_alter_table("idempotent_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claim", sa.String(length=32), nullable=False, server_default="")
        )
    with op.batch_alter_table("idempotent_requests", schema=None) as batch_op:
        batch_op.alter_column("claim", server_default=None)
    for action in ("create", "delete"):
        for resource, table_name in RESOURCES.items():
            _log_deleted_records(resource, table_name, action)


def _log_deleted_records(resource: str, table_name: str, action: str) -> None:
    """A create, then a delete, for each record deleted before the log began (the previous
    migration logged live records only)."""
    json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    changes = sa.table(
        "changes",
        *(sa.column(name) for name in ("resource", "record_id", "action", "version")),
        sa.column("changed_at"),
        sa.column("changes", json),
    )
    records = sa.table(
        table_name, *(sa.column(name) for name in ("id", "version", "created_at", "deleted_at"))
    )
    logged = sa.select(changes.c.record_id).where(
        changes.c.resource == resource, changes.c.action == action
    )
    deleted = (
        sa.select(
            sa.literal(resource),
            records.c.id,
            sa.literal(action),
            records.c.version,
            records.c.created_at if action == "create" else records.c.deleted_at,
            sa.literal({}, json),
        )
        .where(records.c.deleted_at.is_not(None), records.c.id.not_in(logged))
        .order_by(records.c.deleted_at, records.c.id)
    )
    op.execute(
        changes.insert().from_select(
            ["resource", "record_id", "action", "version", "changed_at", "changes"], deleted
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("idempotent_requests", schema=None) as batch_op:
        batch_op.drop_column("claim")
