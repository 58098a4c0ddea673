import json

import pytest

from tests.helpers import all_pages, assert_problem, read_csv

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
    assert created["place"] == body["place"] | {"district": None, "subdistrict": None}
    assert created["injured"] == body["injured"]
    assert created["killed"] == {"low": None, "best": None, "high": None}


# A UCDP GED event as the model keeps it: deaths by side, the weapons, a translation.
KHAN_SHAYKHUN = {
    "type": "airstrike",
    "description": "Chemical attack on Khan Shaykhun.",
    "language": "en",
    "translations": {"ar": "هجوم كيميائي على خان شيخون"},
    "start_date": "2017-04-04",
    "place": {"name": "Khan Shaykhun", "governorate": "Idlib", "district": "Maarrat al-Numan",
              "subdistrict": "Khan Shaykhun"},
    "killed": {"low": 74, "best": 89, "high": 100},
    "casualties": [
        {"category": "civilians", "outcome": "killed", "low": 74, "best": 89, "high": 100},
        {"category": "civilians", "outcome": "injured", "low": None, "best": 541, "high": None},
        {"category": "rescue_workers", "outcome": "killed", "low": 1, "best": 1, "high": 1},
    ],
    "weapons": ["chemical_weapons", "sarin"],
    "tags": ["ucdp_ged", "opcw_confirmed"],
    "external_ids": {"ucdp_ged": "185329"},
    "dataset_fields": {"ucdp_ged:conflict_name": "Syria: Government", "ucdp_ged:where_prec": "1"},
}  # fmt: skip


async def test_what_datasets_say_has_a_home(client):
    created = await client.post("/v1/incidents", json=KHAN_SHAYKHUN)
    assert created.status_code == 201, created.text
    record = created.json()
    shown = {name: record[name] for name in KHAN_SHAYKHUN if name != "place"}
    assert shown == {name: value for name, value in KHAN_SHAYKHUN.items() if name != "place"}
    assert record["place"]["subdistrict"] == "Khan Shaykhun"
    assert (record["aggregate"], record["event_count"]) == (False, None)
    read = (await client.get(f"/v1/incidents/{record['id']}")).json()
    assert read == record


async def test_a_translation_is_searched_too(client):
    created = (await client.post("/v1/incidents", json=KHAN_SHAYKHUN)).json()
    found = (await client.get("/v1/incidents", params={"q": "خان شيخون"})).json()["data"]
    assert [row["id"] for row in found] == [created["id"]]


async def test_csv_flattens_the_new_lists(client):
    await client.post("/v1/incidents", json=KHAN_SHAYKHUN)
    fields = "casualties,weapons,tags,translations"
    params = {"format": "csv", "fields": fields, "external_id": "ucdp_ged:185329"}
    rows = read_csv(await client.get("/v1/incidents", params=params))
    assert rows == [{
        "casualties": "category: civilians, outcome: killed, low: 74, best: 89, high: 100; "
                      "category: civilians, outcome: injured, low: , best: 541, high: ; "
                      "category: rescue_workers, outcome: killed, low: 1, best: 1, high: 1",
        "weapons": "chemical_weapons; sarin",
        "tags": "ucdp_ged; opcw_confirmed",
        "translations": "ar: هجوم كيميائي على خان شيخون",
    }]  # fmt: skip


async def test_an_aggregate_says_how_many_events_it_sums(client):
    body = {"type": "battles", "start_date": "2017-01-01", "end_date": "2017-12-31",
            "date_precision": "year", "aggregate": True, "event_count": 1204,
            "killed": {"best": 10204}}  # fmt: skip
    created = (await client.post("/v1/incidents", json=body)).json()
    assert (created["aggregate"], created["event_count"]) == (True, 1204)
    not_aggregate = {**body, "aggregate": False}
    assert_problem(await client.post("/v1/incidents", json=not_aggregate), 422, "body")


async def test_each_category_and_outcome_is_counted_once(client):
    twice = [{"category": "civilians", "best": 3}, {"category": "civilians", "best": 4}]
    body = {"type": "shelling", "start_date": "2017-01-23", "casualties": twice}
    assert_problem(await client.post("/v1/incidents", json=body), 422, "body")
    backwards = [{"category": "civilians", "low": 5, "best": 3}]
    body = {**body, "casualties": backwards}
    assert_problem(await client.post("/v1/incidents", json=body), 422, "casualties.0.best")


async def test_dataset_fields_are_named_dataset_colon_column(client):
    body = {"type": "shelling", "start_date": "2017-01-23", "dataset_fields": {"notes": "x"}}
    assert_problem(await client.post("/v1/incidents", json=body), 422, "dataset_fields.notes.[key]")


async def test_translations_are_keyed_by_language_tag(client):
    body = {"type": "shelling", "start_date": "2017-01-23", "translations": {"Arabic!": "x"}}
    assert_problem(await client.post("/v1/incidents", json=body), 422, "translations.Arabic!.[key]")


async def undated(client, **extra):
    hezbollah = (await client.get("/v1/actors", params={"q": "Hezbollah"})).json()["data"][0]
    body = {"type": "kidnapping", "date_precision": "unknown", "place": {"name": "Madaya"},
            "actors": [{"actor_id": hezbollah["id"], "role": "perpetrator"}], **extra}  # fmt: skip
    created = await client.post("/v1/incidents", json=body)
    assert created.status_code == 201, created.text
    return created.json()


async def test_an_incident_of_unknown_date_has_no_dates(client):
    record = await undated(client)
    assert (record["start_date"], record["end_date"], record["date_precision"]) == (
        None, None, "unknown",
    )  # fmt: skip


@pytest.mark.parametrize("sort", [None, "date", "-date"])
@pytest.mark.parametrize("params", [{}, {"actor": "Hezbollah"}, {"place": "Madaya"}])
async def test_it_comes_last_in_date_order_and_every_filter_but_dates_finds_it(client, sort,
                                                                               params):  # fmt: skip
    record = await undated(client)
    query = {**params, **({"sort": sort} if sort else {})}
    rows = await all_pages(client, "/v1/incidents", limit=2, **query)
    assert [row["id"] for row in rows].count(record["id"]) == 1
    assert rows[-1]["id"] == record["id"]
    dated = [row["start_date"] for row in rows[:-1]]
    assert dated == sorted(dated, reverse=sort == "-date")


async def test_no_date_range_finds_it(client):
    record = await undated(client)
    for dates in (
        {"from": "2000-01-01"},
        {"to": "2100-01-01"},
        {"from": "2000-01-01", "to": "2100-01-01"},
    ):
        rows = await all_pages(client, "/v1/incidents", **dates)
        assert record["id"] not in [row["id"] for row in rows]
    timeline = await client.get(f"/v1/actors/{record['actors'][0]['actor_id']}/timeline")
    assert record["id"] not in [item["record"]["id"] for item in timeline.json()["data"]]


@pytest.mark.parametrize("sort", [None, "-date"])
async def test_exports_put_it_last_on_every_engine(client, sort):
    record = await undated(client)
    params = {"format": "csv", "fields": "id,start_date", **({"sort": sort} if sort else {})}
    rows = read_csv(await client.get("/v1/incidents", params=params))
    assert rows[-1] == {"id": record["id"], "start_date": ""}
    params["format"] = "ndjson"
    lines = (await client.get("/v1/incidents", params=params)).text.splitlines()
    assert json.loads(lines[-1]) == {"id": record["id"], "start_date": None}


@pytest.mark.parametrize(
    "dates",
    [{"date_precision": "unknown", "start_date": "2017-01-23"},
     {"date_precision": "unknown", "end_date": "2017-01-23"},
     {"date_precision": "day"}],
)  # fmt: skip
async def test_a_date_is_given_exactly_when_it_is_known(client, dates):
    body = {"type": "kidnapping", **dates}
    assert_problem(await client.post("/v1/incidents", json=body), 422, "body")


async def test_a_search_pages_through_undated_incidents_once(client):
    ids = [(await undated(client, description=f"barrel bombs {n}"))["id"] for n in range(2)]
    for n in range(3):
        body = {"type": "shelling", "start_date": f"2017-01-2{n}", "description": "barrel bombs"}
        ids.append((await client.post("/v1/incidents", json=body)).json()["id"])
    rows = await all_pages(client, "/v1/incidents", q="barrel", limit=2)
    assert sorted(row["id"] for row in rows) == sorted(ids)


async def test_stats_put_the_month_of_unknown_dates_last(client):
    await undated(client)
    groups = (await client.get("/v1/stats/incidents", params={"group_by": "month"})).json()
    months = [group["month"] for group in groups["data"]]
    assert months[-1] is None and None not in months[:-1]


async def test_csv_writes_dataset_fields_as_pairs_on_every_engine(client):
    await client.post("/v1/incidents", json=KHAN_SHAYKHUN)
    params = {"format": "csv", "fields": "dataset_fields", "external_id": "ucdp_ged:185329"}
    (row,) = read_csv(await client.get("/v1/incidents", params=params))
    # In the order the engine keeps the keys (PostgreSQL's JSONB: shortest first).
    assert set(row["dataset_fields"].split(", ")) == {
        "ucdp_ged:conflict_name: Syria: Government",
        "ucdp_ged:where_prec: 1",
    }
