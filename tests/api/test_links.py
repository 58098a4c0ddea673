"""`Link` and `Location` start with PUBLIC_URL, or are relative: never the request's Host."""

import pytest

from app.core.config import Settings
from app.main import create_app
from tests.helpers import NEW_ACTOR, api_client

pytestmark = pytest.mark.anyio

EVIL = {"Host": "evil.example"}


async def test_without_public_url_links_are_relative_whatever_the_host(client):
    page = await client.get("/v1/actors", params={"limit": 2}, headers=EVIL)
    created = await client.post("/v1/actors", json=NEW_ACTOR, headers=EVIL)

    cursor = page.json()["next_cursor"]
    assert page.headers["link"] == f'</v1/actors?limit=2&cursor={cursor}>; rel="next"'
    assert created.headers["location"] == f"/v1/actors/{created.json()['id']}"


async def test_with_public_url_links_start_with_it(database, tokens):
    app = create_app(Settings(public_url="https://api.example.org/"), database=database)
    async with api_client(app, tokens["admin"]) as client:
        page = await client.get("/v1/actors", params={"limit": 2}, headers=EVIL)
        created = await client.post("/v1/actors", json=NEW_ACTOR, headers=EVIL)

    cursor = page.json()["next_cursor"]
    assert page.headers["link"] == (
        f'<https://api.example.org/v1/actors?limit=2&cursor={cursor}>; rel="next"'
    )
    assert created.headers["location"] == (
        f"https://api.example.org/v1/actors/{created.json()['id']}"
    )


def test_public_url_must_be_an_http_address():
    with pytest.raises(ValueError, match="public_url"):
        Settings(public_url="javascript:alert(1)")
