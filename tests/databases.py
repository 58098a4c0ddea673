"""Fresh, throw-away databases for the tests: a SQLite file, or a PostgreSQL database created
on the server TEST_DATABASE_URL points at and dropped afterwards."""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from app.core.database import Database, build_engine, sync_url
from app.core.migrations import upgrade
from app.keys.schemas import KeyCreate
from app.keys.service import create_key


def server_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


@contextmanager
def admin_connection() -> Iterator[Connection]:
    """A connection to the PostgreSQL server TEST_DATABASE_URL names, outside transactions."""
    engine = create_engine(sync_url(server_url() or ""), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


@contextmanager
def fresh_database_url() -> Iterator[str]:
    url = server_url()
    if url is None:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'test.db'}"
        return
    name = f"syria_test_{uuid.uuid4().hex[:12]}"
    with admin_connection() as admin:
        admin.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(sync_url(url)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_connection() as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass
class Committed:
    """A fresh migrated database that really commits, with a write key per desk name."""

    url: str
    database: Database
    tokens: dict[str, str]


@contextmanager
def committed_database(*desks: str, **engine_options: Any) -> Iterator[Committed]:
    with fresh_database_url() as url:
        engine = build_engine(url, **engine_options)
        upgrade(engine)
        database = Database(engine)
        with database.sessions() as session:
            tokens = {
                name: create_key(session, KeyCreate(name=name, scope="write"))[1] for name in desks
            }
            session.commit()
        try:
            yield Committed(url, database, tokens)
        finally:
            engine.dispose()
