from app.core.pagination import ListQuery
from app.core.routing import crud_router
from app.sources.service import SourceService

router = crud_router(
    singular="source",
    service=SourceService,
    query=ListQuery,
)
