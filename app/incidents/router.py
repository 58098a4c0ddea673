from typing import Annotated

from fastapi import APIRouter, Query

from app.core.database import SessionDep
from app.core.routing import crud_router
from app.core.stats import STATS_RESPONSES, Stats, stats_response
from app.incidents.schemas import IncidentQuery, IncidentStatsQuery
from app.incidents.service import IncidentService

router = APIRouter()
router.include_router(
    crud_router(
        singular="incident",
        service=IncidentService,
        query=IncidentQuery,
        formats=("json", "csv", "ndjson", "geojson"),
    )
)


@router.get(
    "/v1/stats/incidents",
    tags=["stats"],
    operation_id="incident_stats",
    responses=STATS_RESPONSES,
)
def incident_stats(params: Annotated[IncidentStatsQuery, Query()], session: SessionDep) -> Stats:
    """Count incidents and sum their casualties per group; takes every incident filter."""
    keys, rows = IncidentService(session).stats(params)
    return stats_response(keys, rows, params.format, "incident-stats")  # type: ignore[return-value]
