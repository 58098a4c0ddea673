"""Create, read, update, delete and list behave the same on every resource."""

from typing import Any

import httpx
import pytest

from tests.helpers import actor_id, all_pages, assert_problem, remove, source_id, update

pytestmark = pytest.mark.anyio


async def new_bodies(client: httpx.AsyncClient) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """For each collection: a valid new record and a valid partial update of it."""
    alloush = await actor_id(client, "Alloush")
    russia = await actor_id(client, "Russia")
    cited = [{"source_id": await source_id(client), "excerpt": "The Astana talks have begun."}]
    return {
        "sources": (
            {"title": "Astana talks: day two", "kind": "news_article", "language": "en"},
            {"author": "A. Reporter"},
        ),
        "actors": (
            {"name": "Free Idlib Army", "kind": "armed_group", "aliases": [{"name": "FIA"}]},
            {"country": "Syria"},
        ),
        "statements": (
            {
                "speaker_id": alloush,
                "date": "2017-01-24",
                "summary": "Talks ended.",
                "citations": cited,
            },
            {"type": "pessimistic_comment"},
        ),
        "incidents": (
            {
                "type": "shelling",
                "start_date": "2017-01-24",
                "end_date": "2017-01-24",
                "citations": cited,
            },
            {"killed": {"low": 2, "best": 3, "high": 5}},
        ),
        "negotiation-processes": ({"name": "Geneva process"}, {"description": "UN-led talks."}),
        "negotiation-sessions": (
            {
                "name": "Astana talks, round 2",
                "participants": [{"actor_id": russia, "role": "broker"}],
            },
            {"status": "postponed"},
        ),
        "agreements": (
            {
                "title": "Joint statement of Astana",
                "kind": "joint_statement",
                "guarantors": [russia],
            },
            {"date": "2017-01-24"},
        ),
    }


COLLECTIONS = [
    "sources",
    "actors",
    "statements",
    "incidents",
    "negotiation-processes",
    "negotiation-sessions",
    "agreements",
]


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_create_returns_201_with_location_and_server_fields(client, collection):
    body, _ = (await new_bodies(client))[collection]

    response = await client.post(f"/v1/{collection}", json=body)

    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"http://test/v1/{collection}/{created['id']}"
    assert created["version"] == 1
    assert created["created_at"] <= created["updated_at"]
    assert all(
        created[name] == value for name, value in body.items() if not isinstance(value, list)
    )


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_read_returns_what_was_created(client, collection):
    body, _ = (await new_bodies(client))[collection]
    created = (await client.post(f"/v1/{collection}", json=body)).json()

    response = await client.get(f"/v1/{collection}/{created['id']}")

    assert response.status_code == 200
    assert response.json() == created


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_patch_changes_only_the_fields_sent_and_bumps_the_version(client, collection):
    body, patch = (await new_bodies(client))[collection]
    created = (await client.post(f"/v1/{collection}", json=body)).json()

    response = await update(client, f"/v1/{collection}/{created['id']}", json=patch)

    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["version"] == 2
    assert updated["updated_at"] > created["updated_at"]
    unchanged = {k: v for k, v in created.items() if k not in (*patch, "version", "updated_at")}
    assert {k: updated[k] for k in unchanged} == unchanged
    assert (await client.get(f"/v1/{collection}/{created['id']}")).json() == updated


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_delete_is_soft_then_404_and_gone_from_lists(client, collection):
    body, patch = (await new_bodies(client))[collection]
    created = (await client.post(f"/v1/{collection}", json=body)).json()

    response = await remove(client, f"/v1/{collection}/{created['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert_problem(await client.get(f"/v1/{collection}/{created['id']}"), 404)
    assert_problem(await update(client, f"/v1/{collection}/{created['id']}", json=patch), 404)
    assert_problem(await remove(client, f"/v1/{collection}/{created['id']}"), 404)
    assert created["id"] not in [row["id"] for row in await all_pages(client, f"/v1/{collection}")]


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_list_includes_a_new_record(client, collection):
    body, _ = (await new_bodies(client))[collection]
    before = await all_pages(client, f"/v1/{collection}")
    created = (await client.post(f"/v1/{collection}", json=body)).json()

    after = await all_pages(client, f"/v1/{collection}")

    assert len(after) == len(before) + 1
    assert created in after


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_patch_may_not_null_a_required_field(client, collection):
    body, _ = (await new_bodies(client))[collection]
    created = (await client.post(f"/v1/{collection}", json=body)).json()
    required = {
        "sources": "title",
        "actors": "name",
        "statements": "date",
        "incidents": "type",
        "negotiation-processes": "name",
        "negotiation-sessions": "name",
        "agreements": "title",
    }

    response = await update(
        client, f"/v1/{collection}/{created['id']}", json={required[collection]: None}
    )

    assert_problem(response, 422, required[collection])
    assert (await client.get(f"/v1/{collection}/{created['id']}")).json() == created


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_reads_carry_the_version_as_etag_and_answer_304_when_unchanged(client, collection):
    body, patch = (await new_bodies(client))[collection]
    created = await client.post(f"/v1/{collection}", json=body)
    url = f"/v1/{collection}/{created.json()['id']}"

    read = await client.get(url)
    unchanged = await client.get(url, headers={"If-None-Match": read.headers["etag"]})
    patched = await update(client, url, json=patch)
    changed = await client.get(url, headers={"If-None-Match": read.headers["etag"]})

    assert created.headers["etag"] == read.headers["etag"] == '"1"'
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert patched.headers["etag"] == '"2"'
    assert changed.status_code == 200
    assert changed.headers["etag"] == '"2"'
