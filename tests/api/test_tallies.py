"""`count=true` and `facet=` on the lists of incidents and statements: how many match, and how
many of each value, for the current filters (as Datasette's facets do)."""

from collections import Counter

import pytest

from app.core.config import Settings
from app.core.database import Database
from app.main import create_app
from tests.helpers import all_pages, api_client, assert_problem
from tests.plans import CORPUS_INCIDENTS

pytestmark = pytest.mark.anyio


async def test_count_says_how_many_match_and_that_it_is_exact(client):
    everything = await all_pages(client, "/v1/incidents")
    page = (await client.get("/v1/incidents", params={"count": "true", "limit": 1})).json()
    filtered = await client.get("/v1/incidents", params={"count": "true", "actor": "Hezbollah"})

    assert page["count"] == {"value": len(everything), "exact": True}
    assert len(page["data"]) == 1
    assert filtered.json()["count"] == {"value": 1, "exact": True}


async def test_facets_count_each_value_among_the_matches(client):
    everything = await all_pages(client, "/v1/incidents")
    params = {"facet": ["type", "governorate"], "limit": 1}
    facets = (await client.get("/v1/incidents", params=params)).json()["facets"]

    types = Counter(incident["type"] for incident in everything)
    assert facets["type"] == [
        {"value": value, "count": count}
        for value, count in sorted(types.items(), key=lambda item: (-item[1], item[0]))
    ]
    governorates = Counter(incident["place"]["governorate"] for incident in everything)
    assert facets["governorate"] == [
        {"value": value, "count": count}
        for value, count in sorted(
            governorates.items(), key=lambda item: (-item[1], item[0] is None, item[0] or "")
        )
    ]


async def test_facets_follow_the_filters(client):
    params = {"facet": "actor", "q": "Wadi Barada"}
    found = (await client.get("/v1/incidents", params=params)).json()
    named = Counter(
        actor["actor_name"] for incident in found["data"] for actor in incident["actors"]
    )
    assert {row["value"]: row["count"] for row in found["facets"]["actor"]} == dict(named)


async def test_statements_by_speaker_and_type(client):
    everything = await all_pages(client, "/v1/statements")
    params = {"facet": ["speaker", "type"], "count": "true", "limit": 1}
    page = (await client.get("/v1/statements", params=params)).json()

    assert page["count"] == {"value": len(everything), "exact": True}
    types = Counter(statement["type"] for statement in everything)
    assert {row["value"]: row["count"] for row in page["facets"]["type"]} == dict(types)
    speakers = Counter(s["speaker_name"] or s["speaker_label"] for s in everything)
    assert page["facets"]["speaker"][0] == {"value": "Bashar al-Ja'afari", "count": 4}
    assert sum(row["count"] for row in page["facets"]["speaker"]) == sum(speakers.values())


async def test_without_count_or_facet_a_page_is_as_before(client):
    page = (await client.get("/v1/incidents", params={"limit": 1})).json()
    assert set(page) == {"data", "next_cursor"}


async def test_an_unknown_facet_is_422(client):
    response = await client.get("/v1/incidents", params={"facet": "colour"})
    assert_problem(response, 422, "facet")


async def test_past_the_cap_postgresql_estimates_and_says_so(big_corpus):
    engine, _ = big_corpus
    app = create_app(Settings(), database=Database(engine))
    async with api_client(app) as client:
        page = (await client.get("/v1/incidents", params={"count": "true", "limit": 1})).json()
    if engine.dialect.name == "postgresql":
        assert page["count"]["exact"] is False
        assert 0.8 * CORPUS_INCIDENTS < page["count"]["value"] < 1.2 * CORPUS_INCIDENTS
    else:  # no planner's estimate: counted
        assert page["count"] == {"value": CORPUS_INCIDENTS, "exact": True}
