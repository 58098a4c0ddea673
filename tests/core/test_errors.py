"""Every bad input is a 4xx problem naming the field, and leaves the database unchanged."""

import pytest
from sqlalchemy.orm.exc import StaleDataError

from app.actors.service import ActorService
from tests.helpers import actor_id, assert_problem, source_id, update

pytestmark = pytest.mark.anyio


MISSING = "00000000-0000-4000-8000-000000000000"


async def test_unknown_field_is_named(client):
    response = await client.post(
        "/v1/sources", json={"title": "T", "kind": "other", "colour": "red"}
    )
    assert_problem(response, 422, "colour")


async def test_wrong_type_is_named(client):
    response = await client.post("/v1/incidents", json={"type": "shelling", "start_date": 20170122})
    assert_problem(response, 422, "start_date")


async def test_body_that_is_not_an_object_is_refused(client):
    response = await client.post("/v1/actors", json=["Hezbollah"])
    assert_problem(response, 422)


async def test_malformed_json_is_a_problem(client):
    response = await client.post(
        "/v1/actors", content=b'{"name": "Hezbollah",', headers={"content-type": "application/json"}
    )
    assert_problem(response, 422, "body")


async def test_non_finite_numbers_are_refused(client):
    response = await client.post(
        "/v1/incidents",
        content=b'{"type": "airstrike", "start_date": "2017-01-22", '
        b'"place": {"latitude": NaN, "longitude": 36.2}}',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 422, "place.latitude")


async def test_over_long_strings(client):
    response = await client.post("/v1/actors", json={"name": "x" * 301, "kind": "person"})
    assert_problem(response, 422, "name")


async def test_over_long_lists(client):
    body = {"name": "n", "kind": "person", "aliases": [{"name": f"a{i}"} for i in range(201)]}
    assert_problem(await client.post("/v1/actors", json=body), 422, "aliases")


async def test_nul_bytes_in_the_body(client):
    cited = [{"source_id": await source_id(client), "excerpt": "bad\u0000excerpt"}]
    body = {"type": "airstrike", "start_date": "2017-01-22", "citations": cited}
    assert_problem(await client.post("/v1/incidents", json=body), 422, "citations.0.excerpt")


async def test_nul_bytes_in_a_query(client):
    assert_problem(
        await client.get("/v1/incidents", params={"actor": "Hez\u0000bollah"}), 422, "actor"
    )


async def test_unknown_enumeration_value(client):
    assert_problem(
        await client.post("/v1/actors", json={"name": "n", "kind": "wizard"}), 422, "kind"
    )


@pytest.mark.parametrize("limit", ["0", "501", "-1", "ten"])
async def test_limit_out_of_range(client, limit):
    assert_problem(await client.get("/v1/actors", params={"limit": limit}), 422, "limit")


async def test_unknown_query_parameter_is_named(client):
    assert_problem(await client.get("/v1/incidents", params={"acter": "Hezbollah"}), 422, "acter")


async def test_inverted_date_range(client):
    response = await client.get("/v1/incidents", params={"from": "2017-02-01", "to": "2017-01-01"})
    assert_problem(response, 422, "to")


async def test_malformed_id_in_the_path(client):
    assert_problem(await client.get("/v1/actors/not-an-id"), 422, "record_id")


async def test_unknown_route_is_a_404_problem(client):
    assert_problem(await client.get("/v1/weapons"), 404)


async def test_wrong_method_is_a_405_problem_with_allow(client):
    response = await client.put("/v1/actors")
    assert_problem(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


async def test_missing_record_is_a_404_problem(client):
    body = assert_problem(await client.get(f"/v1/incidents/{MISSING}"), 404)
    assert MISSING in body["detail"]


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
