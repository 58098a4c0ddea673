"""Who may do what: public reads, `write` keys for writes, `admin` keys for keys."""

import pytest

from app.core.config import Settings
from app.main import create_app
from tests.helpers import (
    actor_id,
    api_client,
    assert_problem,
    create_actor,
    remove,
    update,
)

pytestmark = pytest.mark.anyio


NEW_ACTOR = {"name": "Liwa al-Haq", "kind": "armed_group"}


async def test_reads_are_public(anonymous):
    assert (await anonymous.get("/v1/actors")).status_code == 200
    assert (await anonymous.get("/v1/changes")).status_code == 200


async def test_a_write_without_a_key_is_401_with_a_challenge(anonymous):
    response = await anonymous.post("/v1/actors", json=NEW_ACTOR)
    body = assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "write" in body["detail"]
    assert (await anonymous.get("/v1/actors", params={"q": "Liwa al-Haq"})).json()["data"] == []


async def test_a_read_key_may_not_write_and_is_told_which_scope_it_lacks(database, tokens):
    async with api_client(create_app(Settings(), database=database), tokens["read"]) as reader:
        body = assert_problem(await reader.post("/v1/actors", json=NEW_ACTOR), 403)
        assert body["required_scope"] == "write"
        hezbollah = await actor_id(reader, "Hezbollah")
        assert_problem(await update(reader, f"/v1/actors/{hezbollah}", json={"country": "x"}), 403)
        assert_problem(await reader.get("/v1/keys"), 403)


async def test_an_unknown_key_is_401_even_for_reads(anonymous):
    headers = {"Authorization": "Bearer syr_not-a-real-key"}
    response = await anonymous.get("/v1/actors", headers=headers)
    assert_problem(response, 401)
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_a_write_key_may_write_but_not_manage_keys(database, tokens):
    async with api_client(create_app(Settings(), database=database), tokens["write"]) as writer:
        created = await writer.post("/v1/actors", json=NEW_ACTOR)
        assert created.status_code == 201
        body = assert_problem(
            await writer.post("/v1/keys", json={"name": "x", "scope": "read"}), 403
        )
        assert body["required_scope"] == "admin"


async def test_reads_can_be_made_to_need_a_key(database, tokens):
    app = create_app(Settings(require_read_key=True), database=database)
    async with api_client(app) as anonymous:
        assert_problem(await anonymous.get("/v1/incidents"), 401)
    async with api_client(app, tokens["read"]) as reader:
        assert (await reader.get("/v1/incidents")).status_code == 200
        assert (await reader.get("/health")).status_code == 200


async def test_restore_needs_a_write_key(client, anonymous):
    url = await create_actor(client)
    await remove(client, url)
    assert_problem(await anonymous.post(f"{url}/restore"), 401)
