"""Every statement filter, and the plans of first pages on 20,000 statements."""

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.statements.repository import StatementRepository
from app.statements.schemas import StatementQuery
from tests.helpers import all_pages, assert_problem
from tests.plans import CORPUS_STATEMENTS, corpus_session, full_scans, over_budget, plan

pytestmark = pytest.mark.anyio


async def statements(client, **params):
    return await all_pages(client, "/v1/statements", **params)


async def test_repeated_speakers_mean_either(client):
    found = await statements(client, speaker=["Jaafari", "Musienko"])
    assert {s["speaker_name"] for s in found} == {"Bashar al-Ja'afari", "Alexander Musienko"}


async def test_target(client):
    found = await statements(client, target="Turkey")
    assert [s["speaker_name"] for s in found] == ["Bashar al-Ja'afari", "Mohammad Alloush"]
    assert all("Turkey" in [t["name"] for t in s["targets"]] for s in found)


async def test_on_behalf_of(client):
    everything = await statements(client)
    expected = [s for s in everything if s["on_behalf_of_name"] == "Syrian government"]
    assert len(expected) == 6
    assert await statements(client, on_behalf_of="Assad regime") == expected


async def test_a_type_takes_in_its_sub_codes(client):
    disapproving = {s["type"] for s in await statements(client, type="disapprove")}
    assert disapproving == {"accuse", "criticize"}
    assert {s["type"] for s in await statements(client, type="accuse")} == {"accuse"}


async def test_unknown_type_is_422(client):
    assert_problem(await client.get("/v1/statements", params={"type": "gossip"}), 422, "type")


async def test_topic_and_language(client):
    on_ceasefire = await statements(client, topic="ceasefire")
    assert len(on_ceasefire) == 4
    assert all("ceasefire" in s["topics"] for s in on_ceasefire)
    assert len(await statements(client, language="en")) == len(await statements(client))
    assert await statements(client, language="ar") == []


async def test_newest_first(client):
    dates = [s["date"] for s in await statements(client, sort="-date", limit=3)]
    assert dates == sorted(dates, reverse=True)


async def test_updated_since(client):
    assert await statements(client, updated_since="2100-01-01T00:00:00Z") == []


async def test_fast_pages_match_the_read_schema_exactly(client):
    listed = await all_pages(client, "/v1/statements", limit=7)
    read = [(await client.get(f"/v1/statements/{row['id']}")).json() for row in listed]
    assert listed == read
    searched = await all_pages(client, "/v1/statements", q="sovereignty")
    assert [row | {"snippet": None} for row in searched] == [
        (await client.get(f"/v1/statements/{row['id']}")).json() for row in searched
    ]


def statement_page(engine: Engine, **params):
    with Session(engine) as session:
        return StatementRepository(session).page_statement(StatementQuery.model_validate(params))


@pytest.mark.parametrize(
    "params",
    [
        {"speaker": 3},
        {"target": 3},
        {"type": ["accuse"]},
        {"session": "eleventh round"},
        {"updated_since": "2100-01-01T00:00:00Z"},  # a recent cutoff: nothing since
        {"updated_since": "2000-01-01T00:00:00Z"},  # an old one: everything since
    ],
    ids=lambda params: next(iter(params)),
)
def test_the_first_page_of_every_list_reads_few_rows(big_corpus, params):
    engine, actors = big_corpus
    if "session" in params:
        params = {"session": [corpus_session(engine)]}
    for who in ("speaker", "target"):
        if who in params:
            params = {who: [str(actors[params[who]])]}
    statement = statement_page(engine, **params)
    lines = plan(engine, statement)
    assert full_scans(lines) == [], lines
    assert over_budget(engine, statement, CORPUS_STATEMENTS) == 0, lines


def test_full_text_plan(big_corpus):
    engine, _ = big_corpus
    lines = plan(engine, statement_page(engine, q="bakery truce drone"))
    assert full_scans(lines) == [], lines


async def test_beyond_the_ranked_candidates_every_match_still_follows(client, monkeypatch):
    """Only the first CANDIDATES matches are ranked; the rest come after them, by id."""
    monkeypatch.setattr("app.core.records.CANDIDATES", 3)
    quotes = ["zebra", "zebra zebra zebra", "zebra crossing", "a zebra", "zebra zebra", "zebras"]
    created = []
    for quote in quotes:
        body = {"speaker_label": "rebel sources", "date": "2017-01-23", "quote": quote}
        response = await client.post("/v1/statements", json=body)
        assert response.status_code == 201
        created.append(response.json()["id"])
    found = [row["id"] for row in await all_pages(client, "/v1/statements", q="zebra", limit=2)]
    assert sorted(found) == sorted(created)
    assert len(found) == len(created)
    assert found[3:] == sorted(found[3:])  # past the candidates: by id
