"""Input rules the OpenAPI document states, and the service holds to: what a schema-valid
request may carry, and what it may not."""

import re

import pytest

from app.core.schemas import TEXT_PATTERN
from app.main import create_app
from tests.helpers import actor_id, assert_problem, update

pytestmark = pytest.mark.anyio

SPEC = create_app().openapi()


@pytest.mark.parametrize("name", ["   ", "\t\n", "\u3000", "\x1c"])
async def test_blank_text_is_refused(client, name):
    response = await client.post("/v1/actors", json={"name": name, "kind": "other"})
    assert_problem(response, 422, "name")


async def test_text_is_stored_trimmed(client):
    created = await client.post(
        "/v1/actors", json={"name": "  Jaysh al-Islam II ", "kind": "other"}
    )
    assert created.json()["name"] == "Jaysh al-Islam II"


@pytest.mark.parametrize("text", ["a", " a ", "\u3000b", "x\x1cy"])
def test_the_documented_text_pattern_accepts_what_the_service_accepts(text):
    assert re.match(TEXT_PATTERN, text)


@pytest.mark.parametrize("text", ["", " ", "\x1c\u3000", "a\x00"])
def test_the_documented_text_pattern_refuses_what_the_service_refuses(text):
    assert not re.match(TEXT_PATTERN, text)


@pytest.mark.parametrize("value", [0, 1485129600, "1485129600", "0.5"])
async def test_a_number_is_not_a_date(client, value):
    body = {"title": "t", "kind": "other", "published_at": value}
    assert_problem(await client.post("/v1/sources", json=body), 422, "published_at")
    assert_problem(await client.get("/v1/incidents", params={"updated_since": value}), 422)


async def test_a_boolean_is_not_a_number(client):
    body = {"type": "shelling", "start_date": "2017-01-24", "killed": {"best": True}}
    assert_problem(await client.post("/v1/incidents", json=body), 422, "killed.best")


async def test_a_patch_may_not_null_a_required_field(client):
    url = f"/v1/actors/{await actor_id(client, 'Hezbollah')}"
    assert_problem(await update(client, url, json={"kind": None}), 422, "kind")
    assert (await update(client, url, json={"country": None})).status_code == 200


def test_patch_schemas_allow_null_only_where_a_new_record_may_have_it():
    update_schema = SPEC["components"]["schemas"]["ActorUpdate"]["properties"]
    assert "anyOf" not in update_schema["kind"]
    assert {"type": "null"} in update_schema["country"]["anyOf"]


async def test_fields_and_format_name_what_each_list_has(client):
    assert_problem(await client.get("/v1/actors", params={"fields": "id,nope"}), 422, "fields")
    assert_problem(await client.get("/v1/actors", params={"format": "geojson"}), 422, "format")
    parameters = {p["name"]: p for p in SPEC["paths"]["/v1/actors"]["get"]["parameters"]}
    assert "name" in parameters["fields"]["schema"]["pattern"]
    assert "geojson" not in str(parameters["format"]["schema"])


async def test_a_list_with_some_fields_matches_its_documented_rows(client):
    rows = (await client.get("/v1/actors", params={"fields": "name"})).json()["data"]
    assert rows and all(set(row) == {"name"} for row in rows)
    page = SPEC["paths"]["/v1/actors"]["get"]["responses"]["200"]["content"]["application/json"]
    assert page["schema"]["$ref"].endswith("/ActorPage")


async def test_lists_repeating_an_item_are_refused_and_documented_so(client):
    russia = await actor_id(client, "Russia")
    body = {"title": "t", "kind": "other", "guarantors": [russia, russia]}
    assert_problem(await client.post("/v1/agreements", json=body), 422, "guarantors")
    guarantors = SPEC["components"]["schemas"]["AgreementCreate"]["properties"]["guarantors"]
    assert guarantors["uniqueItems"] is True


def test_if_match_is_documented_as_required_on_updates_and_deletes():
    for method in ("patch", "delete"):
        operation = SPEC["paths"]["/v1/incidents/{record_id}"][method]
        if_match = next(p for p in operation["parameters"] if p["name"] == "if-match")
        assert if_match["required"] is True
        assert "428" in operation["responses"] and "412" in operation["responses"]


def test_reads_need_no_key_and_writes_do():
    assert SPEC["paths"]["/v1/incidents"]["get"]["security"] == [{}, {"HTTPBearer": []}]
    assert SPEC["paths"]["/v1/incidents"]["post"]["security"] == [{"HTTPBearer": []}]
