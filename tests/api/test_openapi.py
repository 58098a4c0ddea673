"""The OpenAPI document tells frontends the truth, and the docs work with no internet."""

import json
import re
from pathlib import Path

import pytest

from app.__main__ import main
from app.core.config import Settings
from app.main import create_app
from tests.helpers import actor_id, assert_problem

pytestmark = pytest.mark.anyio


SPEC = create_app(Settings()).openapi()


OPERATIONS = [
    (path, method, operation)
    for path, methods in SPEC["paths"].items()
    for method, operation in methods.items()
]


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=lambda v: str(v)[:40])
def test_every_operation_declares_its_problem_statuses(path, method, operation):
    declared = set(operation["responses"])
    expected = {"500"}
    if operation.get("parameters") or operation.get("requestBody"):
        expected.add("422")
    if path != "/v1/statement-types":
        expected.add("503")
    if "{record_id}" in path:
        expected.add("404")
    if method in ("post", "patch", "delete") and path != "/v1/imports":  # a job conflicts with none
        expected.add("409")
    assert expected <= declared
    assert operation["operationId"] == re.sub(r"[^a-z_]", "", operation["operationId"])


def test_success_statuses_match_the_routes():
    assert "201" in SPEC["paths"]["/v1/incidents"]["post"]["responses"]
    assert "204" in SPEC["paths"]["/v1/incidents/{record_id}"]["delete"]["responses"]


def test_problem_responses_use_the_problem_media_type():
    response = SPEC["paths"]["/v1/incidents/{record_id}"]["get"]["responses"]["404"]
    assert list(response["content"]) == ["application/problem+json"]


async def test_docs_are_served_without_a_cdn(client):
    page = await client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text
    scripts = re.findall(r'src="([^"]+)"', page.text)
    assert scripts == ["/static-offline-docs/swagger-ui-bundle.js"]
    for script in scripts:
        assert (await client.get(script)).status_code == 200


async def test_openapi_document_is_served(client):
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Syria conflict record API"


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
    assert len(rows) == 29  # every actor of the demo dataset
    assert all(set(row) == {"name"} for row in rows)
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


CONTRACT = Path(__file__).parents[2] / "openapi.json"


async def test_the_document_is_the_committed_contract(client):
    """Frontends generate their clients from /openapi.json: it changes only together with the
    committed openapi.json, so every change to the contract is one a reviewer sees."""
    contract = json.loads(CONTRACT.read_text(encoding="utf-8"))
    served = await client.get("/openapi.json")
    assert (
        served.content == json.dumps(contract, ensure_ascii=False, separators=(",", ":")).encode()
    )


def test_the_command_line_writes_the_committed_contract(capsys):
    main(["openapi"])
    assert capsys.readouterr().out == CONTRACT.read_text(encoding="utf-8")
