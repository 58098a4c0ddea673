from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import Engine

from app.core.config import Settings
from app.core.database import Database, build_engine
from app.core.migrations import upgrade
from app.demo.loader import load_demo
from app.main import create_app
from tests.databases import fresh_database_url


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    """One database per run, built by the migrations and holding the demo dataset."""
    with fresh_database_url() as url:
        engine = build_engine(url)
        upgrade(engine)
        with Database(engine).sessions() as session:
            load_demo(session)
        yield engine
        engine.dispose()


@pytest.fixture
def database(engine: Engine) -> Iterator[Database]:
    """A database whose every change is rolled back when the test ends."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield Database(connection)
        transaction.rollback()


@pytest.fixture
async def client(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(), database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
