from app.actors.schemas import ActorQuery
from app.actors.service import ActorService
from app.core.routing import crud_router

router = crud_router(
    path="/v1/actors",
    tag="actors",
    singular="actor",
    service=ActorService,
    query=ActorQuery,
)
