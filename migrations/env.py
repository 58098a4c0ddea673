"""Alembic environment: runs on the connection handed over by app.core.migrations, or on
DATABASE_URL when called as `alembic ...` from the command line."""

from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from app.core.config import get_settings
from app.core.database import UTCDateTime, build_engine
from app.core.dialect import outside_models
from app.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write the app's column types as plain SQLAlchemy types in generated migrations."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=outside_models,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = build_engine(get_settings().database_url)
    with engine.connect() as new_connection:
        run(new_connection)
    engine.dispose()
