"""Times are UTC throughout: naive ones are taken as UTC, offsets are converted."""

import pytest

from tests.helpers import assert_problem

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
