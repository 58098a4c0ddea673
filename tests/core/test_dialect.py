"""Full-text search finds the same records on SQLite (FTS5) and PostgreSQL (tsvector)."""

import uuid

import pytest
from sqlalchemy import Uuid, bindparam
from sqlalchemy import text as sql

from tests.helpers import all_pages, assert_problem, update

pytestmark = pytest.mark.anyio


CORPUS = {
    "truce": "The truce in Wadi Barada collapsed after shelling resumed at dawn.",
    "siege": "Residents of Madaya described the siege as starvation by design.",
    "accused": "Ja’afari accused the delegation of terrorism and insolence.",
    "arabic": "قال بشار الجعفري إن وفد المعارضة إرهابي",
    "arabic_truce": "انهارت الهدنة في وادي بردى",
    "cafe": "A café in Dūmā was struck; the Douma council counted the dead.",
}


QUERIES = [
    ("truce", {"truce"}),
    ("Truce collapse", {"truce"}),
    ("siege", {"siege"}),
    ("terror", {"accused"}),
    ("jaafari", {"accused"}),
    ("Ja'afari insolen", {"accused"}),
    ("الجعفري", {"arabic"}),
    ("جعفري", {"arabic"}),
    ("بردى", {"arabic_truce"}),
    ("cafe duma", {"cafe"}),
    ("douma", {"cafe"}),
    ("nothing-like-this", set()),
    ('truce" OR siege AND NOT (*', set()),
    ('"truce', {"truce"}),
    ("NEAR(truce siege)", set()),
    ("'; DROP TABLE statements; --", set()),
    ("***", set()),
]


@pytest.fixture
async def corpus(client):
    ids = {}
    for name, text in CORPUS.items():
        body = {"speaker_label": "test corpus", "date": "2020-01-01", "quote": text}
        ids[(await client.post("/v1/statements", json=body)).json()["id"]] = name
        incident = {"type": "other", "start_date": "2020-01-01", "description": text}
        ids[(await client.post("/v1/incidents", json=incident)).json()["id"]] = name
    return ids


@pytest.mark.parametrize(("query", "expected"), QUERIES)
async def test_statements_and_incidents_get_the_same_hits(client, corpus, query, expected):
    for collection in ("statements", "incidents"):
        hits = await all_pages(client, f"/v1/{collection}", q=query, **{"from": "2020-01-01"})
        assert {corpus[row["id"]] for row in hits} == expected, collection


async def test_relevance_first_and_paging_through_it(client, corpus):
    for _ in range(3):
        body = {"speaker_label": "x", "date": "2020-01-02", "quote": "truce truce truce truce"}
        await client.post("/v1/statements", json=body)
    ranked = await all_pages(client, "/v1/statements", q="truce", limit=1)
    assert len(ranked) == 4
    assert ranked[0]["quote"] == "truce truce truce truce"
    assert len({row["id"] for row in ranked}) == 4


async def test_q_with_a_sort_keeps_the_sort(client, corpus):
    found = await all_pages(client, "/v1/statements", q="truce", sort="-date")
    assert [row["id"] for row in found] == [
        row["id"] for row in sorted(found, key=lambda r: r["date"], reverse=True)
    ]


async def test_q_searches_the_seed_article(client):
    found = await all_pages(client, "/v1/statements", q="sovereignty")
    assert [row["speaker_name"] for row in found] == ["Bashar al-Ja'afari"]
    double_tap = await all_pages(client, "/v1/incidents", q="rescue workers")
    assert {row["sub_type"] for row in double_tap} == {"double_tap_strike"}


async def test_edits_are_searchable_at_once(client):
    body = {"speaker_label": "x", "date": "2020-01-01", "quote": "first words"}
    created = (await client.post("/v1/statements", json=body)).json()
    await update(client, f"/v1/statements/{created['id']}", json={"quote": "second thoughts"})
    assert await all_pages(client, "/v1/statements", q="first words") == []
    assert [r["id"] for r in await all_pages(client, "/v1/statements", q="second")] == [
        created["id"]
    ]


async def test_over_long_q_is_422(client):
    assert_problem(await client.get("/v1/statements", params={"q": "x" * 201}), 422, "q")


async def test_an_edited_record_keeps_one_document_found_by_its_new_words(client, database):
    created = await client.post(
        "/v1/incidents",
        json={"type": "shelling", "start_date": "2017-02-01", "description": "Quarry shelled."},
    )
    url = f"/v1/incidents/{created.json()['id']}"
    for words in ("Mill shelled.", "Bakery shelled."):
        await update(client, url, json={"description": words})

    found = {word: await all_pages(client, "/v1/incidents", q=word) for word in ("quarry", "mill")}
    bakery = await all_pages(client, "/v1/incidents", q="bakery")
    assert found == {"quarry": [], "mill": []}
    assert [incident["id"] for incident in bakery] == [created.json()["id"]]
    count = sql("SELECT count(*) FROM incidents_fts WHERE record_id = :id").bindparams(
        bindparam("id", type_=Uuid())
    )
    with database.sessions() as session:
        rows = session.execute(count, {"id": uuid.UUID(created.json()["id"])}).scalar_one()
    assert rows == 1
