from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import Engine

from app.core.config import Settings
from app.core.database import Database, build_engine
from app.core.migrations import upgrade
from app.demo.loader import load_demo
from app.keys.schemas import KeyCreate
from app.keys.service import create_key
from app.main import create_app
from tests.databases import fresh_database_url
from tests.helpers import api_client


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def engine_and_tokens() -> Iterator[tuple[Engine, dict[str, str]]]:
    """One database per run, built by the migrations and holding the demo dataset, with one
    API key of each scope (their tokens by scope)."""
    with fresh_database_url() as url:
        engine = build_engine(url)
        upgrade(engine)
        with Database(engine).sessions() as session:
            load_demo(session)
            tokens = {
                scope: create_key(session, KeyCreate(name=f"{scope} tester", scope=scope))[1]
                for scope in ("read", "write", "admin")
            }
            session.commit()
        yield engine, tokens
        engine.dispose()


@pytest.fixture(scope="session")
def engine(engine_and_tokens: tuple[Engine, dict[str, str]]) -> Engine:
    return engine_and_tokens[0]


@pytest.fixture(scope="session")
def tokens(engine_and_tokens: tuple[Engine, dict[str, str]]) -> dict[str, str]:
    """A token of each scope: read, write, admin."""
    return engine_and_tokens[1]


@pytest.fixture
def database(engine: Engine) -> Iterator[Database]:
    """A database whose every change is rolled back when the test ends."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield Database(connection)
        transaction.rollback()


@pytest.fixture
async def anonymous(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client sending no API key."""
    async with api_client(create_app(Settings(), database=database)) as client:
        yield client


@pytest.fixture
async def client(database: Database, tokens: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """A client sending an admin key: it may do anything."""
    async with api_client(create_app(Settings(), database=database), tokens["admin"]) as client:
        yield client
