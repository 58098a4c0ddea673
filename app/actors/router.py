from app.actors.schemas import ActorCreate, ActorQuery, ActorRead, ActorUpdate
from app.actors.service import ActorService
from app.core.routing import crud_router

router = crud_router(
    path="/v1/actors",
    tag="actors",
    singular="actor",
    service=ActorService,
    create=ActorCreate,
    update=ActorUpdate,
    read=ActorRead,
    query=ActorQuery,
)
