"""Keys are managed by admins, over HTTP and from the command line; tokens are shown once."""

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from app.core.config import Settings
from app.main import create_app
from tests.helpers import api_client, assert_problem

pytestmark = pytest.mark.anyio

NEW_ACTOR = {"name": "Liwa al-Haq", "kind": "armed_group"}


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


def test_keys_are_managed_from_the_command_line(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'keys.db'}"}

    def app(*args: str) -> str:
        command = [sys.executable, "-m", "app", *args]
        return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout

    app("migrate")
    created = app("keys", "create", "--name", "Data desk", "--scope", "admin")
    token = created.strip().splitlines()[-1]
    assert token.startswith("syr_") and len(token) == 47  # syr_ and 32 random bytes

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
    assert_problem(response, 422, "prefix")
    assert all(key["revoked_at"] is None for key in (await client.get("/v1/keys")).json())
