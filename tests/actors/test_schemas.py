"""What an actor may say: affiliations that end after they begin."""

import pytest

from tests.helpers import actor_id, assert_problem

pytestmark = pytest.mark.anyio


MISSING = "00000000-0000-4000-8000-000000000000"


async def test_affiliation_end_before_start(client):
    body = {
        "name": "Envoy",
        "kind": "person",
        "affiliations": [
            {
                "actor_id": await actor_id(client, "United Nations"),
                "kind": "represents",
                "start_date": "2017-01-01",
                "end_date": "2016-01-01",
            }
        ],
    }
    assert_problem(await client.post("/v1/actors", json=body), 422, "affiliations.0.end_date")
