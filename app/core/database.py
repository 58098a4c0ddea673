"""The declarative base every table derives from, and the engine and sessions that reach it."""

import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from anyio import CancelScope, CapacityLimiter, to_thread
from fastapi import Depends, Request
from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    MetaData,
    Row,
    Select,
    TypeDecorator,
    create_engine,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    sessionmaker,
)

# A select, and a row, of any columns (both are generic over the types of their columns).
AnySelect = Select[*tuple[Any, ...]]
AnyRow = Row[*tuple[Any, ...]]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Async drivers are named in DATABASE_URL for convenience; the service talks through sync ones.
SYNC_DRIVERS = {
    "sqlite+aiosqlite": "sqlite+pysqlite",
    "postgresql+asyncpg": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "postgresql+psycopg_async": "postgresql+psycopg",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware, on every engine."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        # Stored naive, always in UTC (a naive value is taken to be UTC already).
        return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Execution option marking a connection that will write (see _begin_sqlite).
WRITES = "syria_writes"

JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 (SQLAlchemy's own hook)


class RecordMixin:
    """Identity, timestamps, optimistic-concurrency version and soft deletion of a record."""

    __tablename__: str

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    version: Mapped[int] = mapped_column(default=1)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


def live_ids_index(table_name: str) -> Index:
    """An index of the live records' ids (`deleted_at IS NULL`): whether a record is live is
    answered from the index alone, as a search checks its candidates, without reading rows."""
    live = text("deleted_at IS NULL")
    return Index(f"ix_{table_name}_live_id", "id", postgresql_where=live, sqlite_where=live)


def child_table(owner: Any, name: str, row: type, *table_args: Any) -> Any:
    """A `<owner's table>_<name>` table mapped from `row`'s columns, each row belonging to one
    owner record (`record_id`, deleted with it): one per owner, so foreign keys stay real."""
    table = owner.__tablename__
    return type(
        f"{owner.__name__}{row.__name__}",
        (row, Base),
        {
            "__tablename__": f"{table}_{name}",
            "record_id": mapped_column(
                ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False
            ),
            "__table_args__": table_args,
        },
    )


def sync_url(url: str) -> str:
    parsed = make_url(url)
    driver = SYNC_DRIVERS.get(parsed.drivername, parsed.drivername)
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def _ensure_sqlite_directory(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(busy_timeout_ms: int, dbapi_connection: Any, record: Any) -> None:
    # pysqlite defers BEGIN on its own, which breaks SAVEPOINTs; SQLAlchemy then begins instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    cursor.close()
    dbapi_connection.create_function(FULLTEXT_ROWID, 1, fulltext_rowid, deterministic=True)
    info = record.info

    def past_deadline() -> bool:
        deadline = info.get(DEADLINE)
        return deadline is not None and time.monotonic() > deadline

    # Checked every few thousand steps of the engine; a true answer interrupts the statement.
    dbapi_connection.set_progress_handler(past_deadline, 10_000)


# A record's row in its SQLite full-text table (FTS5) is keyed by a number made from its id: the
# table can be looked up by nothing else fast, and a write replaces the record's row by it. Two
# ids share a key with odds of about 1 in 10^8 at a million records (or when one is forged to):
# the second record's write is then refused (a 409), and the first keeps its row.
FULLTEXT_ROWID = "fulltext_rowid"


def fulltext_rowid(record_id: str | uuid.UUID) -> int:
    """The FTS5 rowid of a record: the first 64 bits of its id (as SQLite stores it, 32 hex
    digits, or a UUID), signed. Also an SQL function of every SQLite connection."""
    hex_digits = record_id.hex if isinstance(record_id, uuid.UUID) else record_id
    return int.from_bytes(bytes.fromhex(hex_digits[:16]), "big", signed=True)


# SQLite has no statement timeout: each statement gets a deadline, until it yields a first row.
DEADLINE = "syria_statement_deadline"


def _sqlite_statement_timeout(engine: Engine, seconds: float) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def start(connection: Connection, *_: Any) -> None:
        connection.info[DEADLINE] = time.monotonic() + seconds

    @event.listens_for(engine, "after_cursor_execute")
    def stop(connection: Connection, *_: Any) -> None:
        connection.info.pop(DEADLINE, None)


def _begin_sqlite(connection: Connection) -> None:
    # A writer takes the write lock up front: a deferred one could find its snapshot stale.
    writes = connection.get_execution_options().get(WRITES, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


# Every PostgreSQL session's settings. A scan that joins another one already running would
# start mid-table: a search's ranked candidates (app.core.records.relevance_parts) are the first
# rows a scan yields. Random reads cost about what sequential ones do on solid-state storage
# (PostgreSQL's manual suggests 1.1): a filter's few thousand rows are then looked up by index,
# not found by a scan.
SESSION_SETTINGS = {"timezone": "UTC", "synchronize_seqscans": "off", "random_page_cost": "1.1"}


def session_options() -> str:
    """SESSION_SETTINGS as libpq's `options` (and PGOPTIONS) take them."""
    return " ".join(f"-c {name}={value}" for name, value in SESSION_SETTINGS.items())


def build_engine(
    url: str,
    *,
    pool_size: int = 5,
    connect_timeout: int = 2,
    statement_timeout: float | None = None,
    export_timeout: float | None = None,
    sqlite_busy_timeout: float = 5,
) -> Engine:
    """The engine for `url`; statements running over `statement_timeout` seconds are stopped
    with an error, whole-table exports over `export_timeout` (the server passes its settings;
    migrations and loads run unbounded). On SQLite, a writer waits up to `sqlite_busy_timeout`
    seconds for another process's write to end."""
    url = sync_url(url)
    options: dict[str, Any] = {EXPORT_TIMEOUT_MS: _milliseconds(export_timeout)}
    if url.startswith("sqlite"):
        _ensure_sqlite_directory(url)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            pool_timeout=connect_timeout,
            execution_options=options,
        )
        busy_ms = _milliseconds(sqlite_busy_timeout)
        event.listen(engine, "connect", partial(_configure_sqlite, busy_ms))
        event.listen(engine, "begin", _begin_sqlite)
        if statement_timeout is not None:
            _sqlite_statement_timeout(engine, statement_timeout)
        return engine
    settings = f"{session_options()} -c statement_timeout={_milliseconds(statement_timeout)}"
    return create_engine(
        url,
        pool_size=pool_size,
        # No ping before each checkout (a round trip per request): a connection the server
        # dropped fails its first statement, and SQLAlchemy then replaces the whole pool.
        pool_timeout=connect_timeout,
        connect_args={"connect_timeout": connect_timeout, "options": settings},
        execution_options=options,
    )


# Execution option: how long a whole-table export may run, in ms (0: unbounded).
EXPORT_TIMEOUT_MS = "syria_export_timeout_ms"


def _milliseconds(seconds: float | None) -> int:
    """A timeout as PostgreSQL takes it: whole milliseconds, 0 for none (never 0 by rounding)."""
    return 0 if seconds is None else max(1, round(seconds * 1000))


class Database:
    """Hands out sessions bound to an engine, or to one connection (a test's transaction)."""

    def __init__(self, bind: Engine | Connection) -> None:
        self.bind = bind
        options: dict[str, Any] = {"expire_on_commit": False, "autoflush": False}
        if isinstance(bind, Connection):
            options["join_transaction_mode"] = "create_savepoint"
        self.sessions = sessionmaker(bind=bind, **options)
        # Every transaction of these sessions is a writer's (see _begin_sqlite).
        writer_bind = bind.execution_options(**{WRITES: True}) if isinstance(bind, Engine) else bind
        self.writer_sessions = sessionmaker(bind=writer_bind, **options)


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def writes(request: Request) -> bool:
    return request.method not in READ_METHODS


# The dependencies below are async so that a request does not hop to a worker thread and back
# for each of them: only what touches the database runs in a thread.


async def request_session(request: Request) -> AsyncIterator[Session]:
    """The request's session, open until its response has been sent: a streamed export reads
    through it after the handler has returned. It connects on its first statement, so opening
    it does no I/O; closing it returns its connection (a rollback) from a worker thread."""
    database: Database = request.app.state.database
    session = (database.writer_sessions if writes(request) else database.sessions)()
    try:
        yield session
    finally:
        await _off_the_loop(session, session.close)


async def unit_of_work(
    request: Request, session: Annotated[Session, Depends(request_session)]
) -> AsyncIterator[Session]:
    """The one place a request commits: after its handler, before its response is sent (this
    dependency's scope is the handler's). Any error rolls the whole request back. Services and
    repositories only flush.

    A read has nothing to commit: its transaction lasts until the session closes, so an export
    streams from the snapshot the handler saw, on the connection it held."""
    try:
        yield session
    except BaseException:
        await _off_the_loop(session, session.rollback)
        raise
    if writes(request):
        await _off_the_loop(session, session.commit)


async def _off_the_loop(session: Session, finish: Callable[[], None]) -> None:
    """Run `finish` (a commit, rollback or close) in a worker thread once the session has
    begun (it may hold a connection), else here: it then has nothing to send.

    Shielded, so that a request cancelled (its client gone) still returns its connection; and
    on a limiter of its own, as FastAPI does for a dependency's exit: handlers waiting for a
    pooled connection may hold every token of the shared one, and must not keep the requests
    that hold connections from giving them back."""
    if not session.in_transaction():
        finish()
        return
    with CancelScope(shield=True):
        await to_thread.run_sync(finish, limiter=CapacityLimiter(1))


def writers_of(request: Request) -> CapacityLimiter:
    """The limiter of the worker's writer threads. A worker's writes run on threads of their
    own, not queued behind its reads for the few threads those share (app.main): an editor's
    save waits for other writes only. On SQLite, which writes one transaction at a time anyway,
    one write at a time: writers queue here rather than in SQLite's busy handler (though a
    commit, on a thread of its own, may overlap the next write's start by a moment)."""
    limiter: CapacityLimiter = request.app.state.writer_threads
    return limiter


SessionDep = Annotated[Session, Depends(unit_of_work, scope="function")]
RequestSession = Annotated[Session, Depends(request_session)]
