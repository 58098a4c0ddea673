"""The OpenAPI document tells frontends the truth, and the docs work with no internet."""

import re

import pytest

from app.core.config import Settings
from app.main import create_app

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
    if method in ("post", "patch", "delete"):
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
    assert scripts
    for script in scripts:
        assert (await client.get(script)).status_code == 200


async def test_openapi_document_is_served(client):
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Syria conflict record API"
