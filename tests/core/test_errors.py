"""Every bad input is a 4xx problem naming the field, and leaves the database unchanged."""

import pytest

from tests.helpers import actor_id, all_pages, assert_problem, remove, source_id, update

pytestmark = pytest.mark.anyio

MISSING = "00000000-0000-4000-8000-000000000000"


async def test_unknown_field_is_named(client):
    response = await client.post(
        "/v1/sources", json={"title": "T", "kind": "other", "colour": "red"}
    )
    assert_problem(response, 422, "colour")


async def test_wrong_type_is_named(client):
    response = await client.post("/v1/incidents", json={"type": "shelling", "start_date": 20170122})
    assert_problem(response, 422, "start_date")


async def test_body_that_is_not_an_object_is_refused(client):
    response = await client.post("/v1/actors", json=["Hezbollah"])
    assert_problem(response, 422)


async def test_malformed_json_is_a_problem(client):
    response = await client.post(
        "/v1/actors", content=b'{"name": "Hezbollah",', headers={"content-type": "application/json"}
    )
    assert_problem(response, 422, "body")


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


async def test_non_finite_numbers_are_refused(client):
    response = await client.post(
        "/v1/incidents",
        content=b'{"type": "airstrike", "start_date": "2017-01-22", '
        b'"place": {"latitude": NaN, "longitude": 36.2}}',
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 422, "place.latitude")


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


@pytest.mark.parametrize(
    ("collection", "body"),
    [
        ("incidents", {"type": "offensive", "start_date": "2017-01-22", "end_date": "2016-12-22"}),
        (
            "negotiation-sessions",
            {"name": "Astana", "start_date": "2017-01-24", "end_date": "2017-01-23"},
        ),
    ],
)
async def test_end_date_before_start_date(client, collection, body):
    assert_problem(await client.post(f"/v1/{collection}", json=body), 422, "end_date")


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


async def test_patch_is_validated_against_the_whole_record(client):
    created = await client.post(
        "/v1/incidents",
        json={"type": "offensive", "start_date": "2017-01-20", "end_date": "2017-01-22"},
    )
    response = await update(
        client, f"/v1/incidents/{created.json()['id']}", json={"start_date": "2017-02-01"}
    )
    assert_problem(response, 422, "end_date")


@pytest.mark.parametrize(
    ("collection", "body", "field"),
    [
        (
            "incidents",
            {
                "type": "airstrike",
                "start_date": "2017-01-22",
                "actors": [{"actor_id": MISSING, "role": "perpetrator"}],
            },
            "actors.0.actor_id",
        ),
        (
            "incidents",
            {"type": "airstrike", "start_date": "2017-01-22", "violated_agreement_id": MISSING},
            "violated_agreement_id",
        ),
        (
            "incidents",
            {
                "type": "airstrike",
                "start_date": "2017-01-22",
                "citations": [{"source_id": MISSING}],
            },
            "citations.0.source_id",
        ),
        ("statements", {"speaker_id": MISSING, "date": "2017-01-23", "summary": "s"}, "speaker_id"),
        (
            "statements",
            {
                "speaker_label": "rebel sources",
                "date": "2017-01-23",
                "summary": "s",
                "session_id": MISSING,
            },
            "session_id",
        ),
        ("negotiation-sessions", {"name": "n", "process_id": MISSING}, "process_id"),
        ("agreements", {"title": "t", "kind": "ceasefire", "parties": [MISSING]}, "parties.0"),
        (
            "actors",
            {
                "name": "n",
                "kind": "person",
                "affiliations": [{"actor_id": MISSING, "kind": "member_of"}],
            },
            "affiliations.0.actor_id",
        ),
    ],
)
async def test_reference_to_a_missing_record(client, collection, body, field):
    before = await all_pages(client, f"/v1/{collection}", limit=500)

    assert_problem(await client.post(f"/v1/{collection}", json=body), 422, field)

    assert await all_pages(client, f"/v1/{collection}", limit=500) == before


async def test_reference_to_a_deleted_record(client):
    created = await client.post("/v1/actors", json={"name": "Short-lived", "kind": "other"})
    await remove(client, f"/v1/actors/{created.json()['id']}")
    body = {"speaker_id": created.json()["id"], "date": "2017-01-23", "summary": "s"}
    assert_problem(await client.post("/v1/statements", json=body), 422, "speaker_id")


async def test_rejected_patch_leaves_the_record_unchanged(client):
    created = (
        await client.post("/v1/actors", json={"name": "Jaysh al-Nasr", "kind": "armed_group"})
    ).json()

    response = await update(
        client,
        f"/v1/actors/{created['id']}",
        json={
            "aliases": [{"name": "JaN"}],
            "affiliations": [{"actor_id": MISSING, "kind": "part_of"}],
        },
    )

    assert_problem(response, 422, "affiliations.0.actor_id")
    assert (await client.get(f"/v1/actors/{created['id']}")).json() == created


async def test_over_long_strings(client):
    response = await client.post("/v1/actors", json={"name": "x" * 301, "kind": "person"})
    assert_problem(response, 422, "name")


async def test_over_long_lists(client):
    body = {"name": "n", "kind": "person", "aliases": [{"name": f"a{i}"} for i in range(201)]}
    assert_problem(await client.post("/v1/actors", json=body), 422, "aliases")


async def test_nul_bytes_in_the_body(client):
    cited = [{"source_id": await source_id(client), "excerpt": "bad\u0000excerpt"}]
    body = {"type": "airstrike", "start_date": "2017-01-22", "citations": cited}
    assert_problem(await client.post("/v1/incidents", json=body), 422, "citations.0.excerpt")


async def test_nul_bytes_in_a_query(client):
    assert_problem(
        await client.get("/v1/incidents", params={"actor": "Hez\u0000bollah"}), 422, "actor"
    )


async def test_unknown_enumeration_value(client):
    assert_problem(
        await client.post("/v1/actors", json={"name": "n", "kind": "wizard"}), 422, "kind"
    )


@pytest.mark.parametrize("limit", ["0", "501", "-1", "ten"])
async def test_limit_out_of_range(client, limit):
    assert_problem(await client.get("/v1/actors", params={"limit": limit}), 422, "limit")


@pytest.mark.parametrize("cursor", ["not-a-cursor", "eyJrIjpbXX0", "e30", "!!!"])
async def test_malformed_cursor(client, cursor):
    assert_problem(await client.get("/v1/incidents", params={"cursor": cursor}), 422, "cursor")


async def test_cursor_of_another_list_is_refused(client):
    page = (await client.get("/v1/actors", params={"limit": 1})).json()
    response = await client.get("/v1/incidents", params={"cursor": page["next_cursor"]})
    assert_problem(response, 422, "cursor")


async def test_unknown_query_parameter_is_named(client):
    assert_problem(await client.get("/v1/incidents", params={"acter": "Hezbollah"}), 422, "acter")


async def test_inverted_date_range(client):
    response = await client.get("/v1/incidents", params={"from": "2017-02-01", "to": "2017-01-01"})
    assert_problem(response, 422, "to")


async def test_malformed_id_in_the_path(client):
    assert_problem(await client.get("/v1/actors/not-an-id"), 422, "record_id")


async def test_unknown_route_is_a_404_problem(client):
    assert_problem(await client.get("/v1/weapons"), 404)


async def test_wrong_method_is_a_405_problem_with_allow(client):
    response = await client.put("/v1/actors")
    assert_problem(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


async def test_missing_record_is_a_404_problem(client):
    body = assert_problem(await client.get(f"/v1/incidents/{MISSING}"), 404)
    assert MISSING in body["detail"]
