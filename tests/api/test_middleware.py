"""CORS for configured frontends, security headers everywhere, bounded request bodies, and
how many requests a worker runs in its threads at once."""

import pytest
from anyio import to_thread

from app.core.config import Settings
from app.main import create_app
from tests.helpers import api_client, assert_problem

pytestmark = pytest.mark.anyio

FRONTEND = "https://map.example.org"


@pytest.fixture
async def configured(database, tokens):
    settings = Settings(cors_origins=[FRONTEND], max_body_bytes=2_000)
    async with api_client(create_app(settings, database=database), tokens["write"]) as client:
        yield client


async def test_security_headers_on_every_response(client):
    for response in (await client.get("/v1/actors"), await client.get("/v1/nowhere")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert (
            response.headers["content-security-policy"]
            == "default-src 'none'; frame-ancestors 'none'"
        )


async def test_the_docs_may_run_their_scripts_from_this_service_only(client):
    response = await client.get("/docs")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline' blob:" in policy
    assert "img-src 'self' data:" in policy
    assert "default-src 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_a_configured_frontend_may_call_from_a_browser(configured):
    preflight = await configured.options(
        "/v1/incidents/x",
        headers={"Origin": FRONTEND, "Access-Control-Request-Method": "PATCH",
                 "Access-Control-Request-Headers": "If-Match, Content-Type"},
    )  # fmt: skip
    read = await configured.get("/v1/actors", headers={"Origin": FRONTEND})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == FRONTEND
    assert read.headers["access-control-allow-origin"] == FRONTEND
    assert "Link" in read.headers["access-control-expose-headers"]


async def test_other_origins_get_no_cors_grant(configured):
    read = await configured.get("/v1/actors", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in read.headers


async def test_a_body_over_the_limit_is_413(configured):
    body = {"name": "x" * 250, "kind": "other", "description": "y" * 3_000}
    assert_problem(await configured.post("/v1/actors", json=body), 413)


async def test_a_streamed_body_over_the_limit_is_413(configured):
    async def chunks():
        for _ in range(10):
            yield b" " * 500

    response = await configured.post(
        "/v1/actors", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(response, 413)


async def test_a_body_under_the_limit_passes(configured):
    assert (
        await configured.post("/v1/actors", json={"name": "Small", "kind": "other"})
    ).status_code == 201


def test_origins_are_read_comma_separated(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]


async def test_a_worker_runs_as_many_requests_at_once_as_it_has_threads(database, tokens):
    app = create_app(Settings(worker_threads=3), database=database)
    async with app.router.lifespan_context(app):
        assert to_thread.current_default_thread_limiter().total_tokens == 3
        async with api_client(app, tokens["write"]) as client:
            assert (await client.get("/v1/actors")).status_code == 200


async def test_by_default_any_page_may_read_and_send_a_key(anonymous):
    read = await anonymous.get("/v1/actors", headers={"Origin": "https://map.example"})
    preflight = await anonymous.options(
        "/v1/incidents",
        headers={"Origin": "https://map.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type"},
    )  # fmt: skip
    assert read.headers["access-control-allow-origin"] == "*"
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in preflight.headers
