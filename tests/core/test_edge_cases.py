"""Inputs that once gave 500s, and partial updates that once lost data."""

import base64
import json

import pytest
from sqlalchemy.orm.exc import StaleDataError

from app.actors.service import ActorService
from tests.helpers import actor_id, assert_problem, remove, update

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("published_at", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
async def test_timestamps_out_of_range_in_utc_are_422(client, published_at):
    body = {"title": "t", "kind": "other", "published_at": published_at}
    assert_problem(await client.post("/v1/sources", json=body), 422, "published_at")


async def test_naive_timestamps_are_utc(client):
    body = {"title": "t", "kind": "other", "published_at": "2017-01-23T11:25:00"}
    created = (await client.post("/v1/sources", json=body)).json()
    assert created["published_at"] == "2017-01-23T11:25:00Z"
    page = await client.get("/v1/incidents", params={"updated_since": "0001-01-01T00:00:00"})
    assert page.status_code == 200


async def test_a_time_with_an_offset_is_stored_in_utc(client):
    body = {"speaker_label": "x", "date": "2017-01-23", "time": "13:25:00+02:00", "summary": "s"}
    assert (await client.post("/v1/statements", json=body)).json()["time"] == "11:25:00"


@pytest.mark.parametrize("value", ["\ud800", "a\u0000b"])
async def test_forged_cursors_with_unstorable_text_are_422(client, value):
    payload = {"k": ["name_key", "id"], "v": [value, "00000000-0000-4000-8000-000000000000"]}
    cursor = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    assert_problem(await client.get("/v1/actors", params={"cursor": cursor}), 422, "cursor")


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


async def test_repeated_items_are_refused(client):
    russia = await actor_id(client, "Russia")
    body = {"title": "t", "kind": "other", "guarantors": [russia, russia]}
    assert_problem(await client.post("/v1/agreements", json=body), 422, "guarantors")
    statement = {
        "speaker_label": "x",
        "date": "2017-01-23",
        "summary": "s",
        "target_ids": [russia, russia],
    }
    assert_problem(await client.post("/v1/statements", json=statement), 422, "target_ids")


async def test_a_flood_of_unknown_parameters_gets_a_bounded_answer(client):
    params = {f"p{i}": "x" for i in range(500)}
    body = assert_problem(await client.get("/v1/actors", params=params), 422)
    assert len(body["errors"]) == 50


async def test_an_edit_that_lost_a_race_is_a_409_problem(client, monkeypatch):
    """When another request changed the record between read and write (StaleDataError)."""
    actor = await actor_id(client, "Hezbollah")

    def lost_the_race(self, record_id, patch, expected=None):
        raise StaleDataError("UPDATE statement on table 'actors' expected to update 1 row(s)")

    monkeypatch.setattr(ActorService, "update", lost_the_race)
    response = await update(client, f"/v1/actors/{actor}", json={"country": "Lebanon"})
    assert "changed by another request" in assert_problem(response, 409)["detail"]
