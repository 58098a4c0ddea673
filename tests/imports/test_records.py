"""Our own NDJSON exports back in: every collection exported and imported into an empty
database answers exactly as the database it came from (ids, times, versions, links)."""

import io
import json

import pytest

from app.core.config import Settings
from app.core.database import Database, build_engine
from app.core.migrations import upgrade
from app.imports.records import SERVICES
from app.imports.service import import_file
from app.main import create_app
from tests.databases import fresh_database_url
from tests.helpers import all_pages, api_client

pytestmark = pytest.mark.anyio


async def exported(client, collection):
    return (await client.get(f"/v1/{collection}", params={"format": "ndjson"})).text


async def everything(client):
    return {collection: await all_pages(client, f"/v1/{collection}") for collection in SERVICES}


async def test_exports_imported_into_an_empty_database_answer_the_same(client):
    files = {collection: await exported(client, collection) for collection in SERVICES}
    with fresh_database_url() as url:
        engine = build_engine(url)
        try:
            upgrade(engine)
            database = Database(engine)
            for collection, text in files.items():
                report = import_file(database, io.StringIO(text), "ndjson",
                                     file_name=f"{collection}.ndjson")  # fmt: skip
                assert (report.status, report.bad) == ("succeeded", 0), report.bad_rows
                assert report.created == len(text.splitlines())
            async with api_client(create_app(Settings(), database=database)) as copy:
                assert await everything(copy) == await everything(client)
                again = import_file(database, io.StringIO(files["incidents"]), "ndjson",
                                    file_name="incidents.ndjson")  # fmt: skip
                assert (again.created, again.unchanged) == (0, len(files["incidents"].splitlines()))
        finally:
            engine.dispose()


async def test_a_file_holds_whole_records_of_one_collection(client, database):
    actors = await exported(client, "actors")
    sources = await exported(client, "sources")
    partial = await client.get("/v1/actors", params={"format": "ndjson", "fields": "id,name"})
    text = actors.splitlines()[0] + "\n" + sources + partial.text.splitlines()[0] + "\n{oops\n"
    report = import_file(database, io.StringIO(text), "ndjson", file_name="mixed.ndjson")
    assert report.status == "failed"
    assert [(row.line, row.reason) for row in report.bad_rows] == [
        (2, "a record of sources in a file of actors"),
        (3, "not a record of any collection: export whole records (no `fields=`)"),
        (4, "not JSON: Expecting property name enclosed in double quotes"),
    ]


async def test_a_refused_record_leaves_nothing_in_skip_bad_mode(client, database):
    (first, second, *_) = (await exported(client, "incidents")).splitlines()
    taken = json.loads(first)["external_ids"] | {"acled": "SYR1"}
    await client.patch(f"/v1/incidents/{json.loads(first)['id']}", json={"external_ids": taken},
                       headers={"If-Match": f'"{json.loads(first)["version"]}"'})  # fmt: skip
    clash = json.loads(second) | {"description": "changed", "external_ids": {"acled": "SYR1"}}
    report = import_file(database, io.StringIO(json.dumps(clash) + "\n"), "ndjson",
                         file_name="i.ndjson", mode="skip-bad")  # fmt: skip
    assert (report.bad, report.updated) == (1, 0)
    shown = (await client.get(f"/v1/incidents/{clash['id']}")).json()
    assert (shown["description"], shown["version"]) == (json.loads(second)["description"],
                                                        json.loads(second)["version"])  # fmt: skip


async def test_a_record_without_its_stamps_is_refused(client, database):
    line = json.loads((await exported(client, "sources")).splitlines()[0]) | {"version": "two"}
    report = import_file(database, io.StringIO(json.dumps(line)), "ndjson", file_name="s.ndjson")
    assert report.bad_rows[0].reason.startswith("version: Input should be a valid integer")
