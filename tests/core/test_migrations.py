"""The migrations build the schema from empty, take it back to empty, and match the models."""

import uuid
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, DateTime, Uuid, column, inspect, table, text

from app.core.database import build_engine
from app.core.dialect import is_fulltext_table, outside_models
from app.core.migrations import downgrade, upgrade
from app.models import Base
from tests.databases import fresh_database_url


def table_names(engine):
    return {name for name in inspect(engine).get_table_names() if not is_fulltext_table(name)}


def test_upgrade_from_empty_then_downgrade_to_empty_then_upgrade_again():
    with fresh_database_url() as url:
        engine = build_engine(url)
        try:
            upgrade(engine)
            assert table_names(engine) == set(Base.metadata.tables) | {"alembic_version"}
            downgrade(engine)
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            upgrade(engine)
            assert table_names(engine) == set(Base.metadata.tables) | {"alembic_version"}
        finally:
            engine.dispose()


def test_models_and_migrations_do_not_drift(engine):
    with engine.connect() as connection:
        options = {"compare_type": True, "include_object": outside_models}
        context = MigrationContext.configure(connection, opts=options)
        assert compare_metadata(context, Base.metadata) == []


def test_search_terms_are_backfilled_for_rows_written_before_them():
    with fresh_database_url() as url:
        engine = build_engine(url)
        try:
            upgrade(engine, "ea3664b80a7c")
            actors = table(
                "actors",
                *(column(name) for name in ("name", "name_key", "kind", "version")),
                column("id", Uuid()),
                column("external_ids", JSON()),
                column("created_at", DateTime()),
                column("updated_at", DateTime()),
            )
            with engine.begin() as connection:
                connection.execute(
                    actors.insert().values(
                        id=uuid.uuid4(),
                        name="Hezbollah",
                        name_key="hezbollah",
                        kind="armed_group",
                        external_ids={},
                        created_at=datetime.now(UTC),
                        updated_at=datetime.now(UTC),
                        version=1,
                    )
                )
            upgrade(engine)
            with engine.connect() as connection:
                terms = connection.execute(text("SELECT term FROM actors_terms")).scalars().all()
            assert set(terms) == {"hezbollah", "~hzbl"}
            downgrade(engine)
        finally:
            engine.dispose()
