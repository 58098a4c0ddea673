"""Cursor pagination: stable order, every row exactly once, across pages; a forged cursor is
a 422."""

import base64
import json

import pytest

from tests.helpers import all_pages, assert_problem

pytestmark = pytest.mark.anyio


async def create_sources(client, count):
    for number in range(count):
        body = {"title": f"Bulletin {number:03}", "kind": "news_article"}
        assert (await client.post("/v1/sources", json=body)).status_code == 201


async def test_paging_returns_every_row_once_in_the_order_of_one_big_page(client):
    await create_sources(client, 23)
    whole = (await client.get("/v1/sources", params={"limit": 500})).json()

    paged = await all_pages(client, "/v1/sources", limit=5)

    assert whole["next_cursor"] is None
    assert len(paged) == len(whole["data"]) == 24
    assert [row["id"] for row in paged] == [row["id"] for row in whole["data"]]


async def test_a_page_links_to_the_next(client):
    await create_sources(client, 3)

    response = await client.get("/v1/sources", params={"limit": 2})

    cursor = response.json()["next_cursor"]
    assert cursor is not None
    assert response.headers["link"] == f'</v1/sources?limit=2&cursor={cursor}>; rel="next"'


async def test_last_page_has_no_cursor_and_no_link(client):
    response = await client.get("/v1/sources", params={"limit": 500})
    assert response.json()["next_cursor"] is None
    assert "link" not in response.headers


async def test_rows_created_while_paging_are_neither_skipped_nor_repeated(client):
    await create_sources(client, 6)
    first = (await client.get("/v1/sources", params={"limit": 3})).json()
    await create_sources(client, 2)

    rest = await all_pages(client, "/v1/sources", limit=3, cursor=first["next_cursor"])

    ids = [row["id"] for row in first["data"] + rest]
    assert len(ids) == len(set(ids)) == 9


async def test_default_page_size_is_50(client):
    await create_sources(client, 55)
    page = (await client.get("/v1/sources")).json()
    assert len(page["data"]) == 50
    assert page["next_cursor"] is not None


async def test_incidents_page_in_date_order(client):
    rows = await all_pages(client, "/v1/incidents", limit=2)
    dates = [row["start_date"] for row in rows]
    assert dates == sorted(dates)
    assert len(rows) == 5


@pytest.mark.parametrize("cursor", ["not-a-cursor", "eyJrIjpbXX0", "e30", "!!!"])
async def test_malformed_cursor(client, cursor):
    assert_problem(await client.get("/v1/incidents", params={"cursor": cursor}), 422, "cursor")


async def test_cursor_of_another_list_is_refused(client):
    page = (await client.get("/v1/actors", params={"limit": 1})).json()
    response = await client.get("/v1/incidents", params={"cursor": page["next_cursor"]})
    assert_problem(response, 422, "cursor")


@pytest.mark.parametrize("value", ["\ud800", "a\u0000b"])
async def test_forged_cursors_with_unstorable_text_are_422(client, value):
    payload = {"k": ["name_key", "id"], "v": [value, "00000000-0000-4000-8000-000000000000"]}
    cursor = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    assert_problem(await client.get("/v1/actors", params={"cursor": cursor}), 422, "cursor")


def forged(cursor: str, value: str) -> str:
    """The cursor with its first value replaced."""
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    payload["v"][0] = value
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize("value", ["99999999999999999999999", "-9223372036854775809", "1e5"])
@pytest.mark.parametrize(
    ("path", "params"),
    [("/v1/incidents", {"sort": "-killed"}), ("/v1/actors", {"q": "a"})],
)
async def test_forged_cursors_beyond_an_integer_column_are_422(client, path, params, value):
    page = (await client.get(path, params={**params, "limit": 1})).json()
    cursor = forged(page["next_cursor"], value)
    response = await client.get(path, params={**params, "limit": 1, "cursor": cursor})
    assert_problem(response, 422, "cursor")


async def test_the_largest_integer_a_column_holds_is_a_fair_cursor(client):
    page = (await client.get("/v1/incidents", params={"sort": "-killed", "limit": 1})).json()
    cursor = forged(page["next_cursor"], str(2**63 - 1))
    response = await client.get("/v1/incidents", params={"sort": "-killed", "cursor": cursor})
    assert response.status_code == 200
