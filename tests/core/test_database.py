"""The engines behind the service, and their faults: a query that runs too long is stopped
and answered 503; a database that goes away gets 503s within two seconds and the service
recovers by itself; a write cut off half-way leaves nothing behind."""

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.core.config import Settings
from app.core.database import sync_url
from app.main import create_app
from tests.databases import Committed, admin_connection, committed_database, server_url
from tests.helpers import NEW_ACTOR, api_client, assert_problem


@pytest.mark.parametrize(
    ("given", "served"),
    [
        ("sqlite:///./data/syria.db", "sqlite:///./data/syria.db"),
        ("sqlite+aiosqlite:///./data/syria.db", "sqlite+pysqlite:///./data/syria.db"),
        ("postgresql://u:p@db/syria", "postgresql+psycopg://u:p@db/syria"),
        ("postgresql+asyncpg://u:p@db/syria", "postgresql+psycopg://u:p@db/syria"),
        ("postgresql+psycopg://u:p@db/syria", "postgresql+psycopg://u:p@db/syria"),
    ],
)
def test_async_and_bare_urls_are_served_through_sync_drivers(given, served):
    assert sync_url(given) == served


pytestmark = pytest.mark.anyio


SOURCE = {"title": "Wire report", "kind": "news_article"}


on_postgresql = pytest.mark.skipif(server_url() is None, reason="needs a PostgreSQL server")


def slow_inserts(committed: Committed, seconds: float) -> None:
    """Make every insert into sources take about `seconds` (longer on SQLite's slower box)."""
    engine = committed.database.bind
    with engine.begin() as connection:  # type: ignore[union-attr]
        if connection.dialect.name == "postgresql":
            connection.execute(
                text(
                    "CREATE FUNCTION slowly() RETURNS trigger LANGUAGE plpgsql AS "
                    f"$$ BEGIN PERFORM pg_sleep({seconds}); RETURN NEW; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER slowly BEFORE INSERT ON sources "
                    "FOR EACH ROW EXECUTE FUNCTION slowly()"
                )
            )
        else:  # SQLite has no sleep: count a hundred million rows instead
            connection.execute(text("CREATE TABLE ten (n INTEGER)"))
            connection.execute(
                text("INSERT INTO ten VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)")
            )
            connection.execute(
                text(
                    "CREATE TRIGGER slowly BEFORE INSERT ON sources BEGIN "
                    "SELECT count(*) FROM ten a, ten b, ten c, ten d, ten e, ten f, ten g, ten h; "
                    "END"
                )
            )


@pytest.fixture(scope="module")
def slow() -> Iterator[Committed]:
    with committed_database("desk", statement_timeout=0.5) as committed:
        slow_inserts(committed, 5)
        yield committed


@pytest.fixture
async def desk(slow: Committed) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(), database=slow.database)
    async with api_client(app, slow.tokens["desk"]) as client:
        yield client


async def stored_sources(client: httpx.AsyncClient) -> list[dict]:
    return (await client.get("/v1/sources")).json()["data"]


async def test_a_query_over_the_statement_timeout_is_503_and_leaves_nothing(desk):
    started = time.monotonic()
    response = await desk.post("/v1/sources", json=SOURCE, headers={"Idempotency-Key": "k1"})
    elapsed = time.monotonic() - started

    body = assert_problem(response, 503)
    assert "ran too long" in body["detail"] and response.headers["retry-after"]
    assert elapsed < 3
    assert await stored_sources(desk) == []
    assert (await desk.get("/v1/changes")).json()["data"] == []
    # The failed write gave its idempotency key back: the retry runs (and times out) again.
    retry = await desk.post("/v1/sources", json=SOURCE, headers={"Idempotency-Key": "k1"})
    assert "ran too long" in assert_problem(retry, 503)["detail"]


async def test_reads_keep_working_after_a_timeout(desk):
    assert_problem(await desk.post("/v1/sources", json=SOURCE), 503)
    assert (await desk.get("/v1/actors")).status_code == 200


async def test_with_every_connection_taken_requests_get_503_not_a_wait():
    with committed_database("desk", connect_timeout=1) as crowded:
        engine = crowded.database.bind
        held = []
        while True:  # take every connection the pool will give
            try:
                held.append(engine.connect())  # type: ignore[union-attr]
            except PoolTimeout:
                break
        app = create_app(Settings(), database=crowded.database)
        async with api_client(app, crowded.tokens["desk"]) as client:
            started = time.monotonic()
            response = await client.get("/v1/actors")
            assert time.monotonic() - started < 2
            assert_problem(response, 503)
            assert response.headers["retry-after"] == "1"
            for connection in held:
                connection.close()
            assert (await client.get("/v1/actors")).status_code == 200


@pytest.fixture
def outage() -> Iterator[Committed]:
    with committed_database("desk") as committed:
        yield committed


def set_database_up(url: str, up: bool) -> None:
    """Open or close the database to connections; closing also ends every open one."""
    name = make_url(url).database
    with admin_connection() as admin:
        admin.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(up).lower()}'))
        if not up:
            admin.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )


@on_postgresql
async def test_with_the_database_gone_requests_get_503_fast_and_then_recover(outage):
    app = create_app(Settings(), database=outage.database)
    async with api_client(app, outage.tokens["desk"]) as client:
        assert (await client.get("/v1/actors")).status_code == 200

        set_database_up(outage.url, False)
        try:
            for method, path, body in [
                ("GET", "/v1/actors", None),
                ("GET", "/health", None),
                ("POST", "/v1/sources", SOURCE),
                ("GET", "/v1/changes", None),
            ]:
                started = time.monotonic()
                response = await client.request(method, path, json=body)
                assert time.monotonic() - started < 2, path
                assert_problem(response, 503)
        finally:
            set_database_up(outage.url, True)

        assert (await client.get("/v1/actors")).status_code == 200
        assert (await client.post("/v1/sources", json=SOURCE)).status_code == 201


@on_postgresql
async def test_a_write_whose_connection_is_killed_leaves_nothing(outage):
    slow_inserts(outage, 3)
    app = create_app(Settings(), database=outage.database)
    name = make_url(outage.url).database
    async with api_client(app, outage.tokens["desk"]) as client:
        write = asyncio.ensure_future(client.post("/v1/sources", json=SOURCE))
        await asyncio.sleep(1)
        with admin_connection() as admin:
            killed = admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND query LIKE 'INSERT INTO sources%'"
                ),
                {"n": name},
            ).all()
        assert killed == [(True,)]
        assert_problem(await write, 503)
        assert await stored_sources(client) == []
        assert (await client.get("/v1/changes")).json()["data"] == []


async def test_a_write_that_waits_out_another_writer_is_a_busy_503():
    if server_url() is not None:
        pytest.skip("SQLite's lock: PostgreSQL writers lock rows, not the database")
    with committed_database("desk", sqlite_busy_timeout=0.2) as committed:
        holder = sqlite3.connect(make_url(committed.url).database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than the wait
        try:
            app = create_app(Settings(), database=committed.database)
            async with api_client(app, committed.tokens["desk"]) as client:
                response = await client.post("/v1/actors", json=NEW_ACTOR)
        finally:
            holder.rollback()
            holder.close()
    body = assert_problem(response, 503)
    assert body["detail"] == (
        "The database is busy with other writes and the wait ran out; retry shortly."
    )
    assert response.headers["retry-after"] == "1"
