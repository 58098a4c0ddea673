"""One read shape per resource: pages, reads and exports show a record alike, exactly as
its read schema does, and CSV cells are the same whoever writes them."""

import json

import pytest

from app.actors.schemas import ActorQuery
from app.actors.service import ActorService
from app.core.shapes import csv_columns, csv_text
from app.incidents.schemas import IncidentQuery, IncidentRead
from app.incidents.service import IncidentService
from app.negotiations.schemas import AgreementQuery, ProcessQuery, SessionQuery
from app.negotiations.service import AgreementService, ProcessService, SessionService
from app.sources.schemas import SourceQuery
from app.sources.service import SourceService
from app.statements.schemas import StatementQuery
from app.statements.service import StatementService
from tests.helpers import COLLECTIONS, actor_id, all_pages, source_id

pytestmark = pytest.mark.anyio

LISTED = {
    "sources": (SourceService, SourceQuery),
    "actors": (ActorService, ActorQuery),
    "statements": (StatementService, StatementQuery),
    "incidents": (IncidentService, IncidentQuery),
    "negotiation-processes": (ProcessService, ProcessQuery),
    "negotiation-sessions": (SessionService, SessionQuery),
    "agreements": (AgreementService, AgreementQuery),
}


async def test_fast_incident_lists_and_exports_match_the_read_schema_exactly(client):
    agreements = (await client.get("/v1/agreements")).json()["data"]
    agreement = next(a for a in agreements if a["kind"] == "ceasefire")
    body = {
        "type": "shelling",
        "start_date": "2017-01-24",
        "violated_agreement_id": agreement["id"],
        "place": {"name": "Ain al-Fijah", "latitude": 33.614, "longitude": 36.196},
    }
    await client.post("/v1/incidents", json=body)
    listed = await all_pages(client, "/v1/incidents", limit=2)
    export = await client.get("/v1/incidents", params={"format": "ndjson"})
    read = [(await client.get(f"/v1/incidents/{row['id']}")).json() for row in listed]
    assert listed == read
    assert [json.loads(line) for line in export.text.splitlines()] == read
    # Rows are written without pydantic: each is what IncidentRead itself would write.
    assert [IncidentRead.model_validate(row).model_dump(mode="json") for row in read] == read


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_every_row_is_what_its_read_schema_writes(client, collection):
    rows = await all_pages(client, f"/v1/{collection}")
    read = LISTED[collection][0].repository_class.shape.read
    assert [read.model_validate(row).model_dump(mode="json") for row in rows] == rows


async def test_csv_is_the_same_however_the_engine_writes_it(client, database):
    """PostgreSQL writes incident CSV itself (COPY); it must match the portable writer."""
    tricky = {
        "type": "shelling",
        "start_date": "2017-01-24",
        "description": 'a "quoted", comma\nline',
        "place": {"name": "دوما", "latitude": 33.5712, "longitude": 36.4021},
        "actors": [{"actor_id": await actor_id(client, "Hezbollah"), "role": "perpetrator"}],
        "citations": [{"source_id": await source_id(client)}],
    }
    await client.post("/v1/incidents", json=tricky)
    query = IncidentQuery.model_validate({"format": "csv"})
    with database.sessions() as session:
        portable = "".join(
            csv_text(IncidentService(session).export(query), csv_columns(IncidentRead, None))
        )

    served = await client.get("/v1/incidents", params={"format": "csv"})

    assert served.text == portable


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_every_list_has_the_same_csv_however_the_engine_writes_it(
    client, database, collection
):
    """On PostgreSQL, COPY writes what it can: every list but those holding JSON documents."""
    service_class, query_class = LISTED[collection]
    served = await client.get(f"/v1/{collection}", params={"format": "csv"})
    with database.sessions() as session:
        service = service_class(session)
        columns = csv_columns(service.read_schema, None)
        portable = "".join(csv_text(service.export(query_class()), columns))
    assert served.text == portable


ONE_NULLABLE_FIELD = {
    "sources": "author",
    "actors": "country",
    "statements": "time",
    "incidents": "sub_type",
    "negotiation-processes": "description",
    "negotiation-sessions": "round",
    "agreements": "date",
}


@pytest.mark.parametrize("collection", COLLECTIONS)
async def test_a_csv_of_one_field_keeps_a_line_for_every_null(client, database, collection):
    field = ONE_NULLABLE_FIELD[collection]
    service_class, query_class = LISTED[collection]
    served = await client.get(f"/v1/{collection}", params={"format": "csv", "fields": field})
    with database.sessions() as session:
        service = service_class(session)
        columns = csv_columns(service.read_schema, [field])
        portable = "".join(csv_text(service.export(query_class()), columns))
    everything = await all_pages(client, f"/v1/{collection}")
    assert served.text == portable
    assert len(served.text.splitlines()) == 1 + len(everything)
