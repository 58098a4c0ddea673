"""The migrations build the schema from empty, take it back to empty, and match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.core.database import build_engine
from app.core.migrations import downgrade, upgrade
from app.models import Base
from tests.databases import fresh_database_url


def table_names(engine):
    return set(inspect(engine).get_table_names())


def test_upgrade_from_empty_then_downgrade_to_empty_then_upgrade_again():
    with fresh_database_url() as url:
        engine = build_engine(url)
        try:
            upgrade(engine)
            assert table_names(engine) == set(Base.metadata.tables) | {"alembic_version"}
            downgrade(engine)
            assert table_names(engine) <= {"alembic_version"}
            upgrade(engine)
            assert table_names(engine) == set(Base.metadata.tables) | {"alembic_version"}
        finally:
            engine.dispose()


def test_models_and_migrations_do_not_drift(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
