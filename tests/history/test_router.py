"""Every change is recorded (who, when, each field before and after), and the changes feed
lets a mirror follow along without missing one."""

import pytest

from tests.helpers import COLLECTIONS, NEW_ACTOR, assert_problem, create_actor, remove, update

pytestmark = pytest.mark.anyio


async def test_a_records_history_shows_who_changed_what_and_when(client):
    url = await create_actor(client)
    await update(client, url, json={"country": "Iraq", "description": "Splinter group."})
    await remove(client, url)
    restored = await client.post(f"{url}/restore")
    assert restored.status_code == 200 and restored.json()["version"] == 4

    changes = (await client.get(f"{url}/history")).json()["data"]

    assert [change["action"] for change in changes] == ["create", "update", "delete", "restore"]
    assert [change["version"] for change in changes] == [1, 2, 3, 4]
    assert {change["changed_by"] for change in changes} == {"admin tester"}
    created, updated, deleted, restored_change = (change["changes"] for change in changes)
    assert created["name"] == {"before": None, "after": "Liwa al-Haq"}
    assert updated == {
        "country": {"before": "Syria", "after": "Iraq"},
        "description": {"before": None, "after": "Splinter group."},
    }
    assert deleted["deleted_at"]["before"] is None and deleted["deleted_at"]["after"]
    assert restored_change["deleted_at"]["after"] is None
    assert all(change["changed_at"].endswith("Z") for change in changes)


async def test_anonymous_readers_see_when_and_what_but_not_which_key(client, anonymous, tokens):
    url = await create_actor(client)
    await update(client, url, json={"country": "Iraq"})

    for path in (f"{url}/history", "/v1/changes?resource=actors"):
        public = (await anonymous.get(path)).json()["data"]
        keyed = await anonymous.get(path, headers={"Authorization": f"Bearer {tokens['read']}"})
        assert {change["changed_by"] for change in public} == {None}
        assert [change["action"] for change in public][-2:] == ["create", "update"]
        assert all(change["changed_at"] for change in public)
        assert {change["changed_by"] for change in keyed.json()["data"]} >= {"admin tester"}


async def test_a_no_op_update_leaves_no_history(client):
    url = await create_actor(client)
    await update(client, url, json={"country": "Syria"})
    assert len((await client.get(f"{url}/history")).json()["data"]) == 1


async def test_the_demo_data_has_its_creation_on_record(client):
    feed = (await client.get("/v1/changes", params={"limit": 1000})).json()["data"]
    resources = {change["resource"] for change in feed if change["action"] == "create"}
    assert resources == set(COLLECTIONS)


async def test_the_changes_feed_resumes_from_a_cursor_and_keeps_tombstones(client):
    start = (await client.get("/v1/changes", params={"limit": 1000})).json()
    assert not start["has_more"]
    since = start["next_cursor"]

    url = await create_actor(client)
    await update(client, url, json={"country": "Iraq"})
    await remove(client, url)
    record_id = url.rsplit("/", 1)[1]

    first = (await client.get("/v1/changes", params={"since": since, "limit": 2})).json()
    rest = (await client.get("/v1/changes", params={"since": first["next_cursor"]})).json()

    assert first["has_more"] and not rest["has_more"]
    seen = first["data"] + rest["data"]
    assert [(c["resource"], c["id"], c["action"]) for c in seen] == [
        ("actors", record_id, "create"),
        ("actors", record_id, "update"),
        ("actors", record_id, "delete"),
    ]
    quiet = (await client.get("/v1/changes", params={"since": rest["next_cursor"]})).json()
    assert quiet == {"data": [], "next_cursor": rest["next_cursor"], "has_more": False}


async def test_the_feed_filters_by_resource(client):
    await create_actor(client)
    feed = (await client.get("/v1/changes", params={"resource": "incidents"})).json()["data"]
    assert [(change["resource"], change["action"]) for change in feed] == [
        ("incidents", "create")
    ] * 5


@pytest.mark.parametrize("since", ["abc", "-1", "1" * 30])
async def test_a_bad_cursor_is_422(client, since):
    assert_problem(await client.get("/v1/changes", params={"since": since}), 422, "since")


async def test_a_failed_write_leaves_no_history(client):
    start = (await client.get("/v1/changes", params={"limit": 1000})).json()["next_cursor"]
    nobody = "00000000-0000-4000-8000-000000000000"
    bad = {**NEW_ACTOR, "affiliations": [{"actor_id": nobody, "kind": "member_of"}]}
    assert_problem(await client.post("/v1/actors", json=bad), 422, "affiliations.0.actor_id")
    assert (await client.get("/v1/changes", params={"since": start})).json()["data"] == []


@pytest.mark.parametrize("resource", ["nowhere", "actors\x00"])
async def test_the_feed_names_only_real_collections(client, resource):
    response = await client.get("/v1/changes", params={"resource": resource})
    assert_problem(response, 422, "resource")
