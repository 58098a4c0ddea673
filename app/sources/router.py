import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.access import Reader, Writer
from app.api.conditional import ExpectedIfAny, IfMatch, expected_versions, fresh, written
from app.api.exports import listing
from app.api.idempotency import Idempotent
from app.api.operations import Operations
from app.api.writes import WriteRoute
from app.core.database import SessionDep
from app.history.schemas import ChangesPage, HistoryQuery
from app.history.service import history_of
from app.sources.schemas import SourceCreate, SourcePage, SourceQuery, SourceRead, SourceUpdate
from app.sources.service import SourceService

router = APIRouter(route_class=WriteRoute)
SOURCES = Operations(SourceService)


@router.get("/v1/sources", **SOURCES.list(SourceQuery, SourcePage))
def list_sources(
    query: Annotated[SourceQuery, Query()], request: Request, session: SessionDep
) -> Response:
    return listing(request, SourceService(session), query)


@router.post("/v1/sources", **SOURCES.create(SourceRead))
def create_source(body: SourceCreate, session: SessionDep, once: Idempotent) -> Response:
    return once.create(body, lambda: SourceService(session).create(body))


@router.get("/v1/sources/{record_id}", **SOURCES.read(SourceRead))
def read_source(record_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    return fresh(request, SourceService(session).read(record_id))


@router.patch("/v1/sources/{record_id}", **SOURCES.update(SourceRead))
def update_source(
    record_id: uuid.UUID,
    body: SourceUpdate,
    session: SessionDep,
    _: Writer,
    if_match: IfMatch = None,
) -> Response:
    return written(SourceService(session).update(record_id, body, expected_versions(if_match)))


@router.delete("/v1/sources/{record_id}", **SOURCES.delete())
def delete_source(
    record_id: uuid.UUID, session: SessionDep, _: Writer, if_match: IfMatch = None
) -> Response:
    SourceService(session).delete(record_id, expected_versions(if_match))
    return Response(status_code=204)


@router.post("/v1/sources/{record_id}/restore", **SOURCES.restore(SourceRead))
def restore_source(
    record_id: uuid.UUID, session: SessionDep, once: Idempotent, expected: ExpectedIfAny
) -> Response:
    """Undo a delete: the record is live again, at a new version. `If-Match` is optional."""
    return once.restore(lambda: SourceService(session).restore(record_id, expected))


@router.get("/v1/sources/{record_id}/history", **SOURCES.history())
def source_history(
    record_id: uuid.UUID,
    query: Annotated[HistoryQuery, Query()],
    session: SessionDep,
    who: Reader,
) -> ChangesPage:
    """Every change to the record, oldest first: who, when, each field before and after."""
    return history_of(SourceService(session), record_id, query, who.sees_who_changed)
