import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy import Engine

from app.core.config import Settings, get_settings
from app.core.database import Database, build_engine
from app.demo.loader import load_demo
from app.keys.schemas import KeyCreate
from app.keys.service import create_key
from app.main import create_app
from bench.datagen import generate
from tests.databases import RUN_ID, SHARED, built_once, drop_templates, fresh_database_url
from tests.helpers import api_client
from tests.plans import CORPUS_INCIDENTS, CORPUS_STATEMENTS

SCOPES = ("read", "write", "admin")


def pytest_configure(config: pytest.Config) -> None:
    """The run's first process names the run and the directory its workers share."""
    if RUN_ID not in os.environ:
        os.environ[RUN_ID] = uuid.uuid4().hex[:10]
        os.environ[SHARED] = tempfile.mkdtemp(prefix="syria-tests-")
        config.stash[_OWNER] = True


def pytest_unconfigure(config: pytest.Config) -> None:
    if config.stash.get(_OWNER, False):
        drop_templates()
        shutil.rmtree(os.environ[SHARED], ignore_errors=True)


_OWNER = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def _demo(engine: Engine) -> dict[str, str]:
    """The demo dataset, and one API key of each scope (their tokens by scope)."""
    with Database(engine).sessions() as session:
        load_demo(session)
        tokens = {
            scope: create_key(session, KeyCreate(name=f"{scope} tester", scope=scope))[1]
            for scope in SCOPES
        }
        session.commit()
    return tokens


@pytest.fixture(scope="session")
def engine_and_tokens() -> Iterator[tuple[Engine, dict[str, str]]]:
    """This worker's database, built by the migrations and holding the demo dataset."""
    template, tokens = built_once("demo", _demo)
    with fresh_database_url(template) as url:
        engine = build_engine(url)
        yield engine, tokens
        engine.dispose()


@pytest.fixture
def committed_demo(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database of the test's own holding the demo dataset, which the command line (run in
    the test's process, on DATABASE_URL) commits to: its URL."""
    template, _ = built_once("demo", _demo)
    with fresh_database_url(template) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        yield url
    get_settings.cache_clear()


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


def _corpus(engine: Engine) -> list[str]:
    return [str(actor) for actor in generate(engine, CORPUS_INCIDENTS, CORPUS_STATEMENTS, seed=7)]


@pytest.fixture(scope="session")
def big_corpus() -> Iterator[tuple[Engine, list[uuid.UUID]]]:
    """100,000 incidents and 20,000 statements, and the ids of their actors, busiest first:
    the database built once per run, read and never written by the tests that use it."""
    url, actors = built_once("corpus", _corpus)
    engine = build_engine(url)
    yield engine, [uuid.UUID(actor) for actor in actors]
    engine.dispose()
