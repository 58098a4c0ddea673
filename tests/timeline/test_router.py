"""An actor's timeline: its statements, incidents and sessions in one chronology."""

import pytest

from tests.helpers import actor_id, assert_problem

pytestmark = pytest.mark.anyio


MISSING = "00000000-0000-4000-8000-000000000000"


async def timeline(client, name, **params):
    items, cursor = [], None
    actor = await actor_id(client, name)
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(f"/v1/actors/{actor}/timeline", params=query)).json()
        items += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def test_jaafaris_chronology(client):
    items = await timeline(client, "Jaafari")
    kinds = [item["type"] for item in items]
    assert kinds.count("statement") == 4
    assert kinds.count("negotiation_session") == 1
    assert [item["date"] for item in items] == sorted(item["date"] for item in items)
    turkey = next(
        i for i in items if i["type"] == "statement" and "Turkey" in (i["record"]["quote"] or "")
    )
    assert turkey["date"] == "2017-01-22"


async def test_targets_and_every_role_count(client):
    items = await timeline(client, "Turkey")
    said_about = [i for i in items if i["type"] == "statement"]
    speakers = [(i["record"]["speaker_name"], i["date"]) for i in said_about]
    assert speakers == [("Bashar al-Ja'afari", "2017-01-22"), ("Mohammad Alloush", "2017-01-23")]
    assert all("Turkey" in [t["name"] for t in i["record"]["targets"]] for i in said_about)
    assert [i["type"] for i in items].count("negotiation_session") == 1


async def test_incidents_in_any_role(client):
    items = await timeline(client, "regime forces")
    assert [i["record"]["type"] for i in items if i["type"] == "incident"] == [
        "attack",
        "ground_offensive",
        "airstrike",
    ]


async def test_dates_and_paging(client):
    everything = await timeline(client, "Jaafari")
    paged = await timeline(client, "Jaafari", limit=1)
    sunday = await timeline(client, "Jaafari", **{"from": "2017-01-22", "to": "2017-01-22"})
    assert paged == everything
    assert {i["date"] for i in sunday} == {"2017-01-22"}


async def test_unknown_actor_is_404(client):
    assert_problem(await client.get(f"/v1/actors/{MISSING}/timeline"), 404)


async def test_inverted_dates_are_422(client):
    actor = await actor_id(client, "Jaafari")
    response = await client.get(
        f"/v1/actors/{actor}/timeline", params={"from": "2017-02-01", "to": "2017-01-01"}
    )
    assert_problem(response, 422, "to")
