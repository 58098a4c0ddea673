import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.actors.schemas import ActorCreate, ActorPage, ActorQuery, ActorRead, ActorUpdate
from app.actors.service import ActorService
from app.api.access import Reader, Writer
from app.api.conditional import ExpectedIfAny, IfMatch, expected_versions, fresh, written
from app.api.exports import listing
from app.api.idempotency import Idempotent
from app.api.operations import Operations
from app.api.writes import WriteRoute
from app.core.database import SessionDep
from app.history.schemas import ChangesPage, HistoryQuery
from app.history.service import history_of

router = APIRouter(route_class=WriteRoute)
ACTORS = Operations(ActorService)


@router.get("/v1/actors", **ACTORS.list(ActorQuery, ActorPage))
def list_actors(
    query: Annotated[ActorQuery, Query()], request: Request, session: SessionDep
) -> Response:
    return listing(request, ActorService(session), query)


@router.post("/v1/actors", **ACTORS.create(ActorRead))
def create_actor(body: ActorCreate, session: SessionDep, once: Idempotent) -> Response:
    return once.create(body, lambda: ActorService(session).create(body))


@router.get("/v1/actors/{record_id}", **ACTORS.read(ActorRead))
def read_actor(record_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    return fresh(request, ActorService(session).read(record_id))


@router.patch("/v1/actors/{record_id}", **ACTORS.update(ActorRead))
def update_actor(
    record_id: uuid.UUID,
    body: ActorUpdate,
    session: SessionDep,
    _: Writer,
    if_match: IfMatch = None,
) -> Response:
    return written(ActorService(session).update(record_id, body, expected_versions(if_match)))


@router.delete("/v1/actors/{record_id}", **ACTORS.delete())
def delete_actor(
    record_id: uuid.UUID, session: SessionDep, _: Writer, if_match: IfMatch = None
) -> Response:
    ActorService(session).delete(record_id, expected_versions(if_match))
    return Response(status_code=204)


@router.post("/v1/actors/{record_id}/restore", **ACTORS.restore(ActorRead))
def restore_actor(
    record_id: uuid.UUID, session: SessionDep, once: Idempotent, expected: ExpectedIfAny
) -> Response:
    """Undo a delete: the record is live again, at a new version. `If-Match` is optional."""
    return once.restore(lambda: ActorService(session).restore(record_id, expected))


@router.get("/v1/actors/{record_id}/history", **ACTORS.history())
def actor_history(
    record_id: uuid.UUID,
    query: Annotated[HistoryQuery, Query()],
    session: SessionDep,
    who: Reader,
) -> ChangesPage:
    """Every change to the record, oldest first: who, when, each field before and after."""
    return history_of(ActorService(session), record_id, query, who.sees_who_changed)
