import httpx
import pytest

from app.core.config import Settings
from app.core.database import Database, build_engine
from app.main import create_app
from tests.helpers import assert_problem

pytestmark = pytest.mark.anyio


async def test_health_is_200_with_the_database_reachable(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_health_is_503_without_the_database():
    unreachable = build_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_timeout=1)
    app = create_app(Settings(), database=Database(unreachable))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        assert_problem(await client.get("/health"), 503)
        assert_problem(await client.get("/v1/actors"), 503)
