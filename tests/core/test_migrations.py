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
            assert set(inspect(engine).get_table_names()) == {"alembic_version"}
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


def test_records_written_before_the_change_log_are_on_record():
    """Live records get a create, deleted ones a create and a delete, in the changes feed."""
    with fresh_database_url() as url:
        engine = build_engine(url)
        try:
            upgrade(engine, "4b4578c8eb6e")  # the last revision before the change log
            sources = table(
                "sources",
                *(column(name) for name in ("title", "kind", "version")),
                column("id", Uuid()),
                column("created_at", DateTime()),
                column("updated_at", DateTime()),
                column("deleted_at", DateTime()),
            )
            live, deleted = uuid.uuid4(), uuid.uuid4()
            now = datetime.now(UTC)
            with engine.begin() as connection:
                for record_id, deleted_at in ((live, None), (deleted, now)):
                    connection.execute(
                        sources.insert().values(
                            id=record_id,
                            title="Wire report",
                            kind="news_article",
                            version=1,
                            created_at=now,
                            updated_at=now,
                            deleted_at=deleted_at,
                        )
                    )
            upgrade(engine)
            with engine.connect() as connection:
                logged = connection.execute(
                    text("SELECT resource, record_id, action FROM changes ORDER BY seq")
                ).all()
            assert [(r, uuid.UUID(str(i)), a) for r, i, a in logged] == [
                ("sources", live, "create"),
                ("sources", deleted, "create"),
                ("sources", deleted, "delete"),
            ]
        finally:
            engine.dispose()
