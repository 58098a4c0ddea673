"""Who may do what: public reads, `write` keys for writes, `admin` keys for keys."""

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from app.core.config import Settings
from app.main import create_app
from tests.helpers import actor_id, api_client, assert_problem, update

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


async def test_an_admin_creates_lists_and_revokes_keys(client, database):
    created = await client.post("/v1/keys", json={"name": "Newsroom desk", "scope": "write"})
    assert created.status_code == 201
    key = created.json()
    assert key["token"].startswith(key["prefix"]) and key["scope"] == "write"

    listed = (await client.get("/v1/keys")).json()
    desk = next(item for item in listed if item["name"] == "Newsroom desk")
    assert "token" not in desk and desk["revoked_at"] is None
    assert key["token"] not in (await client.get("/v1/keys")).text

    async with api_client(create_app(Settings(), database=database), key["token"]) as desk_client:
        assert (await desk_client.post("/v1/actors", json=NEW_ACTOR)).status_code == 201
        assert (await client.delete(f"/v1/keys/{key['prefix']}")).status_code == 204
        assert_problem(await desk_client.post("/v1/actors", json=NEW_ACTOR), 401)

    listed = (await client.get("/v1/keys")).json()
    assert next(item for item in listed if item["name"] == "Newsroom desk")["revoked_at"]


async def test_key_names_are_unique(client):
    assert_problem(
        await client.post("/v1/keys", json={"name": "admin tester", "scope": "read"}), 409
    )


async def test_nothing_internal_appears_in_responses(client):
    listed = (await client.get("/v1/keys")).json()
    assert all(
        set(key) == {"name", "prefix", "scope", "created_at", "revoked_at"} for key in listed
    )


@pytest.mark.parametrize(
    "field",
    ["id", "version", "created_at", "updated_at", "deleted_at"],
)
async def test_server_managed_fields_cannot_be_set(client, field):
    assert_problem(await client.post("/v1/actors", json={**NEW_ACTOR, field: "1"}), 422, field)
    hezbollah = await actor_id(client, "Hezbollah")
    response = await update(client, f"/v1/actors/{hezbollah}", json={field: "1"})
    assert_problem(response, 422, field)


def test_keys_are_managed_from_the_command_line(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'keys.db'}"}

    def app(*args: str) -> str:
        command = [sys.executable, "-m", "app", *args]
        return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout

    app("migrate")
    created = app("keys", "create", "--name", "Data desk", "--scope", "admin")
    token = created.strip().splitlines()[-1]
    assert token.startswith("syr_") and len(token) > 40

    with sqlite3.connect(tmp_path / "keys.db") as stored:
        row = stored.execute("SELECT * FROM api_keys").fetchone()
    assert token not in row and hashlib.sha256(token.encode()).hexdigest() in row

    listed = app("keys", "list")
    assert "Data desk" in listed and "active" in listed and token not in listed
    assert token[:12] in listed

    app("keys", "revoke", "Data desk")
    assert "revoked" in app("keys", "list")


async def test_a_new_token_is_never_cached(client):
    created = await client.post("/v1/keys", json={"name": "Night desk", "scope": "read"})
    assert created.headers["cache-control"] == "no-store"


async def test_a_key_name_cannot_pass_for_a_key(client):
    listed = (await client.get("/v1/keys")).json()
    body = {"name": listed[0]["prefix"], "scope": "read"}
    assert_problem(await client.post("/v1/keys", json=body), 422, "name")


@pytest.mark.parametrize("prefix", ["admin tester", "syr_a%00b", "syr_"])
async def test_revoking_takes_a_prefix_and_nothing_else(client, prefix):
    response = await client.delete(f"/v1/keys/{prefix}")
    assert response.status_code in (404, 422)
    assert all(key["revoked_at"] is None for key in (await client.get("/v1/keys")).json())
