"""Small helpers the API tests share."""

import csv
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

# Every collection of records, in the order the API lists them.
COLLECTIONS = [
    "sources",
    "actors",
    "statements",
    "incidents",
    "negotiation-processes",
    "negotiation-sessions",
    "agreements",
]
NEW_ACTOR = {"name": "Liwa al-Haq", "kind": "armed_group", "country": "Syria"}


@asynccontextmanager
async def api_client(
    app: FastAPI, token: str | None = None, address: str = "127.0.0.1"
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app calling from `address`, sending `token` as its API key if given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers=headers
    ) as client:
        yield client


async def actor_id(client: httpx.AsyncClient, name: str) -> str:
    """The id of the one actor `name` finds."""
    response = await client.get("/v1/actors", params={"q": name})
    found = response.json()["data"]
    assert len(found) == 1, [actor["name"] for actor in found]
    return str(found[0]["id"])


async def source_id(client: httpx.AsyncClient) -> str:
    """The id of the seed article, the source every demo record cites."""
    response = await client.get("/v1/sources")
    return str(response.json()["data"][0]["id"])


async def all_pages(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every row of a list, following next_cursor to the end."""
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = (await client.get(path, params=query)).json()
        rows.extend(body["data"])
        assert body["next_cursor"] is None or body["next_cursor"] != cursor, "paging went nowhere"
        cursor = body["next_cursor"]
        if cursor is None:
            return rows


async def create_actor(client: httpx.AsyncClient) -> str:
    """Create a new actor; its URL."""
    created = await client.post("/v1/actors", json=NEW_ACTOR)
    assert created.status_code == 201, created.text
    return created.headers["location"]


def assert_problem(
    response: httpx.Response, status: int, field: str | None = None
) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status, naming `field` if given."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    if field is not None:
        assert field in [error["field"] for error in body["errors"]], body
    return body


async def current_etag(client: httpx.AsyncClient, url: str) -> str:
    """The record's ETag as a read gives it (`*` if there is no record to read)."""
    return (await client.get(url)).headers.get("etag", "*")


async def update(client: httpx.AsyncClient, url: str, **kwargs: Any) -> httpx.Response:
    """PATCH the record as an editor does: at the version just read."""
    headers = {"If-Match": await current_etag(client, url)}
    return await client.patch(url, headers=headers, **kwargs)


async def remove(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """DELETE the record as an editor does: at the version just read."""
    return await client.delete(url, headers={"If-Match": await current_etag(client, url)})


def read_csv(response: httpx.Response) -> list[dict[str, str]]:
    """The rows of a CSV export, which starts with the byte order mark spreadsheets need."""
    assert response.text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
