"""What an incident may say: coordinates on the globe, casualty ranges in order."""

import pytest

from tests.helpers import assert_problem

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("place", "field"),
    [
        ({"latitude": 91, "longitude": 36.2}, "place.latitude"),
        ({"latitude": 33.6, "longitude": -180.5}, "place.longitude"),
    ],
)
async def test_out_of_range_coordinates(client, place, field):
    response = await client.post(
        "/v1/incidents", json={"type": "airstrike", "start_date": "2017-01-22", "place": place}
    )
    assert_problem(response, 422, field)


@pytest.mark.parametrize(
    ("killed", "field"),
    [
        ({"low": 3, "best": 2}, "killed.best"),
        ({"best": 5, "high": 4}, "killed.high"),
        ({"low": 5, "high": 4}, "killed.high"),
        ({"best": -1}, "killed.best"),
        ({"best": 10**12}, "killed.best"),
    ],
)
async def test_casualty_ranges_must_be_ordered_and_bounded(client, killed, field):
    response = await client.post(
        "/v1/incidents", json={"type": "airstrike", "start_date": "2017-01-22", "killed": killed}
    )
    assert_problem(response, 422, field)
