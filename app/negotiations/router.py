from fastapi import APIRouter

from app.core.pagination import ListQuery
from app.core.routing import crud_router
from app.negotiations.schemas import (
    SessionQuery,
)
from app.negotiations.service import AgreementService, ProcessService, SessionService

router = APIRouter()
router.include_router(
    crud_router(
        singular="negotiation_process",
        service=ProcessService,
        query=ListQuery,
    )
)
router.include_router(
    crud_router(
        singular="negotiation_session",
        service=SessionService,
        query=SessionQuery,
    )
)
router.include_router(
    crud_router(
        singular="agreement",
        service=AgreementService,
        query=ListQuery,
    )
)
