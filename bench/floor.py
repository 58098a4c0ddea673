"""The raw floor: the least a Python server can do to answer the benchmark's requests with the
service's bytes. A plain Starlette app on asyncpg, no middleware, no ORM, no validation: it
sends the SQL the service sends (compiled from the service's own statements at start-up) and
shapes the rows with the service's own row-to-JSON code (app.core.shapes), rendered by orjson.
One query the service runs per list request it does not: the lookup of the actor a name
means, resolved once at start-up. What separates the service from it is the framework, the
driver and the service's own work.

    BENCH_DATABASE_URL=... uvicorn bench.floor:app --workers 2 --port 8200

It serves only what bench/run.py asks: an incident by id, and the first pages of the lists
named in BENCH_PAGE_PATHS (the same paths on both servers).
"""

import contextlib
import functools
import json
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any, get_origin
from urllib.parse import parse_qsl, urlencode

import asyncpg
import orjson
from sqlalchemy import Engine, bindparam, create_engine, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.core.database import SESSION_SETTINGS
from app.core.pagination import ListQuery, encode_cursor
from app.core.records import RecordRepository
from app.core.shapes import Shape, plain_type
from app.incidents.repository import INCIDENT_SHAPE, IncidentRepository
from app.incidents.schemas import IncidentQuery, IncidentStatsQuery
from app.statements.repository import StatementRepository
from app.statements.schemas import StatementQuery
from app.statements.service import _with_snippet as with_snippet  # the service's own

DATABASE = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/syria_bench"
)
DIALECT = postgresql.asyncpg.dialect(paramstyle="numeric_dollar")  # type: ignore[attr-defined]
PAGE_PATHS = os.environ.get("BENCH_PAGE_PATHS", "[]")  # JSON list, set by bench/run.py


def compiled(statement: Any, literal: bool = False) -> str:
    options = {"literal_binds": True} if literal else {"render_postcompile": True}
    return str(statement.compile(dialect=DIALECT, compile_kwargs=options))


def read_sql(shape: Shape) -> str:
    """The service's read of one record on PostgreSQL, with the id as $1."""
    assert shape.with_lists is not None
    return compiled(shape.with_lists.where(shape.id == bindparam("id", type_=shape.id.type)))


class Page:
    """One list request of the benchmark: the service's page statement for it, compiled once,
    and its rows statement for a full page of ids."""

    def __init__(self, session: Session, path: str) -> None:
        resource, _, query_string = path.partition("?")
        repository: RecordRepository[Any, Any]
        schema: type[ListQuery]
        if resource == "/v1/incidents":
            schema, repository = IncidentQuery, IncidentRepository(session)
        else:
            schema, repository = StatementQuery, StatementRepository(session)
        self.query: Any = schema.model_validate(_params(schema, query_string))
        self.path, self.resource = path, resource
        self.shape = repository.shape
        _, self.order = repository.parts(self.query)[0]  # a first page reads the first part
        self.keyset = compiled(repository.page_statement(self.query), literal=True)
        self._rows: dict[int, str] = {}

    def rows(self, count: int) -> str:
        """The rows statement for a page of `count` ids, compiled once per count."""
        if count not in self._rows:
            assert self.shape.with_lists is not None
            ids = bindparam("ids", [uuid.uuid4()] * count, expanding=True)
            self._rows[count] = compiled(self.shape.with_lists.where(self.shape.id.in_(ids)))
        return self._rows[count]

    async def answer(
        self, connection: asyncpg.Connection, base: str
    ) -> tuple[bytes, dict[str, str]]:
        keyed = await connection.fetch(self.keyset)
        ids = [row[0] for row in keyed[: self.query.limit]]
        rows = await connection.fetch(self.rows(len(ids)), *ids) if ids else []
        found = {row[0]: row for row in rows}
        records = self.shape.from_rows_with_lists([found[i] for i in ids if i in found])
        if self.resource == "/v1/statements":
            records = [with_snippet(record, self.query.q) for record in records]
        cursor = None
        headers = {}
        if len(keyed) > self.query.limit:
            cursor = encode_cursor(self.order, list(keyed[self.query.limit - 1][1:]))
            query = urlencode([*parse_qsl(self.path.partition("?")[2]), ("cursor", cursor)])
            headers["link"] = f'<{base}{self.resource[1:]}?{query}>; rel="next"'
        return orjson.dumps({"data": records, "next_cursor": cursor}), headers


@functools.cache
def _engine() -> Engine:
    """The service's driver, to build its statements (actor names resolved) at start-up."""
    return create_engine(make_url(DATABASE).set(drivername="postgresql+psycopg"))


def _params(schema: type[ListQuery], query_string: str) -> dict[str, Any]:
    """A query string as the service reads it: repeatable parameters as lists."""
    params: dict[str, Any] = {}
    for name, value in parse_qsl(query_string):
        info = next((info for field, info in schema.model_fields.items()
                     if name in (field, info.alias)), None)  # fmt: skip
        many = info is not None and get_origin(plain_type(info.annotation)) is list
        params[name] = [*params.get(name, []), value] if many else value
    return params


def sql_of_first_page(path: str) -> list[str]:
    """The statements the service runs for the first page of `path`, with their values written
    in (for pgbench): the page of ids, then the rows of those ids."""
    with Session(_engine()) as session:
        page = Page(session, path)
        ids = [row[0] for row in session.execute(text(page.keyset)).all()[: page.query.limit]]
    assert page.shape.with_lists is not None
    rows = page.shape.with_lists.where(page.shape.id.in_(ids))
    return [page.keyset, compiled(rows, literal=True)]


def sql_of_stats(query_string: str) -> str:
    """The statement of `/v1/stats/incidents?<query_string>`, its values written in."""
    params = _params(IncidentStatsQuery, query_string)
    with Session(_engine()) as session:
        repository = IncidentRepository(session)
        _, statement = repository.stats_statement(IncidentStatsQuery.model_validate(params))
    return compiled(statement, literal=True)


async def _json_codec(connection: asyncpg.Connection) -> None:
    await connection.set_type_codec("json", encoder=json.dumps, decoder=orjson.loads,
                                    schema="pg_catalog")  # fmt: skip


def _asyncpg_dsn() -> str:
    return make_url(DATABASE).set(drivername="postgresql").render_as_string(hide_password=False)


def _pages() -> dict[str, Page]:
    with Session(_engine()) as session:  # the service resolves actor names before its page query
        return {path: Page(session, path) for path in json.loads(PAGE_PATHS)}


INCIDENT_READ = read_sql(INCIDENT_SHAPE)
PAGES = _pages()
pool: asyncpg.Pool | None = None


@contextlib.asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    global pool
    pool = await asyncpg.create_pool(_asyncpg_dsn(), min_size=5, max_size=10, init=_json_codec,
                                     server_settings=SESSION_SETTINGS)  # fmt: skip
    yield
    await pool.close()


async def incident(request: Request) -> Response:
    assert pool is not None
    async with pool.acquire() as connection:
        row = await connection.fetchrow(INCIDENT_READ, uuid.UUID(request.path_params["id"]))
    if row is None:
        return Response(status_code=404)
    (record,) = INCIDENT_SHAPE.from_rows_with_lists([row])
    return Response(orjson.dumps(record), media_type="application/json",
                    headers={"etag": f'"{record["version"]}"'})  # fmt: skip


async def page(request: Request) -> Response:
    assert pool is not None
    path = request.url.path + ("?" + request.url.query if request.url.query else "")
    async with pool.acquire() as connection:
        body, headers = await PAGES[path].answer(connection, str(request.base_url))
    return Response(body, media_type="application/json", headers=headers)


app = Starlette(
    routes=[
        Route("/v1/incidents/{id}", incident),
        Route("/v1/incidents", page),
        Route("/v1/statements", page),
    ],
    lifespan=lifespan,
)
