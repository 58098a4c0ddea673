from fastapi import APIRouter

from app.core.pagination import ListQuery
from app.core.routing import crud_router
from app.negotiations.schemas import (
    AgreementCreate,
    AgreementRead,
    AgreementUpdate,
    ProcessCreate,
    ProcessRead,
    ProcessUpdate,
    SessionCreate,
    SessionQuery,
    SessionRead,
    SessionUpdate,
)
from app.negotiations.service import AgreementService, ProcessService, SessionService

router = APIRouter()
router.include_router(
    crud_router(
        path="/v1/negotiation-processes",
        tag="negotiation-processes",
        singular="negotiation_process",
        service=ProcessService,
        create=ProcessCreate,
        update=ProcessUpdate,
        read=ProcessRead,
        query=ListQuery,
    )
)
router.include_router(
    crud_router(
        path="/v1/negotiation-sessions",
        tag="negotiation-sessions",
        singular="negotiation_session",
        service=SessionService,
        create=SessionCreate,
        update=SessionUpdate,
        read=SessionRead,
        query=SessionQuery,
    )
)
router.include_router(
    crud_router(
        path="/v1/agreements",
        tag="agreements",
        singular="agreement",
        service=AgreementService,
        create=AgreementCreate,
        update=AgreementUpdate,
        read=AgreementRead,
        query=ListQuery,
    )
)
