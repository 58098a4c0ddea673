"""Small helpers the API tests share."""

from typing import Any

import httpx


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
