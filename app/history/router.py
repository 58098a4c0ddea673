from typing import Annotated

from fastapi import APIRouter, Query

from app.api.access import Reader
from app.core.database import SessionDep
from app.core.errors import problem_responses
from app.history.schemas import ChangesPage, ChangesQuery
from app.history.service import feed

router = APIRouter(tags=["changes"], responses=problem_responses(401, 403, 422, 500, 503))


@router.get("/v1/changes", operation_id="list_changes", summary="Feed of every change")
def list_changes(
    query: Annotated[ChangesQuery, Query()], session: SessionDep, who: Reader
) -> ChangesPage:
    """Every create, update, delete (a tombstone) and restore across all resources, in commit
    order. Start without `since`, then pass each page's `next_cursor` as `since`: a mirror
    that does so never misses a change."""
    return feed(session, query, who.sees_who_changed)
