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
from app.negotiations.schemas import (
    AgreementCreate,
    AgreementPage,
    AgreementQuery,
    AgreementRead,
    AgreementUpdate,
    ProcessCreate,
    ProcessPage,
    ProcessQuery,
    ProcessRead,
    ProcessUpdate,
    SessionCreate,
    SessionPage,
    SessionQuery,
    SessionRead,
    SessionUpdate,
)
from app.negotiations.service import AgreementService, ProcessService, SessionService

router = APIRouter(route_class=WriteRoute)
PROCESSES = Operations(ProcessService)
SESSIONS = Operations(SessionService)
AGREEMENTS = Operations(AgreementService)


@router.get("/v1/negotiation-processes", **PROCESSES.list(ProcessQuery, ProcessPage))
def list_negotiation_processes(
    query: Annotated[ProcessQuery, Query()], request: Request, session: SessionDep
) -> Response:
    return listing(request, ProcessService(session), query)


@router.post("/v1/negotiation-processes", **PROCESSES.create(ProcessRead))
def create_negotiation_process(
    body: ProcessCreate, session: SessionDep, once: Idempotent
) -> Response:
    return once.create(body, lambda: ProcessService(session).create(body))


@router.get("/v1/negotiation-processes/{record_id}", **PROCESSES.read(ProcessRead))
def read_negotiation_process(
    record_id: uuid.UUID, request: Request, session: SessionDep
) -> Response:
    return fresh(request, ProcessService(session).read(record_id))


@router.patch("/v1/negotiation-processes/{record_id}", **PROCESSES.update(ProcessRead))
def update_negotiation_process(
    record_id: uuid.UUID,
    body: ProcessUpdate,
    session: SessionDep,
    _: Writer,
    if_match: IfMatch = None,
) -> Response:
    return written(ProcessService(session).update(record_id, body, expected_versions(if_match)))


@router.delete("/v1/negotiation-processes/{record_id}", **PROCESSES.delete())
def delete_negotiation_process(
    record_id: uuid.UUID, session: SessionDep, _: Writer, if_match: IfMatch = None
) -> Response:
    ProcessService(session).delete(record_id, expected_versions(if_match))
    return Response(status_code=204)


@router.post("/v1/negotiation-processes/{record_id}/restore", **PROCESSES.restore(ProcessRead))
def restore_negotiation_process(
    record_id: uuid.UUID, session: SessionDep, once: Idempotent, expected: ExpectedIfAny
) -> Response:
    """Undo a delete: the record is live again, at a new version. `If-Match` is optional."""
    return once.restore(lambda: ProcessService(session).restore(record_id, expected))


@router.get("/v1/negotiation-processes/{record_id}/history", **PROCESSES.history())
def negotiation_process_history(
    record_id: uuid.UUID,
    query: Annotated[HistoryQuery, Query()],
    session: SessionDep,
    who: Reader,
) -> ChangesPage:
    """Every change to the record, oldest first: who, when, each field before and after."""
    return history_of(ProcessService(session), record_id, query, who.sees_who_changed)


@router.get("/v1/negotiation-sessions", **SESSIONS.list(SessionQuery, SessionPage))
def list_negotiation_sessions(
    query: Annotated[SessionQuery, Query()], request: Request, session: SessionDep
) -> Response:
    return listing(request, SessionService(session), query)


@router.post("/v1/negotiation-sessions", **SESSIONS.create(SessionRead))
def create_negotiation_session(
    body: SessionCreate, session: SessionDep, once: Idempotent
) -> Response:
    return once.create(body, lambda: SessionService(session).create(body))


@router.get("/v1/negotiation-sessions/{record_id}", **SESSIONS.read(SessionRead))
def read_negotiation_session(
    record_id: uuid.UUID, request: Request, session: SessionDep
) -> Response:
    return fresh(request, SessionService(session).read(record_id))


@router.patch("/v1/negotiation-sessions/{record_id}", **SESSIONS.update(SessionRead))
def update_negotiation_session(
    record_id: uuid.UUID,
    body: SessionUpdate,
    session: SessionDep,
    _: Writer,
    if_match: IfMatch = None,
) -> Response:
    return written(SessionService(session).update(record_id, body, expected_versions(if_match)))


@router.delete("/v1/negotiation-sessions/{record_id}", **SESSIONS.delete())
def delete_negotiation_session(
    record_id: uuid.UUID, session: SessionDep, _: Writer, if_match: IfMatch = None
) -> Response:
    SessionService(session).delete(record_id, expected_versions(if_match))
    return Response(status_code=204)


@router.post("/v1/negotiation-sessions/{record_id}/restore", **SESSIONS.restore(SessionRead))
def restore_negotiation_session(
    record_id: uuid.UUID, session: SessionDep, once: Idempotent, expected: ExpectedIfAny
) -> Response:
    """Undo a delete: the record is live again, at a new version. `If-Match` is optional."""
    return once.restore(lambda: SessionService(session).restore(record_id, expected))


@router.get("/v1/negotiation-sessions/{record_id}/history", **SESSIONS.history())
def negotiation_session_history(
    record_id: uuid.UUID,
    query: Annotated[HistoryQuery, Query()],
    session: SessionDep,
    who: Reader,
) -> ChangesPage:
    """Every change to the record, oldest first: who, when, each field before and after."""
    return history_of(SessionService(session), record_id, query, who.sees_who_changed)


@router.get("/v1/agreements", **AGREEMENTS.list(AgreementQuery, AgreementPage))
def list_agreements(
    query: Annotated[AgreementQuery, Query()], request: Request, session: SessionDep
) -> Response:
    return listing(request, AgreementService(session), query)


@router.post("/v1/agreements", **AGREEMENTS.create(AgreementRead))
def create_agreement(body: AgreementCreate, session: SessionDep, once: Idempotent) -> Response:
    return once.create(body, lambda: AgreementService(session).create(body))


@router.get("/v1/agreements/{record_id}", **AGREEMENTS.read(AgreementRead))
def read_agreement(record_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    return fresh(request, AgreementService(session).read(record_id))


@router.patch("/v1/agreements/{record_id}", **AGREEMENTS.update(AgreementRead))
def update_agreement(
    record_id: uuid.UUID,
    body: AgreementUpdate,
    session: SessionDep,
    _: Writer,
    if_match: IfMatch = None,
) -> Response:
    return written(AgreementService(session).update(record_id, body, expected_versions(if_match)))


@router.delete("/v1/agreements/{record_id}", **AGREEMENTS.delete())
def delete_agreement(
    record_id: uuid.UUID, session: SessionDep, _: Writer, if_match: IfMatch = None
) -> Response:
    AgreementService(session).delete(record_id, expected_versions(if_match))
    return Response(status_code=204)


@router.post("/v1/agreements/{record_id}/restore", **AGREEMENTS.restore(AgreementRead))
def restore_agreement(
    record_id: uuid.UUID, session: SessionDep, once: Idempotent, expected: ExpectedIfAny
) -> Response:
    """Undo a delete: the record is live again, at a new version. `If-Match` is optional."""
    return once.restore(lambda: AgreementService(session).restore(record_id, expected))


@router.get("/v1/agreements/{record_id}/history", **AGREEMENTS.history())
def agreement_history(
    record_id: uuid.UUID,
    query: Annotated[HistoryQuery, Query()],
    session: SessionDep,
    who: Reader,
) -> ChangesPage:
    """Every change to the record, oldest first: who, when, each field before and after."""
    return history_of(AgreementService(session), record_id, query, who.sees_who_changed)
