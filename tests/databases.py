"""Throw-away databases for the tests: SQLite files, or PostgreSQL databases created on the
server TEST_DATABASE_URL points at and dropped afterwards.

What takes long to build (the migrated schema, the demo dataset, a corpus of 100,000
incidents) is built once per run, by whichever worker asks first, and every test database that
needs it starts as a copy: a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL.
"""

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.core.database import Database, build_engine, sync_url
from app.core.migrations import upgrade
from app.keys.schemas import KeyCreate
from app.keys.service import create_key

# Set by the run's first process (tests/conftest.py) for the workers it starts.
RUN_ID = "SYRIA_TEST_RUN"
SHARED = "SYRIA_TEST_SHARED"  # a directory every worker of the run shares
TEMPLATE_PREFIX = "syria_template_"


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


def _named(name: str) -> str:
    return make_url(sync_url(server_url() or "")).set(database=name).render_as_string(False)


@contextmanager
def fresh_database_url(template: str | None = None) -> Iterator[str]:
    """A database of its own for the caller: empty, or a copy of the `template` database."""
    if server_url() is None:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "test.db"
            if template is not None:
                shutil.copyfile(str(make_url(template).database), path)
            yield f"sqlite:///{path}"
        return
    name = f"syria_test_{uuid.uuid4().hex[:12]}"
    copied = "" if template is None else f' TEMPLATE "{make_url(template).database}"'
    # A template must have no other session while it is copied: one copy at a time.
    lock = FileLock(Path(os.environ.get(SHARED, tempfile.gettempdir())) / "copy.lock")
    with lock, admin_connection() as admin:
        admin.execute(text(f'CREATE DATABASE "{name}"{copied}'))
    try:
        yield _named(name)
    finally:
        with admin_connection() as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def built_once(name: str, build: Callable[[Engine], Any]) -> tuple[str, Any]:
    """The URL of a migrated database this run fills once with `build`, and what `build`
    returned (anything JSON can hold)."""
    shared = Path(os.environ[SHARED])
    with FileLock(shared / f"{name}.lock"):
        record = shared / f"{name}.json"
        if not record.exists():
            url = _template(name, shared)
            engine = build_engine(url)
            upgrade(engine)
            built = build(engine)
            engine.dispose()
            record.write_text(json.dumps({"url": url, "built": built}))
        saved = json.loads(record.read_text())
    return saved["url"], saved["built"]


def _template(name: str, shared: Path) -> str:
    if server_url() is None:
        return f"sqlite:///{shared / name}.db"
    database = f"{TEMPLATE_PREFIX}{name}_{os.environ[RUN_ID]}"
    with admin_connection() as admin:
        admin.execute(text(f'CREATE DATABASE "{database}"'))
    return _named(database)


def drop_templates() -> None:
    """Drop the PostgreSQL templates this run built."""
    if server_url() is None:
        return
    with admin_connection() as admin:
        names = admin.scalars(
            text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"),
            {"pattern": f"{TEMPLATE_PREFIX}%_{os.environ[RUN_ID]}"},
        )
        for database in list(names):
            admin.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@dataclass
class Committed:
    """A fresh migrated database that really commits, with a write key per desk name."""

    url: str
    database: Database
    tokens: dict[str, str]


@contextmanager
def committed_database(*desks: str, **engine_options: Any) -> Iterator[Committed]:
    migrated, _ = built_once("migrated", lambda engine: None)
    with fresh_database_url(migrated) as url:
        engine = build_engine(url, **engine_options)
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
