from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core.database import SessionDep
from app.core.errors import ServiceUnavailable, problem_responses

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/health", operation_id="health", responses=problem_responses(500, 503))
def health(session: SessionDep) -> Health:
    """Report whether the service can reach its database."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise ServiceUnavailable("The database is unreachable.") from exc
    return Health(status="ok", database=session.get_bind().dialect.name)
