"""Every incident filter, alone and combined, and the plans of the main queries: on 100,000
incidents they scan no table whole."""

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.incidents.repository import IncidentRepository
from app.incidents.schemas import IncidentQuery, IncidentStatsQuery
from tests.helpers import all_pages, assert_problem, source_id
from tests.plans import CORPUS_INCIDENTS, corpus_session, full_scans, over_budget, plan

pytestmark = pytest.mark.anyio


async def kinds(client, **params):
    rows = await all_pages(client, "/v1/incidents", **params)
    return sorted(row["sub_type"] or row["type"] for row in rows)


async def ceasefire_id(client):
    agreements = (await client.get("/v1/agreements")).json()["data"]
    return next(a["id"] for a in agreements if a["kind"] == "ceasefire")


async def test_repeated_actor_means_either(client):
    found = await kinds(client, actor=["Hezbollah", "Jund al-Aqsa"])
    assert found == ["attack", "ground_offensive"]


async def test_actor_role_holds_for_that_actor(client):
    assert await kinds(client, actor="White Helmets", actor_role="victim") == ["attack"]
    assert await kinds(client, actor="White Helmets", actor_role="target") == ["double_tap_strike"]
    assert await kinds(client, actor="Hezbollah", actor_role="victim") == []


async def test_attribution(client):
    assert await kinds(client, attribution="confirmed") == ["double_tap_strike"]


async def test_type_and_sub_type(client):
    assert await kinds(client, type=["airstrike", "clashes"]) == ["clashes", "double_tap_strike"]
    assert await kinds(client, sub_type="double_tap_strike") == ["double_tap_strike"]


@pytest.mark.parametrize("place", ["Wadi Barada", "wadi barada", "Ouadi Barada", "Barada"])
async def test_place_forgives_spelling(client, place):
    assert await kinds(client, place=place) == ["double_tap_strike", "ground_offensive"]


async def test_douma_and_duma_find_each_other(client):
    body = {"type": "shelling", "start_date": "2017-01-24", "place": {"name": "Douma"}}
    assert (await client.post("/v1/incidents", json=body)).status_code == 201
    assert await kinds(client, place="Duma") == ["shelling"]
    assert await kinds(client, place="دوما") == []


async def test_place_matches_the_governorate_too(client):
    assert await kinds(client, place="Rif Dimashq") == ["double_tap_strike", "ground_offensive"]
    assert await kinds(client, governorate="Rif Dimashq") == [
        "double_tap_strike",
        "ground_offensive",
    ]


async def test_bounding_box(client):
    around = await kinds(client, bbox="36.0,33.5,36.4,33.8")
    elsewhere = await kinds(client, bbox="38.0,35.0,39.0,36.0")
    assert "double_tap_strike" in around
    assert elsewhere == []


async def test_near_within_a_radius(client):
    assert "double_tap_strike" in await kinds(client, near="33.62,36.2", radius_km=10)
    assert await kinds(client, near="36.2,37.15", radius_km=25) == []


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "36,33,37"},
        {"bbox": "37,33,36,34"},
        {"bbox": "a,b,c,d"},
        {"bbox": "36,33,37,95"},
        {"near": "33.6"},
        {"near": "nan,36"},
    ],
)
async def test_malformed_places_are_422_naming_the_parameter(client, params):
    assert_problem(await client.get("/v1/incidents", params=params), 422, next(iter(params)))


async def test_negative_radius_is_422(client):
    params = {"near": "33.6,36.2", "radius_km": -1}
    assert_problem(await client.get("/v1/incidents", params=params), 422, "radius_km")


async def test_killed_range_uses_the_best_estimate(client):
    assert await kinds(client, min_killed=1) == ["double_tap_strike"]
    assert await kinds(client, max_killed=0) == []
    assert await kinds(client, min_killed=1, max_killed=1) == ["double_tap_strike"]
    assert_problem(
        await client.get("/v1/incidents", params={"min_killed": 5, "max_killed": 1}),
        422,
        "max_killed",
    )


async def test_verification(client):
    assert len(await kinds(client, verification="reported")) == 5
    assert await kinds(client, verification=["confirmed", "disputed"]) == []


async def test_violated_agreement(client):
    found = await kinds(client, violated_agreement=await ceasefire_id(client))
    assert found == ["double_tap_strike", "ground_offensive"]


async def test_session_means_during_the_session(client):
    session = (await client.get("/v1/negotiation-sessions")).json()["data"][0]
    found = await kinds(client, session=session["id"])
    assert "ground_offensive" in found  # ongoing since 22 December 2016
    assert "double_tap_strike" not in found  # the day before the talks


async def test_source(client):
    assert len(await kinds(client, source=await source_id(client))) == 5
    other = (await client.post("/v1/sources", json={"title": "Other", "kind": "other"})).json()
    assert await kinds(client, source=other["id"]) == []


async def test_updated_since(client):
    assert len(await kinds(client, updated_since="2000-01-01T00:00:00Z")) == 5
    assert await kinds(client, updated_since="2100-01-01T00:00:00Z") == []


async def test_filters_combine(client):
    found = await kinds(client, actor="regime forces", **{"from": "2017-01-22", "to": "2017-01-22"})
    assert found == ["attack", "double_tap_strike", "ground_offensive"]


async def test_sorts(client):
    newest_first = await all_pages(client, "/v1/incidents", sort="-date", limit=2)
    deadliest_first = await all_pages(client, "/v1/incidents", sort="-killed", limit=2)
    starts = [row["start_date"] for row in newest_first]
    assert starts == sorted(starts, reverse=True)
    assert deadliest_first[0]["sub_type"] == "double_tap_strike"
    assert len(deadliest_first) == 5


async def test_unknown_sort_is_422(client):
    assert_problem(await client.get("/v1/incidents", params={"sort": "killed"}), 422, "sort")


async def test_a_cursor_belongs_to_its_sort(client):
    page = (await client.get("/v1/incidents", params={"sort": "-date", "limit": 1})).json()
    response = await client.get("/v1/incidents", params={"cursor": page["next_cursor"]})
    assert_problem(response, 422, "cursor")


async def test_fields_choose_what_is_returned(client):
    page = (await client.get("/v1/incidents", params={"fields": "id,start_date,place"})).json()
    assert all(set(row) == {"id", "start_date", "place"} for row in page["data"])


@pytest.mark.parametrize("fields", ["id,colour", "ID", "id,,type"])
async def test_unknown_fields_are_422(client, fields):
    assert_problem(await client.get("/v1/incidents", params={"fields": fields}), 422, "fields")


async def test_an_imprecise_date_spans_its_period(client):
    body = {
        "type": "siege",
        "start_date": "2017-03-01",
        "end_date": "2017-03-01",
        "date_precision": "month",
    }
    assert (await client.post("/v1/incidents", json=body)).status_code == 201
    assert await kinds(client, type="siege", **{"from": "2017-03-15", "to": "2017-03-20"}) == [
        "siege"
    ]
    assert await kinds(client, type="siege", **{"from": "2017-04-01"}) == []


def incident_page(engine: Engine, **params):
    with Session(engine) as session:
        return IncidentRepository(session).page_statement(IncidentQuery.model_validate(params))


def test_the_corpus_is_big_enough(big_corpus):
    engine, _ = big_corpus
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT count(*) FROM incidents")).scalar_one()
            == CORPUS_INCIDENTS
        )


@pytest.mark.parametrize("rank", [0, 50, 500])
def test_actor_and_date_range(big_corpus, rank):
    engine, actors = big_corpus
    query = incident_page(
        engine, actor=[str(actors[rank])], **{"from": "2016-01-01", "to": "2016-06-30"}
    )
    lines = plan(engine, query)
    assert full_scans(lines) == [], lines


def test_actor_by_name(big_corpus):
    engine, _ = big_corpus
    lines = plan(engine, incident_page(engine, actor=["Faction 0007"], to="2016-06-30"))
    assert full_scans(lines) == [], lines


def test_bounding_box_and_date(big_corpus):
    engine, _ = big_corpus
    query = incident_page(
        engine, bbox="36.1,33.4,36.4,33.6", **{"from": "2015-01-01", "to": "2015-12-31"}
    )
    lines = plan(engine, query)
    assert full_scans(lines) == [], lines


@pytest.mark.parametrize(
    "params",
    [
        {"place": ["place 1999"]},
        {"place": ["Idlib"]},  # a governorate's name: one incident in 14
        {"governorate": ["Idlib"]},
        {"bbox": "36.1,33.4,36.4,33.6"},
        {"near": "33.5,36.3", "radius_km": 10},
        {"type": ["siege"]},
        {"verification": ["confirmed"]},
        {"updated_since": "2100-01-01T00:00:00Z"},  # a recent cutoff: nothing since
        {"updated_since": "2000-01-01T00:00:00Z"},  # an old one: everything since
        {"sort": "-killed"},
        {"session": "eleventh round"},
        {"external_id": ["acled:SYR1234"]},
    ],
    ids=lambda params: next(iter(params)),
)
def test_the_first_page_of_every_list_reads_few_rows(big_corpus, params):
    engine, _ = big_corpus
    if "session" in params:
        params = {"session": [corpus_session(engine)]}
    statement = incident_page(engine, **params)
    lines = plan(engine, statement)
    assert full_scans(lines) == [], lines
    assert over_budget(engine, statement) == 0, lines


@pytest.mark.parametrize(
    "params",
    [
        {"actor": 3, "from": "2016-01-01", "to": "2016-12-31"},
        {"governorate": ["Idlib"], "from": "2016-01-01", "to": "2016-12-31"},
        {"type": ["siege"], "from": "2016-01-01", "to": "2016-12-31"},
    ],
    ids=lambda params: next(iter(params)),
)
def test_stats_by_month_and_type_read_only_what_they_count(big_corpus, params):
    engine, actors = big_corpus
    if "actor" in params:
        params = {**params, "actor": [str(actors[params["actor"]])]}
    query = IncidentStatsQuery.model_validate({"group_by": "month,type", **params})
    with Session(engine) as session:
        _, statement = IncidentRepository(session).stats_statement(query, query.group_by)
    lines = plan(engine, statement)
    assert full_scans(lines) == [], lines
    assert over_budget(engine, statement) == 0, lines


def test_full_text(big_corpus):
    engine, _ = big_corpus
    lines = plan(engine, incident_page(engine, q="bakery convoy sniper"))
    assert full_scans(lines) == [], lines


def test_a_late_page_is_a_range_not_a_skip(big_corpus):
    engine, _ = big_corpus
    with Session(engine) as session:
        repository = IncidentRepository(session)
        _, cursor = repository.page(IncidentQuery.model_validate({"limit": 500}))
        statement = repository.page_statement(IncidentQuery.model_validate({"cursor": cursor}))
    lines = plan(engine, statement)
    assert full_scans(lines) == [], lines
    assert "OFFSET" not in str(statement)


async def test_an_actor_in_two_roles_is_one_incident_in_its_date_order(client):
    actors = (await client.get("/v1/actors", params={"q": "Hezbollah"})).json()["data"]
    hezbollah = actors[0]["id"]
    body = {
        "type": "shelling",
        "start_date": "2017-01-25",
        "end_date": "2017-01-26",
        "actors": [
            {"actor_id": hezbollah, "role": "perpetrator"},
            {"actor_id": hezbollah, "role": "target"},
        ],
    }
    created = (await client.post("/v1/incidents", json=body)).json()["id"]
    for sort in ("date", "-date"):
        rows = await all_pages(client, "/v1/incidents", actor="Hezbollah", sort=sort, limit=1)
        assert [row["id"] for row in rows].count(created) == 1
        everyone = await all_pages(client, "/v1/incidents", sort=sort)
        assert [row["id"] for row in rows] == [
            row["id"] for row in everyone if hezbollah in {a["actor_id"] for a in row["actors"]}
        ]
    later = await all_pages(client, "/v1/incidents", actor="Hezbollah", **{"from": "2017-01-26"})
    assert created in [row["id"] for row in later]
    after = await all_pages(client, "/v1/incidents", actor="Hezbollah", **{"from": "2017-01-27"})
    assert created not in [row["id"] for row in after]
