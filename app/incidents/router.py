from app.core.routing import crud_router
from app.incidents.schemas import IncidentCreate, IncidentQuery, IncidentRead, IncidentUpdate
from app.incidents.service import IncidentService

router = crud_router(
    path="/v1/incidents",
    tag="incidents",
    singular="incident",
    service=IncidentService,
    create=IncidentCreate,
    update=IncidentUpdate,
    read=IncidentRead,
    query=IncidentQuery,
)
