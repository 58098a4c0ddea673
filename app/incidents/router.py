import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.access import Reader, Writer
from app.api.conditional import ExpectedIfAny, IfMatch, expected_versions, fresh, written
from app.api.exports import listing, stats_response
from app.api.idempotency import Idempotent
from app.api.operations import STATS_RESPONSES, Operations
from app.api.writes import WriteRoute
from app.core.database import SessionDep
from app.history.schemas import ChangesPage, HistoryQuery
from app.history.service import history_of
from app.incidents.schemas import (
    IncidentCreate,
    IncidentPage,
    IncidentQuery,
    IncidentRead,
    IncidentStats,
    IncidentStatsQuery,
    IncidentUpdate,
)
from app.incidents.service import IncidentService

router = APIRouter(route_class=WriteRoute)
INCIDENTS = Operations(IncidentService)


@router.get("/v1/incidents", **INCIDENTS.list(IncidentQuery, IncidentPage))
def list_incidents(
    query: Annotated[IncidentQuery, Query()], request: Request, session: SessionDep
) -> Response:
    return listing(request, IncidentService(session), query)


@router.post("/v1/incidents", **INCIDENTS.create(IncidentRead))
def create_incident(body: IncidentCreate, session: SessionDep, once: Idempotent) -> Response:
    return once.create(body, lambda: IncidentService(session).create(body))


@router.get("/v1/incidents/{record_id}", **INCIDENTS.read(IncidentRead))
def read_incident(record_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    return fresh(request, IncidentService(session).read(record_id))


@router.patch("/v1/incidents/{record_id}", **INCIDENTS.update(IncidentRead))
def update_incident(
    record_id: uuid.UUID,
    body: IncidentUpdate,
    session: SessionDep,
    _: Writer,
    if_match: IfMatch = None,
) -> Response:
    return written(IncidentService(session).update(record_id, body, expected_versions(if_match)))


@router.delete("/v1/incidents/{record_id}", **INCIDENTS.delete())
def delete_incident(
    record_id: uuid.UUID, session: SessionDep, _: Writer, if_match: IfMatch = None
) -> Response:
    IncidentService(session).delete(record_id, expected_versions(if_match))
    return Response(status_code=204)


@router.post("/v1/incidents/{record_id}/restore", **INCIDENTS.restore(IncidentRead))
def restore_incident(
    record_id: uuid.UUID, session: SessionDep, once: Idempotent, expected: ExpectedIfAny
) -> Response:
    """Undo a delete: the record is live again, at a new version. `If-Match` is optional."""
    return once.restore(lambda: IncidentService(session).restore(record_id, expected))


@router.get("/v1/incidents/{record_id}/history", **INCIDENTS.history())
def incident_history(
    record_id: uuid.UUID,
    query: Annotated[HistoryQuery, Query()],
    session: SessionDep,
    who: Reader,
) -> ChangesPage:
    """Every change to the record, oldest first: who, when, each field before and after."""
    return history_of(IncidentService(session), record_id, query, who.sees_who_changed)


@router.get("/v1/stats/incidents", tags=["stats"], operation_id="incident_stats",
            response_model=IncidentStats, responses=STATS_RESPONSES)  # fmt: skip
def incident_stats(
    request: Request, query: Annotated[IncidentStatsQuery, Query()], session: SessionDep
) -> Response:
    """Count incidents and sum their casualties per group; takes every incident filter."""
    keys, groups = IncidentService(session).stats(query)
    return stats_response(request, keys, groups, query.format, "incident-stats")
