"""The demo dataset is the seed article, every fact cited with the article's own words."""

from importlib import resources

import pytest

from app.demo.loader import demo_dataset, load_demo_if_empty

ARTICLE = resources.files("app.demo").joinpath("seed_article.txt").read_text(encoding="utf-8")


def every_citation():
    for kind, records in demo_dataset().items():
        for record in records:
            for citation in record.get("citations", []):
                yield kind, record["@id"], citation


@pytest.mark.parametrize(("kind", "record", "citation"), list(every_citation()))
def test_every_excerpt_is_verbatim_from_the_article(kind, record, citation):
    assert citation["source_id"] == "@article"
    assert citation["excerpt"] in ARTICLE


def test_every_quote_is_verbatim_from_the_article():
    for statement in demo_dataset()["statements"]:
        if statement.get("quote"):
            assert statement["quote"] in ARTICLE, statement["@id"]


def test_every_record_but_actors_and_processes_cites_the_article():
    dataset = demo_dataset()
    for kind in ("statements", "incidents", "negotiation_sessions", "agreements"):
        assert all(record.get("citations") for record in dataset[kind]), kind


def test_the_demo_is_not_loaded_twice(database):
    with database.sessions() as session:
        assert load_demo_if_empty(session) is None


@pytest.mark.anyio
async def test_the_api_serves_every_demo_record(client):
    dataset = demo_dataset()
    for kind, path in [
        ("sources", "sources"),
        ("actors", "actors"),
        ("statements", "statements"),
        ("incidents", "incidents"),
        ("negotiation_processes", "negotiation-processes"),
        ("negotiation_sessions", "negotiation-sessions"),
        ("agreements", "agreements"),
    ]:
        body = (await client.get(f"/v1/{path}", params={"limit": 500})).json()
        assert len(body["data"]) == len(dataset[kind]), kind
