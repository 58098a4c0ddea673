from app.core.routing import crud_router
from app.incidents.schemas import IncidentQuery
from app.incidents.service import IncidentService

router = crud_router(
    path="/v1/incidents",
    tag="incidents",
    singular="incident",
    service=IncidentService,
    query=IncidentQuery,
    formats=("json", "csv", "ndjson", "geojson"),
)
