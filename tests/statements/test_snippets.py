"""Statements found by `q` carry the matching passage, highlighted."""

import pytest

pytestmark = pytest.mark.anyio


async def test_statement_hits_carry_a_highlighted_snippet(client, corpus):
    params = {"q": "jaafari terror", "from": "2020-01-01"}
    (hit,) = (await client.get("/v1/statements", params=params)).json()["data"]
    assert hit["snippet"] == (
        "<mark>Ja’afari</mark> accused the delegation of <mark>terrorism</mark> and insolence."
    )


async def test_without_q_there_is_no_snippet(client):
    page = (await client.get("/v1/statements", params={"limit": 1})).json()
    assert page["data"][0]["snippet"] is None


CORPUS = {
    "truce": "The truce in Wadi Barada collapsed after shelling resumed at dawn.",
    "siege": "Residents of Madaya described the siege as starvation by design.",
    "accused": "Ja’afari accused the delegation of terrorism and insolence.",
    "arabic": "قال بشار الجعفري إن وفد المعارضة إرهابي",
    "arabic_truce": "انهارت الهدنة في وادي بردى",
    "cafe": "A café in Dūmā was struck; the Douma council counted the dead.",
}


@pytest.fixture
async def corpus(client):
    ids = {}
    for name, text in CORPUS.items():
        body = {"speaker_label": "test corpus", "date": "2020-01-01", "quote": text}
        ids[(await client.post("/v1/statements", json=body)).json()["id"]] = name
        incident = {"type": "other", "start_date": "2020-01-01", "description": text}
        ids[(await client.post("/v1/incidents", json=incident)).json()["id"]] = name
    return ids
