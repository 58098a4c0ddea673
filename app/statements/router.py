from fastapi import APIRouter

from app.core.errors import problem_responses
from app.core.routing import crud_router
from app.statements.codes import STATEMENT_TYPES
from app.statements.schemas import (
    StatementQuery,
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
        path="/v1/statements",
        tag="statements",
        singular="statement",
        service=StatementService,
        query=StatementQuery,
    )
)
