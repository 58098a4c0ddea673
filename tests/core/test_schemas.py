"""Input rules every request body shares, as the OpenAPI document states them: what a
schema-valid request may carry, and what it may not."""

import re

import pytest

from app.core.schemas import TEXT_PATTERN
from tests.helpers import actor_id, assert_problem, update

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("name", ["   ", "\t\n", "\u3000", "\x1c"])
async def test_blank_text_is_refused(client, name):
    response = await client.post("/v1/actors", json={"name": name, "kind": "other"})
    assert_problem(response, 422, "name")


async def test_text_is_stored_trimmed(client):
    created = await client.post(
        "/v1/actors", json={"name": "  Jaysh al-Islam II ", "kind": "other"}
    )
    assert created.json()["name"] == "Jaysh al-Islam II"


@pytest.mark.parametrize("text", ["a", " a ", "\u3000b", "x\x1cy"])
def test_the_documented_text_pattern_accepts_what_the_service_accepts(text):
    assert re.match(TEXT_PATTERN, text)


@pytest.mark.parametrize("text", ["", " ", "\x1c\u3000", "a\x00"])
def test_the_documented_text_pattern_refuses_what_the_service_refuses(text):
    assert not re.match(TEXT_PATTERN, text)


@pytest.mark.parametrize("value", [0, 1485129600, "1485129600", "0.5"])
async def test_a_number_is_not_a_date(client, value):
    body = {"title": "t", "kind": "other", "published_at": value}
    assert_problem(await client.post("/v1/sources", json=body), 422, "published_at")
    assert_problem(await client.get("/v1/incidents", params={"updated_since": value}), 422)


async def test_a_boolean_is_not_a_number(client):
    body = {"type": "shelling", "start_date": "2017-01-24", "killed": {"best": True}}
    assert_problem(await client.post("/v1/incidents", json=body), 422, "killed.best")


async def test_a_patch_may_not_null_a_required_field(client):
    url = f"/v1/actors/{await actor_id(client, 'Hezbollah')}"
    assert_problem(await update(client, url, json={"kind": None}), 422, "kind")
    assert (await update(client, url, json={"country": None})).status_code == 200


async def test_repeated_items_are_refused(client):
    russia = await actor_id(client, "Russia")
    body = {"title": "t", "kind": "other", "guarantors": [russia, russia]}
    assert_problem(await client.post("/v1/agreements", json=body), 422, "guarantors")
    statement = {
        "speaker_label": "x",
        "date": "2017-01-23",
        "summary": "s",
        "target_ids": [russia, russia],
    }
    assert_problem(await client.post("/v1/statements", json=statement), 422, "target_ids")
