"""Every kind of record keeps its ids in other datasets: shown, filtered on, one record each."""

import csv
import io

import pytest

from tests.helpers import COLLECTIONS, NEW_ACTOR, assert_problem

pytestmark = pytest.mark.anyio

# The least each collection takes to create a record.
SMALLEST = {
    "sources": {"title": "ACLED Syria, 2017 release", "kind": "other"},
    "actors": NEW_ACTOR,
    "statements": {"speaker_label": "rebel sources", "date": "2017-01-23", "summary": "No."},
    "incidents": {"type": "shelling", "start_date": "2017-01-23"},
    "negotiation-processes": {"name": "Astana process"},
    "negotiation-sessions": {"name": "Astana talks, round 2"},
    "agreements": {"title": "Wadi Barada truce", "kind": "ceasefire"},
}


async def create(client, collection, external_ids):
    body = {**SMALLEST[collection], "external_ids": external_ids}
    return await client.post(f"/v1/{collection}", json=body)


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_every_kind_shows_its_external_ids_and_every_list_finds_them(client, collection):
    created = await create(client, collection, {"ucdp_ged": "123456", "acled": "SYR1234"})
    assert created.status_code == 201, created.text
    assert created.json()["external_ids"] == {"acled": "SYR1234", "ucdp_ged": "123456"}

    found = await client.get(f"/v1/{collection}", params={"external_id": "acled:SYR1234"})
    assert [row["id"] for row in found.json()["data"]] == [created.json()["id"]]
    either = ["acled:SYR1234", "pax:none-such"]
    found = await client.get(f"/v1/{collection}", params={"external_id": either})
    assert [row["id"] for row in found.json()["data"]] == [created.json()["id"]]
    found = await client.get(f"/v1/{collection}", params={"external_id": "acled:SYR12"})
    assert found.json()["data"] == []


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_an_external_id_names_one_record_of_a_kind(client, collection):
    first = (await create(client, collection, {"acled": "SYR1234"})).json()
    second = await create(client, collection, {"acled": "SYR1234", "pax": "2092"})
    problem = assert_problem(second, 409)
    assert problem["holders"] == {"acled:SYR1234": first["id"]}
    assert "acled:SYR1234" in problem["detail"]
    listed = await client.get(f"/v1/{collection}", params={"external_id": "pax:2092"})
    assert listed.json()["data"] == []  # nothing of the refused record was written


async def test_the_same_id_may_name_records_of_different_kinds(client):
    # PA-X numbers its agreements and UCDP its events: the same text in two kinds is two ids.
    assert (await create(client, "agreements", {"pax": "2092"})).status_code == 201
    assert (await create(client, "incidents", {"pax": "2092"})).status_code == 201


async def test_an_update_replaces_the_ids_and_frees_those_it_drops(client):
    first = (await create(client, "incidents", {"acled": "SYR1", "ucdp_ged": "9"})).json()
    patched = await client.patch(
        f"/v1/incidents/{first['id']}",
        json={"external_ids": {"acled": "SYR2", "ucdp_ged": "9"}},
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["external_ids"] == {"acled": "SYR2", "ucdp_ged": "9"}
    assert (await create(client, "incidents", {"acled": "SYR1"})).status_code == 201
    assert_problem(await create(client, "incidents", {"acled": "SYR2"}), 409)
    history = (await client.get(f"/v1/incidents/{first['id']}/history")).json()["data"]
    assert history[-1]["changes"]["external_ids"] == {
        "before": {"acled": "SYR1", "ucdp_ged": "9"},
        "after": {"acled": "SYR2", "ucdp_ged": "9"},
    }


async def test_a_deleted_record_keeps_its_ids(client):
    # Restoring it would otherwise make two records of one id.
    first = (await create(client, "sources", {"acled": "SYR7"})).json()
    deleted = await client.delete(f"/v1/sources/{first['id']}", headers={"If-Match": '"1"'})
    assert deleted.status_code == 204
    problem = assert_problem(await create(client, "sources", {"acled": "SYR7"}), 409)
    assert problem["holders"] == {"acled:SYR7": first["id"]}


async def test_csv_writes_the_ids_as_dataset_and_id_pairs(client):
    await create(client, "incidents", {"ucdp_ged": "123456", "acled": "SYR1234"})
    exported = await client.get(
        "/v1/incidents",
        params={"format": "csv", "external_id": "acled:SYR1234", "fields": "type,external_ids"},
    )
    rows = list(csv.reader(io.StringIO(exported.text.removeprefix("\ufeff"))))
    assert rows == [["type", "external_ids"], ["shelling", "acled: SYR1234, ucdp_ged: 123456"]]


@pytest.mark.parametrize(
    ("external_ids", "field"),
    [
        ({"ACLED": "SYR1"}, "external_ids.ACLED.[key]"),
        ({"acled": " "}, "external_ids.acled"),
        ({"acled": "x" * 101}, "external_ids.acled"),
    ],
)
async def test_a_dataset_is_a_lowercase_name_and_an_id_is_short_text(client, external_ids, field):
    assert_problem(await create(client, "incidents", external_ids), 422, field)


@pytest.mark.parametrize("reference", ["SYR1234", "ACLED:SYR1234", "acled:", "acled: "])
async def test_the_filter_takes_dataset_colon_id(client, reference):
    response = await client.get("/v1/incidents", params={"external_id": reference})
    assert_problem(response, 422, "external_id")
