import pytest

from tests.helpers import all_pages

pytestmark = pytest.mark.anyio


async def astana(client):
    return (
        await client.get("/v1/negotiation-sessions", params={"participant": "Kazakhstan"})
    ).json()["data"]


async def test_participant_filter_finds_the_astana_session(client):
    found = await astana(client)
    assert [session["name"] for session in found] == ["Astana talks, first round"]
    assert found[0]["process_name"] == "Astana process"


@pytest.mark.parametrize("participant", ["de Mistura", "Alloush", "Ja'afari", "Iran"])
async def test_participant_filter_by_any_name(client, participant):
    found = await all_pages(client, "/v1/negotiation-sessions", participant=participant)
    assert [session["name"] for session in found] == ["Astana talks, first round"]


async def test_every_role_at_the_astana_table(client):
    session = (await astana(client))[0]
    roles = {(p["actor_name"], p["role"]) for p in session["participants"]}
    assert {
        ("Kazakhstan", "host"),
        ("Russia", "broker"),
        ("Turkey", "broker"),
        ("Staffan de Mistura", "mediator"),
        ("Bashar al-Ja'afari", "head_of_delegation"),
        ("Mohammad Alloush", "head_of_delegation"),
    } <= roles
    assert any(role == "observer" for _, role in roles)
    assert any(name == "Iran" for name, _ in roles)
    assert session["start_date"] == "2017-01-23"
    assert session["agenda"]


async def test_participants_name_whom_they_represent(client):
    session = (await astana(client))[0]
    envoy = next(p for p in session["participants"] if p["actor_name"] == "Staffan de Mistura")
    assert envoy["on_behalf_of_name"] == "United Nations"


async def test_the_december_ceasefire_names_its_guarantors(client):
    agreements = (await client.get("/v1/agreements")).json()["data"]
    ceasefire = next(a for a in agreements if a["kind"] == "ceasefire")
    assert [actor["name"] for actor in ceasefire["guarantor_actors"]] == ["Russia", "Turkey"]
    assert [actor["id"] for actor in ceasefire["guarantor_actors"]] == ceasefire["guarantors"]


async def test_incidents_that_violated_the_ceasefire_name_it(client):
    ceasefire = next(
        a for a in (await client.get("/v1/agreements")).json()["data"] if a["kind"] == "ceasefire"
    )
    violations = [
        incident
        for incident in await all_pages(client, "/v1/incidents")
        if incident["violated_agreement_id"] == ceasefire["id"]
    ]
    assert sorted(v["sub_type"] or v["type"] for v in violations) == [
        "double_tap_strike",
        "ground_offensive",
    ]
    assert {v["violated_agreement_title"] for v in violations} == {ceasefire["title"]}


async def test_role_holds_for_that_participant(client):
    heads = await all_pages(
        client, "/v1/negotiation-sessions", participant="Alloush", role="head_of_delegation"
    )
    hosts = await all_pages(client, "/v1/negotiation-sessions", participant="Alloush", role="host")
    assert len(heads) == 1
    assert hosts == []


async def test_process_status_and_dates(client):
    session = (await astana(client))[0]
    by_process = await all_pages(client, "/v1/negotiation-sessions", process=session["process_id"])
    assert [s["id"] for s in by_process] == [session["id"]]
    assert len(await all_pages(client, "/v1/negotiation-sessions", status="ongoing")) == 1
    assert await all_pages(client, "/v1/negotiation-sessions", status="collapsed") == []
    assert len(await all_pages(client, "/v1/negotiation-sessions", **{"from": "2017-01-24"})) == 1
    assert await all_pages(client, "/v1/negotiation-sessions", to="2017-01-22") == []


async def test_sessions_sort_by_date_undated_last(client):
    for name, start in [("Geneva IV", "2017-02-23"), ("Astana II", "2017-02-15"), ("Riyadh", None)]:
        await client.post("/v1/negotiation-sessions", json={"name": name, "start_date": start})
    oldest_first = [s["name"] for s in await all_pages(client, "/v1/negotiation-sessions", limit=2)]
    newest_first = [
        s["name"] for s in await all_pages(client, "/v1/negotiation-sessions", sort="-date")
    ]
    assert oldest_first == ["Astana talks, first round", "Astana II", "Geneva IV", "Riyadh"]
    assert newest_first == list(reversed(oldest_first))
