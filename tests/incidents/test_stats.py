"""Counts and casualty sums of incidents per group, for charts and spreadsheets."""

import csv
import io

import pytest

from tests.helpers import assert_problem

pytestmark = pytest.mark.anyio


async def incident_stats(client, **params):
    response = await client.get("/v1/stats/incidents", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_incidents_by_month_and_type(client):
    stats = await incident_stats(client, group_by="month,type")
    assert stats["group_by"] == ["month", "type"]
    rows = {(row["month"], row["type"]): row for row in stats["data"]}
    assert rows[("2017-01", "airstrike")]["count"] == 1
    assert rows[("2017-01", "airstrike")]["killed_best"] == 1
    assert rows[("2013-01", "attack")]["killed_low"] == 151
    assert sum(row["count"] for row in stats["data"]) == 5


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        ("year", {("2013",): 1, ("2016",): 1, ("2017",): 3}),
        ("governorate", {(None,): 3, ("Rif Dimashq",): 2}),
        ("verification", {("reported",): 5}),
    ],
)
async def test_incidents_by_one_key(client, group_by, expected):
    stats = await incident_stats(client, group_by=group_by)
    assert {(row[group_by],): row["count"] for row in stats["data"]} == expected


async def test_incidents_by_actor_name_each_actor_its_incidents(client):
    stats = await incident_stats(client, group_by="actor")
    counts = {row["actor"]: row["count"] for row in stats["data"]}
    assert counts["Syrian government forces"] == 3
    assert counts["Hezbollah"] == 1
    assert all(row["actor_id"] for row in stats["data"])


async def test_stats_take_every_incident_filter(client):
    stats = await incident_stats(
        client, group_by="type", actor="Hezbollah", **{"from": "2017-01-01"}
    )
    assert [(row["type"], row["count"]) for row in stats["data"]] == [("ground_offensive", 1)]


async def test_stats_as_csv(client):
    response = await client.get(
        "/v1/stats/incidents", params={"group_by": "month", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert list(rows[0]) == ["month", "count", "killed_low", "killed_best", "killed_high",
                             "injured_low", "injured_best", "injured_high"]  # fmt: skip
    assert [(row["month"], row["count"]) for row in rows] == [
        ("2013-01", "1"), ("2016-12", "1"), ("2017-01", "3")
    ]  # fmt: skip


@pytest.mark.parametrize("group_by", ["weekday", "month,month", "month,type,year", ""])
async def test_unknown_group_by_is_422(client, group_by):
    assert_problem(
        await client.get("/v1/stats/incidents", params={"group_by": group_by}), 422, "group_by"
    )


async def test_groups_come_in_pages_that_follow_one_another(client):
    whole = await incident_stats(client, group_by="month,actor")
    pages, cursor = [], None
    while True:
        page = await incident_stats(
            client, group_by="month,actor", limit=3, **({"cursor": cursor} if cursor else {})
        )
        pages.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert whole["next_cursor"] is None
    assert len(whole["data"]) > 3
    assert [row for page in pages for row in page["data"]] == whole["data"]
    assert all(len(page["data"]) == 3 for page in pages[:-1])


async def test_a_page_of_groups_links_to_the_next(client):
    response = await client.get("/v1/stats/incidents", params={"group_by": "year", "limit": 1})
    cursor = response.json()["next_cursor"]
    assert response.headers["link"] == (
        f'</v1/stats/incidents?group_by=year&limit=1&cursor={cursor}>; rel="next"'
    )


async def test_more_groups_than_the_cap_is_a_clear_422(client):
    response = await client.get("/v1/stats/incidents", params={"group_by": "year", "limit": 10001})
    body = assert_problem(response, 422, "limit")
    assert "10000" in body["detail"]


@pytest.mark.parametrize("cursor", ["e30", "!!", "eyJncm91cF9ieSI6InllYXIiLCJza2lwIjotMX0"])
async def test_a_forged_stats_cursor_is_422(client, cursor):
    params = {"group_by": "year", "cursor": cursor}
    assert_problem(await client.get("/v1/stats/incidents", params=params), 422, "cursor")


async def test_a_cursor_of_another_grouping_is_422(client):
    page = await incident_stats(client, group_by="year", limit=1)
    params = {"group_by": "type", "cursor": page["next_cursor"]}
    assert_problem(await client.get("/v1/stats/incidents", params=params), 422, "cursor")
