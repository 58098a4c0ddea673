"""A parameter that takes one value, given twice, is a 422; one that takes several may repeat."""

import pytest

from tests.helpers import assert_problem

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("path", "query", "name"),
    [
        ("/v1/incidents", "sort=date&sort=-date", "sort"),
        ("/v1/incidents", "limit=1&limit=500", "limit"),
        ("/v1/stats/incidents", "group_by=month&group_by=type", "group_by"),
        ("/v1/statements", "q=ceasefire&q=Astana", "q"),
        ("/v1/changes", "since=1&since=2", "since"),
    ],
)
async def test_a_single_valued_parameter_given_twice_is_422(client, path, query, name):
    body = assert_problem(await client.get(f"{path}?{query}"), 422, name)
    assert body["detail"] == f"{name}: give `{name}` once: it takes one value"


async def test_a_parameter_taking_several_values_may_repeat(client):
    response = await client.get("/v1/incidents?type=airstrike&type=attack")
    assert response.status_code == 200
    assert {incident["type"] for incident in response.json()["data"]} == {"airstrike", "attack"}


async def test_cache_busters_and_campaign_tags_are_ignored(client):
    plain = await client.get("/v1/incidents", params={"type": "airstrike", "limit": 1})
    tagged = await client.get(
        "/v1/incidents?_=1733100000&type=airstrike&utm_source=newsletter&utm_medium=email&limit=1"
    )
    assert tagged.status_code == 200
    assert tagged.json() == plain.json()
    assert tagged.headers.get("link") == plain.headers.get("link")
