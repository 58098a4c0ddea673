"""Create, read, update, delete, restore and list behave the same on every resource; a
partial update is validated as a whole record; concurrent editors lose no update."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from app.core.config import Settings
from app.main import create_app
from tests.databases import Committed, committed_database
from tests.helpers import (
    COLLECTIONS,
    NEW_ACTOR,
    actor_id,
    all_pages,
    api_client,
    assert_problem,
    create_actor,
    remove,
    source_id,
    update,
)

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


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_create_returns_201_with_location_and_server_fields(client, collection):
    body, _ = (await new_bodies(client))[collection]

    response = await client.post(f"/v1/{collection}", json=body)

    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"/v1/{collection}/{created['id']}"
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


MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    ("collection", "body"),
    [
        ("incidents", {"type": "offensive", "start_date": "2017-01-22", "end_date": "2016-12-22"}),
        (
            "negotiation-sessions",
            {"name": "Astana", "start_date": "2017-01-24", "end_date": "2017-01-23"},
        ),
    ],
)
async def test_end_date_before_start_date(client, collection, body):
    assert_problem(await client.post(f"/v1/{collection}", json=body), 422, "end_date")


async def test_patch_is_validated_against_the_whole_record(client):
    created = await client.post(
        "/v1/incidents",
        json={"type": "offensive", "start_date": "2017-01-20", "end_date": "2017-01-22"},
    )
    response = await update(
        client, f"/v1/incidents/{created.json()['id']}", json={"start_date": "2017-02-01"}
    )
    assert_problem(response, 422, "end_date")


@pytest.mark.parametrize(
    ("collection", "body", "field"),
    [
        (
            "incidents",
            {
                "type": "airstrike",
                "start_date": "2017-01-22",
                "actors": [{"actor_id": MISSING, "role": "perpetrator"}],
            },
            "actors.0.actor_id",
        ),
        (
            "incidents",
            {"type": "airstrike", "start_date": "2017-01-22", "violated_agreement_id": MISSING},
            "violated_agreement_id",
        ),
        (
            "incidents",
            {
                "type": "airstrike",
                "start_date": "2017-01-22",
                "citations": [{"source_id": MISSING}],
            },
            "citations.0.source_id",
        ),
        ("statements", {"speaker_id": MISSING, "date": "2017-01-23", "summary": "s"}, "speaker_id"),
        (
            "statements",
            {
                "speaker_label": "rebel sources",
                "date": "2017-01-23",
                "summary": "s",
                "session_id": MISSING,
            },
            "session_id",
        ),
        ("negotiation-sessions", {"name": "n", "process_id": MISSING}, "process_id"),
        ("agreements", {"title": "t", "kind": "ceasefire", "parties": [MISSING]}, "parties.0"),
        (
            "actors",
            {
                "name": "n",
                "kind": "person",
                "affiliations": [{"actor_id": MISSING, "kind": "member_of"}],
            },
            "affiliations.0.actor_id",
        ),
    ],
)
async def test_reference_to_a_missing_record(client, collection, body, field):
    before = await all_pages(client, f"/v1/{collection}", limit=500)

    assert_problem(await client.post(f"/v1/{collection}", json=body), 422, field)

    assert await all_pages(client, f"/v1/{collection}", limit=500) == before


async def test_reference_to_a_deleted_record(client):
    created = await client.post("/v1/actors", json={"name": "Short-lived", "kind": "other"})
    await remove(client, f"/v1/actors/{created.json()['id']}")
    body = {"speaker_id": created.json()["id"], "date": "2017-01-23", "summary": "s"}
    assert_problem(await client.post("/v1/statements", json=body), 422, "speaker_id")


async def test_rejected_patch_leaves_the_record_unchanged(client):
    created = (
        await client.post("/v1/actors", json={"name": "Jaysh al-Nasr", "kind": "armed_group"})
    ).json()

    response = await update(
        client,
        f"/v1/actors/{created['id']}",
        json={
            "aliases": [{"name": "JaN"}],
            "affiliations": [{"actor_id": MISSING, "kind": "part_of"}],
        },
    )

    assert_problem(response, 422, "affiliations.0.actor_id")
    assert (await client.get(f"/v1/actors/{created['id']}")).json() == created


async def test_patching_a_nested_object_keeps_its_other_fields(client):
    body = {
        "type": "shelling",
        "start_date": "2017-01-23",
        "place": {
            "name": "Ain al-Fijah",
            "governorate": "Rif Dimashq",
            "latitude": 33.6,
            "longitude": 36.2,
        },
        "killed": {"low": 1, "best": 2, "high": 3},
    }
    created = (await client.post("/v1/incidents", json=body)).json()

    patched = (
        await update(
            client,
            f"/v1/incidents/{created['id']}",
            json={"place": {"name": "Ain al-Fijeh"}, "killed": {"high": 9}},
        )
    ).json()

    assert patched["place"] == created["place"] | {"name": "Ain al-Fijeh"}
    assert patched["killed"] == {"low": 1, "best": 2, "high": 9}


async def test_a_record_stays_editable_after_an_actor_it_names_is_deleted(client):
    actor = (
        await client.post("/v1/actors", json={"name": "Liwa Fajr", "kind": "armed_group"})
    ).json()
    body = {
        "type": "clashes",
        "start_date": "2017-01-23",
        "actors": [{"actor_id": actor["id"], "role": "side"}],
    }
    incident = (await client.post("/v1/incidents", json=body)).json()
    await remove(client, f"/v1/actors/{actor['id']}")

    response = await update(
        client, f"/v1/incidents/{incident['id']}", json={"description": "typo fixed"}
    )

    assert response.status_code == 200
    assert response.json()["actors"][0]["actor_name"] == "Liwa Fajr"


async def test_an_empty_patch_changes_nothing(client):
    actor = await actor_id(client, "Hezbollah")
    before = (await client.get(f"/v1/actors/{actor}")).json()
    after = (await update(client, f"/v1/actors/{actor}", json={})).json()
    assert after == before


@pytest.mark.parametrize(
    "field",
    ["id", "version", "created_at", "updated_at", "deleted_at"],
)
async def test_server_managed_fields_cannot_be_set(client, field):
    assert_problem(await client.post("/v1/actors", json={**NEW_ACTOR, field: "1"}), 422, field)
    hezbollah = await actor_id(client, "Hezbollah")
    response = await update(client, f"/v1/actors/{hezbollah}", json={field: "1"})
    assert_problem(response, 422, field)


async def test_restore_undoes_a_delete(client):
    url = await create_actor(client)
    await remove(client, url)
    assert_problem(await client.get(url), 404)

    restored = await client.post(f"{url}/restore")

    assert restored.status_code == 200
    assert restored.json()["name"] == "Liwa al-Haq"
    assert (await client.get(url)).status_code == 200
    names = [actor["name"] for actor in await all_pages(client, "/v1/actors", q="Liwa al-Haq")]
    assert names == ["Liwa al-Haq"]


async def test_restoring_a_live_record_is_409_and_an_unknown_one_404(client):
    url = await create_actor(client)
    assert_problem(await client.post(f"{url}/restore"), 409)
    unknown = "/v1/actors/00000000-0000-4000-8000-000000000000"
    assert_problem(await client.post(f"{unknown}/restore"), 404)
    assert_problem(await client.get(f"{unknown}/history"), 404)
    assert_problem(await client.get(f"{unknown}/history", params={"since": "0"}), 404)


EDITORS = 8


EDITS_EACH = 3


INCIDENT = {
    "type": "airstrike",
    "start_date": "2017-01-24",
    "end_date": "2017-01-24",
    "place": {"name": "Wadi Barada"},
    "description": "Strikes on the valley.",
}


@pytest.fixture(scope="module")
def committed() -> Iterator[Committed]:
    with committed_database("desk one", "desk two") as committed:
        yield committed


@pytest.fixture
async def desk(committed) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(), database=committed.database)
    async with api_client(app, committed.tokens["desk one"]) as client:
        yield client


async def new_incident(client: httpx.AsyncClient, description: str) -> str:
    created = await client.post("/v1/incidents", json={**INCIDENT, "description": description})
    assert created.status_code == 201, created.text
    return created.headers["location"]


async def edit(client: httpx.AsyncClient, url: str, tag: str, send_if_match: bool) -> list[int]:
    """Append `tag` to the description by read-modify-write, retrying when beaten to it."""
    statuses = []
    for _ in range(50):
        read = await client.get(url)
        headers = {"If-Match": read.headers["etag"]} if send_if_match else {}
        body = {"description": f"{read.json()['description']} {tag}"}
        response = await client.patch(url, json=body, headers=headers)
        statuses.append(response.status_code)
        if response.status_code != 412:
            return statuses
    raise AssertionError(f"{tag} never got its edit in")


@pytest.mark.parametrize("send_if_match", [True, False], ids=["if-match", "no-if-match"])
async def test_concurrent_editors_lose_no_update_or_are_told_to_name_a_version(desk, send_if_match):
    """With If-Match, every acknowledged edit holds; without, every edit is refused (428)."""
    url = await new_incident(desk, "Edits:")
    tags = [f"<{editor}.{turn}>" for editor in range(EDITORS) for turn in range(EDITS_EACH)]

    async def editor(number: int) -> list[int]:
        statuses = []
        for turn in range(EDITS_EACH):
            statuses += await edit(desk, url, f"<{number}.{turn}>", send_if_match)
        return statuses

    results = await asyncio.gather(*(editor(number) for number in range(EDITORS)))
    statuses = [status for result in results for status in result]
    final = (await desk.get(url)).json()["description"]

    if send_if_match:
        assert statuses.count(200) == len(tags)
        assert set(statuses) <= {200, 412}
        assert all(tag in final for tag in tags), final  # every acknowledged edit held
        assert (await desk.get(url)).json()["version"] == 1 + len(tags)
    else:
        assert set(statuses) == {428}
        assert final == "Edits:"
