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
from app.core.errors import problem_responses
from app.history.schemas import ChangesPage, HistoryQuery
from app.history.service import history_of
from app.statements.codes import STATEMENT_TYPES
from app.statements.schemas import (
    StatementCreate,
    StatementPage,
    StatementQuery,
    StatementRead,
    StatementStats,
    StatementStatsQuery,
    StatementTypeRead,
    StatementUpdate,
)
from app.statements.service import StatementService

router = APIRouter(route_class=WriteRoute)


@router.get("/v1/statement-types", tags=["statements"], operation_id="list_statement_types",
            responses=problem_responses(500))  # fmt: skip
def list_statement_types() -> list[StatementTypeRead]:
    """List the statement type codes (CAMEO-like), broader codes first."""
    return [StatementTypeRead.model_validate(item) for item in STATEMENT_TYPES]


STATEMENTS = Operations(StatementService)


@router.get("/v1/statements", **STATEMENTS.list(StatementQuery, StatementPage))
def list_statements(
    query: Annotated[StatementQuery, Query()], request: Request, session: SessionDep
) -> Response:
    return listing(request, StatementService(session), query)


@router.post("/v1/statements", **STATEMENTS.create(StatementRead))
def create_statement(body: StatementCreate, session: SessionDep, once: Idempotent) -> Response:
    return once.create(body, lambda: StatementService(session).create(body))


@router.get("/v1/statements/{record_id}", **STATEMENTS.read(StatementRead))
def read_statement(record_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    return fresh(request, StatementService(session).read(record_id))


@router.patch("/v1/statements/{record_id}", **STATEMENTS.update(StatementRead))
def update_statement(
    record_id: uuid.UUID,
    body: StatementUpdate,
    session: SessionDep,
    _: Writer,
    if_match: IfMatch = None,
) -> Response:
    return written(StatementService(session).update(record_id, body, expected_versions(if_match)))


@router.delete("/v1/statements/{record_id}", **STATEMENTS.delete())
def delete_statement(
    record_id: uuid.UUID, session: SessionDep, _: Writer, if_match: IfMatch = None
) -> Response:
    StatementService(session).delete(record_id, expected_versions(if_match))
    return Response(status_code=204)


@router.post("/v1/statements/{record_id}/restore", **STATEMENTS.restore(StatementRead))
def restore_statement(
    record_id: uuid.UUID, session: SessionDep, once: Idempotent, expected: ExpectedIfAny
) -> Response:
    """Undo a delete: the record is live again, at a new version. `If-Match` is optional."""
    return once.restore(lambda: StatementService(session).restore(record_id, expected))


@router.get("/v1/statements/{record_id}/history", **STATEMENTS.history())
def statement_history(
    record_id: uuid.UUID,
    query: Annotated[HistoryQuery, Query()],
    session: SessionDep,
    who: Reader,
) -> ChangesPage:
    """Every change to the record, oldest first: who, when, each field before and after."""
    return history_of(StatementService(session), record_id, query, who.sees_who_changed)


@router.get("/v1/stats/statements", tags=["stats"], operation_id="statement_stats",
            response_model=StatementStats, responses=STATS_RESPONSES)  # fmt: skip
def statement_stats(
    request: Request, query: Annotated[StatementStatsQuery, Query()], session: SessionDep
) -> Response:
    """Count statements per group; takes every statement filter."""
    keys, groups = StatementService(session).stats(query)
    return stats_response(request, keys, groups, query.format, "statement-stats")
