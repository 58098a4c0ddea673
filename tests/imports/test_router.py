"""`POST /v1/imports`: the file as the body, a job answered at once (202) and run in the
background, its state in the database at `/v1/imports/{id}`."""

from pathlib import Path

import pytest

from app.core.config import Settings
from app.main import create_app
from tests.helpers import api_client, assert_problem

pytestmark = pytest.mark.anyio
ACLED = (Path(__file__).parent / "files" / "acled.csv").read_bytes()
CSV = {"content-type": "text/csv"}


async def sent(client, body, **params):
    params = {"format": "acled", **params}
    return await client.post("/v1/imports", params=params, content=body, headers=CSV)


async def test_a_file_is_imported_in_the_background_and_its_job_reports(client):
    response = await sent(client, ACLED, file_name="acled.csv")
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/v1/imports/{job['id']}"
    assert (job["format"], job["mode"], job["file_name"], job["size_bytes"]) == (
        "acled", "all-or-nothing", "acled.csv", len(ACLED),
    )  # fmt: skip
    assert job["submitted_by"] == "admin tester"

    finished = (await client.get(response.headers["location"])).json()
    assert (finished["status"], finished["rows"], finished["error"]) == ("succeeded", 3, None)
    assert finished["finished_at"] is not None
    report = finished["report"]
    assert (report["created"], report["bad"], report["file"]) == (3, 0, "acled.csv")
    found = await client.get("/v1/incidents", params={"external_id": "acled:SYR23201"})
    assert len(found.json()["data"]) == 1


async def test_a_bad_row_fails_the_job_and_writes_nothing(client):
    bad = ACLED.replace(b"2017-01-23,2017,2,", b"yesterday,2017,2,")
    job = (await sent(client, bad)).json()
    finished = (await client.get(f"/v1/imports/{job['id']}")).json()
    assert finished["status"] == "failed"
    assert finished["report"]["bad_rows"] == [
        {"line": 4, "reason": "event_date: not a date: 'yesterday'"}
    ]
    found = await client.get("/v1/incidents", params={"external_id": "acled:SYR23201"})
    assert found.json()["data"] == []


async def test_skip_bad_and_pins_are_parameters(client):
    helmets = (await client.get("/v1/actors", params={"q": "White Helmets"})).json()["data"][0]
    bad = ACLED.replace(b"2017-01-23,2017,2,", b"yesterday,2017,2,")
    pin = f"Syrian Civil Defense={helmets['id']}"
    job = (await sent(client, bad, mode="skip-bad", pin=pin)).json()
    finished = (await client.get(f"/v1/imports/{job['id']}")).json()
    assert (finished["status"], finished["report"]["created"]) == ("succeeded", 2)
    assert finished["report"]["actors"]["matched"]["Syrian Civil Defense"]["actor_name"] == (
        "White Helmets"
    )


async def test_a_file_that_is_not_utf8_fails_with_the_reason(client):
    job = (await sent(client, "event_id_cnty\nSYR1 café\n".encode("cp1252"))).json()
    finished = (await client.get(f"/v1/imports/{job['id']}")).json()
    assert finished["status"] == "failed"
    assert finished["error"].startswith("not UTF-8 text")


async def test_an_import_needs_a_write_key(database, tokens, anonymous):
    assert_problem(await sent(anonymous, ACLED), 401)
    app = create_app(Settings(), database=database)
    async with api_client(app, tokens["read"]) as reader:
        assert_problem(await sent(reader, ACLED), 403)
        assert_problem(await reader.get(f"/v1/imports/{'0' * 8}-0000-0000-0000-{'0' * 12}"), 403)


async def test_bad_requests_are_422s_and_unknown_jobs_404s(client):
    assert_problem(await sent(client, b""), 422, "body")
    assert_problem(await sent(client, ACLED, format="gdelt"), 422, "format")
    assert_problem(await sent(client, ACLED, pin="Hezbollah"), 422, "pin")
    unknown = f"/v1/imports/{'0' * 8}-0000-0000-0000-{'0' * 12}"
    assert_problem(await client.get(unknown), 404)


async def test_an_import_may_be_larger_than_other_bodies(client, database, tokens):
    app = create_app(Settings(max_body_bytes=100, import_max_bytes=len(ACLED)), database=database)
    async with api_client(app, tokens["write"]) as writer:
        assert (await sent(writer, ACLED)).status_code == 202
        assert_problem(await sent(writer, ACLED + b"\n"), 413)
