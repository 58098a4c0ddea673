import pytest

from tests.helpers import all_pages, assert_problem, read_csv

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


async def ids(client, path, **params):
    return [row["id"] for row in await all_pages(client, path, **params)]


async def agreement(client, kind):
    agreements = (await client.get("/v1/agreements")).json()["data"]
    return next(a for a in agreements if a["kind"] == kind)


async def test_agreements_are_filtered_by_party_third_party_and_kind(client):
    ceasefire = await agreement(client, "ceasefire")
    deal = await agreement(client, "other")
    assert await ids(client, "/v1/agreements", party="Russia") == [deal["id"]]
    assert await ids(client, "/v1/agreements", third_party="Russia") == [ceasefire["id"]]
    assert await ids(client, "/v1/agreements", party="Assad regime") == [ceasefire["id"]]
    assert await ids(client, "/v1/agreements", kind="ceasefire") == [ceasefire["id"]]
    assert await ids(client, "/v1/agreements", **{"from": "2016-12-01", "to": "2016-12-31"}) == [
        ceasefire["id"]
    ]
    assert await ids(client, "/v1/agreements", q="nationwide ceasefire") == [ceasefire["id"]]


async def test_a_pax_agreement_keeps_its_stage_third_parties_signatories_and_links(client):
    actors = {name: (await client.get("/v1/actors", params={"q": name})).json()["data"][0]["id"]
              for name in ("Russia", "Turkey", "United Nations", "Lavrentyev", "Alloush",
                           "Syrian government", "Syrian opposition and rebels")}  # fmt: skip
    process = (await client.get("/v1/negotiation-processes")).json()["data"][0]["id"]
    ceasefire = await agreement(client, "ceasefire")
    body = {
        "title": "Memorandum on the creation of de-escalation areas in Syria",
        "kind": "memorandum",
        "stage": "ceasefire",
        "date": "2017-05-04",
        "valid_from": "2017-05-06",
        "valid_to": "2017-11-06",
        "process_id": process,
        "parties": [actors["Russia"], actors["Turkey"]],
        "parties_described": "The Russian Federation, the Islamic Republic of Iran and the "
                             "Republic of Turkey as guarantors",
        "third_parties": [{"actor_id": actors["United Nations"], "role": "observer"}],
        "signatories": [{"actor_id": actors["Lavrentyev"], "on_behalf_of_id": actors["Russia"]}],
        "related": [{"kind": "agreement", "agreement_id": ceasefire["id"]},
                    {"kind": "un_resolution", "reference": "S/RES/2254 (2015)"}],
        "countries": ["SYR"],
        "external_ids": {"pax": "1913"},
        "dataset_fields": {"pax:Agtp": "InterIntra"},
    }  # fmt: skip
    created = await client.post("/v1/agreements", json=body)
    assert created.status_code == 201, created.text
    shown = created.json()
    assert (shown["stage"], shown["valid_from"], shown["valid_to"]) == (
        "ceasefire", "2017-05-06", "2017-11-06",
    )  # fmt: skip
    assert shown["process_name"] == "Astana process"
    assert shown["third_parties"] == [
        {"actor_id": actors["United Nations"], "actor_name": "United Nations", "role": "observer"}
    ]
    assert shown["signatories"] == [
        {"actor_id": actors["Lavrentyev"], "actor_name": "Alexander Lavrentyev",
         "on_behalf_of_id": actors["Russia"], "on_behalf_of_name": "Russia"}
    ]  # fmt: skip
    assert shown["related"] == [
        {"kind": "agreement", "agreement_id": ceasefire["id"],
         "agreement_title": ceasefire["title"], "reference": None},
        {"kind": "un_resolution", "agreement_id": None, "agreement_title": None,
         "reference": "S/RES/2254 (2015)"},
    ]  # fmt: skip
    assert (shown["countries"], shown["external_ids"]) == (["SYR"], {"pax": "1913"})
    assert await ids(client, "/v1/agreements", stage="ceasefire") == [shown["id"]]
    assert await ids(client, "/v1/agreements", process=process) == [shown["id"]]
    assert await ids(client, "/v1/agreements", third_party="United Nations") == [shown["id"]]
    assert await ids(client, "/v1/agreements", q="guarantors islamic") == [shown["id"]]

    params = {"format": "csv", "stage": "ceasefire", "fields": "related,signatories"}
    exported = await client.get("/v1/agreements", params=params)
    assert read_csv(exported) == [{
        "related": f"{ceasefire['title']} (agreement); kind: un_resolution, agreement_id: , "
                   "agreement_title: , reference: S/RES/2254 (2015)",
        "signatories": "Alexander Lavrentyev (Russia)",
    }]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [({"related": [{"kind": "un_resolution"}]}, "related.0"),
     ({"valid_from": "2017-05-06", "valid_to": "2017-05-05"}, "valid_to"),
     ({"third_parties": [{"actor_id": "00000000-0000-0000-0000-000000000000", "role": "witness"}]},
      "third_parties.0.actor_id"),
     ({"stage": "signed"}, "stage")],
)  # fmt: skip
async def test_agreement_fields_are_checked(client, change, field):
    body = {"title": "A truce", "kind": "ceasefire", **change}
    assert_problem(await client.post("/v1/agreements", json=body), 422, field)
