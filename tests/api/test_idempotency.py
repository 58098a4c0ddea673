"""Idempotency-Key, against a database that really commits: no retry writes twice, and a
failed write frees its key."""

import asyncio
import contextlib
import hashlib
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from anyio import CapacityLimiter
from sqlalchemy import select, update

from app.api.idempotency import ABANDONED_AFTER, Claim, IdempotentRequest
from app.core.config import Settings
from app.core.database import utcnow
from app.incidents.schemas import IncidentCreate
from app.incidents.service import IncidentService
from app.keys.models import ApiKey
from app.main import create_app
from tests.databases import Committed, committed_database
from tests.helpers import all_pages, api_client, assert_problem

pytestmark = pytest.mark.anyio


INCIDENT = {
    "type": "airstrike",
    "start_date": "2017-01-24",
    "end_date": "2017-01-24",
    "place": {"name": "Wadi Barada"},
    "description": "Strikes on the valley.",
}


@pytest.fixture(scope="module")
def committed() -> Iterator[Committed]:
    with committed_database("desk one", "desk two") as committed:
        yield committed


@pytest.fixture
async def desk(committed) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(), database=committed.database)
    async with api_client(app, committed.tokens["desk one"]) as client:
        yield client


async def test_twenty_identical_retries_create_one_record(desk):
    body = {**INCIDENT, "description": "Retried twenty times."}
    headers = {"Idempotency-Key": "retry-storm-1"}

    responses = await asyncio.gather(
        *(desk.post("/v1/incidents", json=body, headers=headers) for _ in range(20))
    )

    statuses = [response.status_code for response in responses]
    assert set(statuses) <= {201, 409}, statuses
    created = {response.json()["id"] for response in responses if response.status_code == 201}
    assert len(created) == 1
    stored = await all_pages(desk, "/v1/incidents", q="Retried twenty times")
    assert [incident["id"] for incident in stored] == list(created)
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409)


async def test_a_retry_gets_the_first_response_without_writing_again(desk):
    body = {**INCIDENT, "description": "Sent twice."}
    headers = {"Idempotency-Key": "sent-twice"}

    first = await desk.post("/v1/incidents", json=body, headers=headers)
    again = await desk.post("/v1/incidents", json=body, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert len(await all_pages(desk, "/v1/incidents", q="Sent twice")) == 1


@pytest.mark.parametrize("key", ["a\x00b", "with space", "x" * 256])
async def test_an_idempotency_key_is_printable_and_bounded(desk, key):
    response = await desk.post("/v1/incidents", json=INCIDENT, headers={"Idempotency-Key": key})
    assert_problem(response, 422, "idempotency-key")


async def test_the_same_key_with_another_body_is_422(desk):
    headers = {"Idempotency-Key": "reused"}
    await desk.post("/v1/incidents", json={**INCIDENT, "description": "One."}, headers=headers)
    response = await desk.post(
        "/v1/incidents", json={**INCIDENT, "description": "Another."}, headers=headers
    )
    assert_problem(response, 422, "idempotency-key")
    assert await all_pages(desk, "/v1/incidents", q="Another") == []


async def test_keys_belong_to_the_api_key_that_sent_them(committed, desk):
    body = {**INCIDENT, "description": "Two desks."}
    headers = {"Idempotency-Key": "shared-name"}
    app = create_app(Settings(), database=committed.database)
    async with api_client(app, committed.tokens["desk two"]) as other:
        first = await desk.post("/v1/incidents", json=body, headers=headers)
        second = await other.post("/v1/incidents", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]


async def test_a_repeat_while_the_first_runs_is_409(committed, monkeypatch):
    # Two writes at once, as on PostgreSQL (or from two workers on SQLite).
    app = create_app(Settings(), database=committed.database)
    app.state.writer_threads = CapacityLimiter(2)
    create = IncidentService.create
    writing = threading.Event()

    def slow_create(self: IncidentService, data: Any) -> Any:
        writing.set()  # the key is claimed: the write is under way
        time.sleep(0.5)
        return create(self, data)

    monkeypatch.setattr(IncidentService, "create", slow_create)
    body = {**INCIDENT, "description": "Slow."}
    headers = {"Idempotency-Key": "slow-one"}

    async with api_client(app, committed.tokens["desk one"]) as desk:
        first = asyncio.ensure_future(desk.post("/v1/incidents", json=body, headers=headers))
        assert await asyncio.to_thread(writing.wait, 10)
        repeat = await desk.post("/v1/incidents", json=body, headers=headers)

        assert_problem(repeat, 409)
        assert (await first).status_code == 201
        assert (await desk.post("/v1/incidents", json=body, headers=headers)).status_code == 201


async def test_exactly_one_retry_takes_over_an_abandoned_claim(committed, desk):
    """A request died holding its key: of the retries that find it, one writes."""
    body = {**INCIDENT, "description": "Died half-way."}
    with committed.database.sessions() as session:
        owner = session.scalar(select(ApiKey.id).where(ApiKey.name == "desk one"))
        abandoned = IdempotentRequest(
            api_key_id=owner,
            key="after-a-crash",
            claim="held-by-the-dead",
            fingerprint=_fingerprint_of("/v1/incidents", body),
            created_at=utcnow() - ABANDONED_AFTER - timedelta(seconds=1),
        )
        session.add(abandoned)
        session.commit()
    headers = {"Idempotency-Key": "after-a-crash"}

    responses = await asyncio.gather(
        *(desk.post("/v1/incidents", json=body, headers=headers) for _ in range(8))
    )

    statuses = [response.status_code for response in responses]
    assert set(statuses) <= {201, 409} and 201 in statuses, statuses
    assert len(await all_pages(desk, "/v1/incidents", q="Died half-way")) == 1


def _fingerprint_of(path: str, body: dict[str, Any]) -> str:
    """The fingerprint the service gives a POST of `body` to `path`."""
    payload = IncidentCreate.model_validate(body).model_dump_json()
    return hashlib.sha256(f"POST {path}\n{payload}".encode()).hexdigest()


async def test_a_failed_write_frees_its_key_for_the_retry(desk):
    nobody = "00000000-0000-4000-8000-000000000000"
    headers = {"Idempotency-Key": "fix-and-retry"}
    bad = {
        **INCIDENT,
        "description": "Fixed.",
        "actors": [{"actor_id": nobody, "role": "perpetrator"}],
    }
    for _ in range(2):  # the retry runs again rather than finding the key taken
        response = await desk.post("/v1/incidents", json=bad, headers=headers)
        assert_problem(response, 422, "actors.0.actor_id")
    assert len(await all_pages(desk, "/v1/incidents", q="Fixed")) == 0


async def test_a_request_cancelled_before_its_commit_gives_its_key_back(monkeypatch):
    """Cancelled between storing its response and committing (a client gone, a server
    stopping), the request's write is rolled back, and only then its key released."""
    with committed_database("desk", statement_timeout=5) as bounded:
        app = create_app(Settings(), database=bounded.database)
        async with api_client(app, bounded.tokens["desk"]) as client:
            complete = Claim.complete
            completed = threading.Event()

            def complete_then_wait(self: Claim, session: Any, response: Any) -> None:
                complete(self, session, response)
                completed.set()
                time.sleep(0.5)

            monkeypatch.setattr(Claim, "complete", complete_then_wait)
            body = {**INCIDENT, "description": "Cancelled half-way."}
            headers = {"Idempotency-Key": "cancelled"}
            request = asyncio.ensure_future(
                client.post("/v1/incidents", json=body, headers=headers)
            )
            assert await asyncio.to_thread(completed.wait, 10)
            request.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await request
            monkeypatch.undo()

            retry = await client.post("/v1/incidents", json=body, headers=headers)

            assert retry.status_code == 201, retry.text
            assert len(await all_pages(client, "/v1/incidents", q="Cancelled half-way")) == 1


async def test_a_stored_replay_never_repeats_a_forged_host(desk):
    body = {**INCIDENT, "description": "Sent through a forged host."}
    headers = {"Idempotency-Key": "forged-host"}

    first = await desk.post("/v1/incidents", json=body, headers={**headers, "Host": "evil.example"})
    again = await desk.post("/v1/incidents", json=body, headers=headers)

    assert first.headers["location"] == f"/v1/incidents/{first.json()['id']}"
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"


async def test_a_replay_stored_with_a_forged_host_is_given_back_relative(committed, desk):
    body = {**INCIDENT, "description": "Stored before links were relative."}
    headers = {"Idempotency-Key": "stored-absolute"}
    first = await desk.post("/v1/incidents", json=body, headers=headers)
    path = first.headers["location"]
    with committed.database.sessions() as session:
        session.execute(
            update(IdempotentRequest)
            .where(IdempotentRequest.key == "stored-absolute")
            .values(headers={"Location": f"http://evil.example{path}", "ETag": '"1"'})
        )
        session.commit()

    again = await desk.post("/v1/incidents", json=body, headers=headers)

    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == path
