"""agreements: stages, processes, third parties, signatories, related texts, validity, full text

Existing agreements name no countries and keep no dataset fields; their titles and summaries
are indexed for `q`.

Revision ID: 3a2d534c49e3
Revises: 52b165d068cf
Create Date: 2026-12-03 15:25:40.154693
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.core.names import match_key

revision: str = "3a2d534c49e3"
down_revision: str | None = "52b165d068cf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "agreement_relations",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=True),
        sa.Column("reference", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_relations_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_relations_owner_id_agreements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_id", "position", name=op.f("pk_agreement_relations")),
    )
    with op.batch_alter_table("agreement_relations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_relations_agreement_id"), ["agreement_id"], unique=False
        )

    with op.batch_alter_table("agreement_actors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("on_behalf_of_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_agreement_actors_on_behalf_of_id_actors"),
            "actors",
            ["on_behalf_of_id"],
            ["id"],
        )

    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("process_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("parties_described", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("third_parties_described", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("countries", DOCUMENT, nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("dataset_fields", DOCUMENT, nullable=False, server_default="{}")
        )
        batch_op.create_index(batch_op.f("ix_agreements_process_id"), ["process_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreements_stage"), ["stage"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_agreements_process_id_negotiation_processes"),
            "negotiation_processes",
            ["process_id"],
            ["id"],
        )

    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.alter_column("countries", existing_type=DOCUMENT, server_default=None)
        batch_op.alter_column("dataset_fields", existing_type=DOCUMENT, server_default=None)
    _full_text()


def _full_text() -> None:
    """Agreements are searched as incidents and statements are (app.core.dialect)."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(
            "CREATE TABLE agreements_fts (record_id uuid PRIMARY KEY REFERENCES agreements(id)"
            " ON DELETE CASCADE, document tsvector NOT NULL)"
        )
        op.execute("CREATE INDEX ix_agreements_fts_document ON agreements_fts USING gin (document)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE agreements_fts USING fts5(record_id UNINDEXED, document,"
            " tokenize = 'unicode61 remove_diacritics 0')"
        )
    agreements = sa.table(
        "agreements", sa.column("id", sa.Uuid()), sa.column("title"), sa.column("summary")
    )
    side = sa.table("agreements_fts", sa.column("record_id", sa.Uuid()), sa.column("document"))
    connection = op.get_bind()
    for record_id, *texts in connection.execute(sa.select(agreements)).all():
        document = match_key(" ".join(text for text in texts if text))
        value = sa.func.to_tsvector("simple", document) if postgresql else document
        connection.execute(sa.insert(side).values(record_id=record_id, document=value))


def downgrade() -> None:
    op.execute("DROP TABLE agreements_fts")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_agreements_process_id_negotiation_processes"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_agreements_stage"))
        batch_op.drop_index(batch_op.f("ix_agreements_process_id"))
        batch_op.drop_column("dataset_fields")
        batch_op.drop_column("countries")
        batch_op.drop_column("third_parties_described")
        batch_op.drop_column("parties_described")
        batch_op.drop_column("process_id")
        batch_op.drop_column("valid_to")
        batch_op.drop_column("valid_from")
        batch_op.drop_column("stage")

    with op.batch_alter_table("agreement_actors", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_agreement_actors_on_behalf_of_id_actors"), type_="foreignkey"
        )
        batch_op.drop_column("on_behalf_of_id")

    with op.batch_alter_table("agreement_relations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_relations_agreement_id"))

    op.drop_table("agreement_relations")
