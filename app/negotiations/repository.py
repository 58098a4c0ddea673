from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import selectinload

from app.actors.repository import matching_actor_ids
from app.core.crud import Repository
from app.core.pagination import ListQuery, SortKey
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


class ProcessRepository(Repository[NegotiationProcess]):
    model = NegotiationProcess


class SessionRepository(Repository[NegotiationSession]):
    model = NegotiationSession
    load_options = (
        selectinload(NegotiationSession.process),
        selectinload(NegotiationSession.participants).options(
            selectinload(Participant.actor), selectinload(Participant.on_behalf_of)
        ),
        citations_loaded(NegotiationSession),
    )

    def filtered(
        self, statement: Select[tuple[NegotiationSession]], query: ListQuery
    ) -> Select[tuple[NegotiationSession]]:
        assert isinstance(query, SessionQuery)
        conditions = [*_taking_part(query), *_dated(query)]
        if query.process:
            conditions.append(NegotiationSession.process_id.in_(query.process))
        if query.status:
            conditions.append(NegotiationSession.status.in_(query.status))
        return statement.where(*conditions)

    def order(self, query: ListQuery) -> list[SortKey]:
        assert isinstance(query, SessionQuery)
        descending = query.sort == "-date"
        return [
            SortKey("start_date", UNDATED_LAST, date, descending),
            SortKey.of(NegotiationSession.id, descending),
        ]


class AgreementRepository(Repository[Agreement]):
    model = Agreement
    load_options = (
        selectinload(Agreement.session),
        selectinload(Agreement.signatories).selectinload(AgreementActor.actor),
        citations_loaded(Agreement),
    )


def _taking_part(query: SessionQuery) -> list[ColumnElement[bool]]:
    """Participant and role filters hold for the same participant."""
    conditions = []
    if query.participant:
        conditions.append(Participant.actor_id.in_(matching_actor_ids(query.participant)))
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
