from typing import Annotated

from fastapi import APIRouter, Query

from app.core.database import SessionDep
from app.core.errors import problem_responses
from app.core.routing import crud_router
from app.core.stats import STATS_RESPONSES, Stats, stats_response
from app.statements.codes import STATEMENT_TYPES
from app.statements.schemas import (
    StatementQuery,
    StatementStatsQuery,
    StatementTypeRead,
)
from app.statements.service import StatementService

router = APIRouter()


@router.get(
    "/v1/statement-types",
    tags=["statements"],
    operation_id="list_statement_types",
    responses=problem_responses(500),
)
def list_statement_types() -> list[StatementTypeRead]:
    """List the statement type codes (CAMEO-like), broader codes first."""
    return [StatementTypeRead.model_validate(item) for item in STATEMENT_TYPES]


router.include_router(
    crud_router(
        singular="statement",
        service=StatementService,
        query=StatementQuery,
    )
)


@router.get(
    "/v1/stats/statements",
    tags=["stats"],
    operation_id="statement_stats",
    responses=STATS_RESPONSES,
)
def statement_stats(params: Annotated[StatementStatsQuery, Query()], session: SessionDep) -> Stats:
    """Count statements per group; takes every statement filter."""
    keys, rows = StatementService(session).stats(params)
    return stats_response(keys, rows, params.format, "statement-stats")  # type: ignore[return-value]
