from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from app.actors.repository import actor_ids
from app.core.crud import Repository
from app.core.pagination import SortKey
from app.negotiations.models import (
    Agreement,
    AgreementActor,
    NegotiationProcess,
    NegotiationSession,
    Participant,
)
from app.negotiations.schemas import SessionQuery
from app.sources.repository import citations_loaded

# Sessions with no start date yet sort after every dated one.
UNDATED_LAST = func.coalesce(NegotiationSession.start_date, date.max)
BY_DATE = [SortKey("start_date", UNDATED_LAST, date), SortKey.of(NegotiationSession.id)]
SORTS = {
    None: BY_DATE,
    "date": BY_DATE,
    "-date": [
        SortKey("start_date", UNDATED_LAST, date, True),
        SortKey.of(NegotiationSession.id, True),
    ],
}


class ProcessRepository(Repository[NegotiationProcess]):
    model = NegotiationProcess


class SessionRepository(Repository[NegotiationSession]):
    model = NegotiationSession
    sorts = SORTS
    load_options = (
        selectinload(NegotiationSession.process),
        selectinload(NegotiationSession.participants).options(
            selectinload(Participant.actor), selectinload(Participant.on_behalf_of)
        ),
        citations_loaded(NegotiationSession),
    )

    def conditions(self, query: SessionQuery) -> list[ColumnElement[bool]]:
        conditions = [*_taking_part(self.session, query), *_dated(query)]
        if query.process:
            conditions.append(NegotiationSession.process_id.in_(query.process))
        if query.status:
            conditions.append(NegotiationSession.status.in_(query.status))
        return conditions


class AgreementRepository(Repository[Agreement]):
    model = Agreement
    load_options = (
        selectinload(Agreement.session),
        selectinload(Agreement.signatories).selectinload(AgreementActor.actor),
        citations_loaded(Agreement),
    )


def _taking_part(session: Session, query: SessionQuery) -> list[ColumnElement[bool]]:
    """Participant and role filters hold for the same participant."""
    conditions = []
    if query.participant:
        conditions.append(Participant.actor_id.in_(actor_ids(session, query.participant)))
    if query.role:
        conditions.append(Participant.role.in_(query.role))
    if not conditions:
        return []
    return [NegotiationSession.id.in_(select(Participant.session_id).where(*conditions))]


def _dated(query: SessionQuery) -> list[ColumnElement[bool]]:
    """Sessions whose span overlaps [from, to]; one with no end is a single day."""
    conditions = []
    if query.from_ is not None:
        last_day = func.coalesce(NegotiationSession.end_date, NegotiationSession.start_date)
        conditions.append(last_day >= query.from_)
    if query.to is not None:
        conditions.append(NegotiationSession.start_date <= query.to)
    return conditions
