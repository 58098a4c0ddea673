import pytest

from tests.helpers import all_pages

pytestmark = pytest.mark.anyio


async def incidents(client, **params):
    return await all_pages(client, "/v1/incidents", **params)


def sub_types(rows):
    return {row["sub_type"] or row["type"] for row in rows}


@pytest.mark.parametrize("actor", ["Hezbollah", "hizbollah", "حزب الله"])
async def test_actor_filter_by_name_or_alias(client, actor):
    found = await incidents(client, actor=actor)
    assert len(found) == 1
    assert found[0]["place"]["name"] == "Wadi Barada"
    assert found[0]["end_date"] is None


async def test_actor_filter_by_id(client):
    strike = (await incidents(client, actor="Ahmad Alaya"))[0]
    victim = next(a for a in strike["actors"] if a["actor_name"] == "Ahmad Alaya")
    assert await incidents(client, actor=victim["actor_id"]) == [strike]


async def test_regime_forces_since_22_december(client):
    found = await incidents(client, actor="regime forces", **{"from": "2016-12-22"})
    assert sub_types(found) == {"double_tap_strike", "ground_offensive", "attack"}
    assert any(row["end_date"] is None and row["start_date"] == "2016-12-22" for row in found)


async def test_date_range_overlap_is_inclusive(client):
    on_the_day = await incidents(
        client, actor="Ahmad Alaya", **{"from": "2017-01-22", "to": "2017-01-22"}
    )
    day_before = await incidents(
        client, actor="Ahmad Alaya", **{"from": "2017-01-21", "to": "2017-01-21"}
    )
    assert len(on_the_day) == 1
    assert day_before == []


async def test_an_ongoing_incident_overlaps_any_later_range(client):
    found = await incidents(client, actor="Hezbollah", **{"from": "2020-01-01", "to": "2020-12-31"})
    assert len(found) == 1


async def test_an_incident_does_not_match_before_it_began(client):
    assert await incidents(client, actor="Hezbollah", to="2016-12-21") == []


async def test_the_double_tap_strike_as_the_article_tells_it(client):
    strike = (
        await incidents(client, actor="Ahmad Alaya", to="2017-01-22", **{"from": "2017-01-22"})
    )[0]
    roles = {(a["actor_name"], a["role"], a["attribution"]) for a in strike["actors"]}
    assert ("Ahmad Alaya", "victim", "confirmed") in roles
    assert strike["killed"] == {"low": 1, "best": 1, "high": 1}
    assert strike["violated_agreement_title"]
    assert strike["place"]["governorate"] == "Rif Dimashq"
    assert "double tap" in strike["citations"][0]["excerpt"]


async def test_place_and_casualties_round_trip(client):
    body = {
        "type": "shelling",
        "start_date": "2017-01-23",
        "end_date": "2017-01-25",
        "date_precision": "day",
        "place": {
            "name": "Ain al-Fijah",
            "governorate": "Rif Dimashq",
            "latitude": 33.614,
            "longitude": 36.196,
            "precision": "town",
        },
        "injured": {"low": 2, "best": 4, "high": 9},
    }
    created = (await client.post("/v1/incidents", json=body)).json()
    assert created["place"] == body["place"] | {"district": None}
    assert created["injured"] == body["injured"]
    assert created["killed"] == {"low": None, "best": None, "high": None}
