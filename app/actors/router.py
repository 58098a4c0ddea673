import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.actors.schemas import ActorQuery
from app.actors.service import ActorService
from app.actors.timeline import TimelinePage, TimelineQuery, timeline
from app.core.database import SessionDep
from app.core.errors import problem_responses
from app.core.routing import crud_router

router = APIRouter()


@router.get(
    "/v1/actors/{record_id}/timeline",
    tags=["actors"],
    operation_id="actor_timeline",
    responses=problem_responses(404, 422, 500, 503),
)
def actor_timeline(
    record_id: uuid.UUID, params: Annotated[TimelineQuery, Query()], session: SessionDep
) -> TimelinePage:
    """One chronology of the actor's statements, incidents and negotiation sessions."""
    return timeline(session, record_id, params)


router.include_router(
    crud_router(
        singular="actor",
        service=ActorService,
        query=ActorQuery,
    )
)
