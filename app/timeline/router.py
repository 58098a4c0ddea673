import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from app.core.database import SessionDep
from app.core.errors import problem_responses
from app.timeline.schemas import TimelinePage, TimelineQuery
from app.timeline.service import timeline

router = APIRouter()


@router.get("/v1/actors/{record_id}/timeline", tags=["actors"], operation_id="actor_timeline",
            response_model=TimelinePage,
            responses=problem_responses(404, 422, 500, 503))  # fmt: skip
def actor_timeline(
    record_id: uuid.UUID, query: Annotated[TimelineQuery, Query()], session: SessionDep
) -> JSONResponse:
    """One chronology of the actor's statements, incidents and negotiation sessions."""
    return JSONResponse(timeline(session, record_id, query))
