"""Rate limits per key, or per address without one: counted in-process, or in Redis so that
every worker and host shares one count."""

import uuid

import pytest
import redis
import uvicorn

from app.__main__ import main
from app.core.config import Settings, get_settings
from app.main import create_app
from tests.helpers import api_client, assert_problem

pytestmark = pytest.mark.anyio

REDIS_URL = "redis://127.0.0.1:6379/0"


# A day's window, aligned on midnight UTC: no test's count is reset half-way.
DAY = 86_400


def limited(database, **settings) -> object:
    limits = {"rate_limit_anonymous": 3, "rate_limit_per_key": 5, "rate_limit_window_seconds": DAY}
    return create_app(Settings(**(limits | settings)), database=database)


async def test_every_response_says_where_the_caller_stands(database):
    async with api_client(limited(database), address="203.0.113.7") as client:
        first = await client.get("/v1/actors")
        second = await client.get("/v1/nowhere")
    assert first.headers["ratelimit-limit"] == "3"
    assert first.headers["ratelimit-policy"] == f"3;w={DAY}"
    assert [first.headers["ratelimit-remaining"], second.headers["ratelimit-remaining"]] == [
        "2",
        "1",
    ]
    assert 0 < int(first.headers["ratelimit-reset"]) <= DAY


async def test_over_the_limit_is_429_with_retry_after(database):
    async with api_client(limited(database), address="203.0.113.7") as client:
        for _ in range(3):
            assert (await client.get("/v1/actors")).status_code == 200
        refused = await client.get("/v1/actors")
    body = assert_problem(refused, 429)
    assert f"3 requests per {DAY} s" in body["detail"]
    assert 0 < int(refused.headers["retry-after"]) <= DAY
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["x-content-type-options"] == "nosniff"


async def test_each_address_and_each_key_has_its_own_count(database, tokens):
    app = limited(database)
    async with (
        api_client(app, address="203.0.113.8") as first,
        api_client(app, address="203.0.113.9") as second,
    ):
        for _ in range(3):
            await first.get("/v1/actors")
        assert (await first.get("/v1/actors")).status_code == 429
        assert (await second.get("/v1/actors")).status_code == 200
    async with api_client(app, tokens["read"], address="203.0.113.8") as keyed:
        statuses = [(await keyed.get("/v1/actors")).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


async def test_invented_tokens_count_against_their_address(database):
    async with api_client(limited(database), address="203.0.113.10") as client:
        statuses = [
            (
                await client.get("/openapi.json", headers={"Authorization": f"Bearer syr_{n}"})
            ).status_code
            for n in range(6)
        ]
    assert statuses == [200, 200, 200, 429, 429, 429]


async def test_a_real_key_is_counted_on_its_own_even_from_a_busy_address(database, tokens):
    app = limited(database)
    async with api_client(app, address="203.0.113.11") as anonymous:
        for _ in range(4):
            await anonymous.get("/v1/actors")
    async with api_client(app, tokens["read"], address="203.0.113.11") as keyed:
        response = await keyed.get("/v1/actors")
    assert response.status_code == 200
    assert response.headers["ratelimit-limit"] == "5"


async def test_health_checks_are_never_limited(database):
    async with api_client(limited(database), address="203.0.113.7") as client:
        statuses = {(await client.get("/health")).status_code for _ in range(5)}
    assert statuses == {200}


async def test_workers_share_one_count_through_redis(database):
    address = f"198.51.100.{uuid.uuid4().int % 250}"
    key_prefix = f"ratelimit:address:{address}:*"
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter(key_prefix):
        store.delete(key)
    one, other = limited(database, redis_url=REDIS_URL), limited(database, redis_url=REDIS_URL)
    async with (
        api_client(one, address=address) as first,
        api_client(other, address=address) as second,
    ):
        statuses = [
            (await first.get("/v1/actors")).status_code,
            (await second.get("/v1/actors")).status_code,
            (await first.get("/v1/actors")).status_code,
            (await second.get("/v1/actors")).status_code,
        ]
    assert statuses == [200, 200, 200, 429]
    assert any(store.scan_iter(key_prefix))
    store.close()


def unique_address() -> str:
    """An address no other test (nor a parallel run) counts against."""
    network = uuid.uuid4().hex
    return f"2001:db8:{network[:4]}:{network[4:8]}::1"


async def test_three_hundred_means_three_hundred_with_four_workers(database):
    address = unique_address()
    workers = [limited(database, redis_url=REDIS_URL, rate_limit_anonymous=300) for _ in range(4)]
    statuses = []
    for _ in range(100):
        for app in workers:
            async with api_client(app, address=address) as client:
                statuses.append((await client.get("/v1/nowhere")).status_code)
    assert statuses.count(404) == 300
    assert statuses.count(429) == 100
    assert set(statuses[300:]) == {429}


def test_the_server_refuses_several_workers_counting_apart(monkeypatch):
    monkeypatch.setenv("WORKERS", "4")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: pytest.fail("served anyway"))
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as refused:
            main(["serve"])
    finally:
        get_settings.cache_clear()
    assert "WORKERS=4 without REDIS_URL" in str(refused.value)


@pytest.mark.parametrize("trusted", [[], ["192.0.2.1"]], ids=["no-proxy", "another-proxy"])
async def test_a_forwarded_address_from_an_untrusted_peer_changes_nothing(database, trusted):
    app = limited(database, forwarded_allow_ips=trusted)
    async with api_client(app, address=unique_address()) as client:
        statuses = [
            (
                await client.get("/v1/actors", headers={"X-Forwarded-For": f"198.51.100.{n}"})
            ).status_code
            for n in range(5)
        ]
    assert statuses == [200, 200, 200, 429, 429]


async def test_an_ipv6_network_counts_as_one_caller(database):
    network = unique_address().removesuffix("::1")
    app = limited(database)
    statuses = []
    for host in range(5):
        async with api_client(app, address=f"{network}::{host + 1:x}") as client:
            statuses.append((await client.get("/v1/actors")).status_code)
    assert statuses == [200, 200, 200, 429, 429]


async def test_a_trusted_proxy_names_each_caller(database):
    proxy = unique_address()
    app = limited(database, forwarded_allow_ips=[proxy])
    callers = [unique_address() for _ in range(5)]
    async with api_client(app, address=proxy) as client:
        statuses = [
            (await client.get("/v1/actors", headers={"X-Forwarded-For": caller})).status_code
            for caller in callers
        ]
        for _ in range(2):
            await client.get("/v1/actors", headers={"X-Forwarded-For": callers[0]})
        fourth = await client.get("/v1/actors", headers={"X-Forwarded-For": callers[0]})
    assert statuses == [200] * 5
    assert fourth.status_code == 429


async def test_without_redis_the_limit_still_holds_in_process(database):
    app = limited(database, redis_url="redis://127.0.0.1:1/0")
    async with api_client(app, address="203.0.113.7") as client:
        statuses = [(await client.get("/v1/actors")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
