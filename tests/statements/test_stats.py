"""Counts of statements per group."""

import pytest

pytestmark = pytest.mark.anyio


async def test_statements_by_speaker_and_type(client):
    stats = (await client.get("/v1/stats/statements", params={"group_by": "speaker,type"})).json()
    rows = {(row["speaker"], row["type"]): row["count"] for row in stats["data"]}
    assert rows[("Bashar al-Ja'afari", "accuse")] == 2
    assert rows[("rebel sources", "criticize")] == 1


# The demo's 24 statements counted by each key (a statement names several targets or topics).
BY_KEY = {
    "month": {"2017-01": 24},
    "type": {"accuse": 3, "criticize": 2, "demand": 6, "deny": 2, "express_intent": 1,
             "pessimistic_comment": 4, "refuse_talks": 1, "reject": 3, "statement": 2},
    "target": {"Ahrar al-Sham": 1, "Bashar al-Assad": 2, "Iran": 2, "Jabhat Fatah al-Sham": 4,
               "Jund al-Aqsa": 5, "Mohammad Alloush": 1, "Rebel factions in northwest Syria": 1,
               "Russia": 4, "Syrian government": 5,
               "Syrian government delegation to the Astana talks": 2,
               "Syrian opposition and rebels": 3,
               "Syrian opposition-rebel delegation to the Astana talks": 5, "Turkey": 2,
               "United Nations": 1},
    "topic": {"ceasefire": 4, "detainees": 3, "foreign_militias": 1, "guarantors": 1,
              "negotiation_format": 3, "political_transition": 4, "sieges": 3, "sovereignty": 1,
              "terrorism": 3, "vetting": 2},
}  # fmt: skip


@pytest.mark.parametrize("group_by", ["month", "type", "target", "topic"])
async def test_statements_by_each_key(client, group_by):
    stats = (await client.get("/v1/stats/statements", params={"group_by": group_by})).json()
    assert {row[group_by]: row["count"] for row in stats["data"]} == BY_KEY[group_by]


async def test_statements_by_topic(client):
    on_ceasefire = (await client.get("/v1/statements", params={"topic": "ceasefire"})).json()[
        "data"
    ]
    params = {"group_by": "topic", "topic": "ceasefire"}
    stats = (await client.get("/v1/stats/statements", params=params)).json()
    counts = {row["topic"]: row["count"] for row in stats["data"]}
    # Statements on the ceasefire, counted under each of their topics.
    assert counts["ceasefire"] == len(on_ceasefire)
    assert set(counts) == {topic for s in on_ceasefire for topic in s["topics"]}
