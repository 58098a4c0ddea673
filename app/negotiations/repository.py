from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import aliased

from app.actors.models import Actor
from app.actors.repository import actor_ids
from app.core.pagination import SortKey
from app.core.records import RecordRepository, S, UnfilteredRepository, identified
from app.core.shapes import IdsOf, Linked, Shape
from app.negotiations.models import (
    Agreement,
    AgreementActor,
    NegotiationProcess,
    NegotiationSession,
    Participant,
)
from app.negotiations.schemas import (
    AgreementQuery,
    AgreementRead,
    ProcessQuery,
    ProcessRead,
    SessionQuery,
    SessionRead,
)
from app.sources.repository import cited

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
OnBehalfOf = aliased(Actor, name="on_behalf_of")

PROCESS_SHAPE = Shape(
    ProcessRead,
    select(NegotiationProcess.id, NegotiationProcess.created_at, NegotiationProcess.updated_at,
           NegotiationProcess.version, NegotiationProcess.name, NegotiationProcess.description,
           NegotiationProcess.external_ids),
)  # fmt: skip
SESSION_SHAPE = Shape(
    SessionRead,
    select(NegotiationSession.id, NegotiationSession.created_at, NegotiationSession.updated_at,
           NegotiationSession.version, NegotiationSession.process_id,
           NegotiationProcess.name.label("process_name"), NegotiationSession.name,
           NegotiationSession.round, NegotiationSession.location, NegotiationSession.start_date,
           NegotiationSession.end_date, NegotiationSession.status, NegotiationSession.format,
           NegotiationSession.agenda, NegotiationSession.outcome, NegotiationSession.external_ids)
    .outerjoin(NegotiationProcess, NegotiationProcess.id == NegotiationSession.process_id),
    participants=Linked(
        select(Participant.session_id, Participant.actor_id, Actor.name.label("actor_name"),
               Participant.role, Participant.on_behalf_of_id,
               OnBehalfOf.name.label("on_behalf_of_name"))
        .join(Actor, Actor.id == Participant.actor_id)
        .outerjoin(OnBehalfOf, OnBehalfOf.id == Participant.on_behalf_of_id),
        [Participant.position],
    ),
    citations=cited(NegotiationSession),
)  # fmt: skip


def _signatories(role: str) -> Linked:
    """An agreement's actors in one role, named."""
    return Linked(
        select(AgreementActor.agreement_id, Actor.id, Actor.name)
        .join(Actor, Actor.id == AgreementActor.actor_id)
        .where(AgreementActor.role == role),
        [AgreementActor.position],
    )


AGREEMENT_SHAPE = Shape(
    AgreementRead,
    select(Agreement.id, Agreement.created_at, Agreement.updated_at, Agreement.version,
           Agreement.title, Agreement.kind, Agreement.date, Agreement.session_id,
           NegotiationSession.name.label("session_name"), Agreement.summary,
           Agreement.external_ids)
    .outerjoin(NegotiationSession, NegotiationSession.id == Agreement.session_id),
    parties=IdsOf("party_actors"),
    party_actors=_signatories("party"),
    guarantors=IdsOf("guarantor_actors"),
    guarantor_actors=_signatories("guarantor"),
    citations=cited(Agreement),
)  # fmt: skip


class ProcessRepository(UnfilteredRepository[NegotiationProcess, ProcessQuery]):
    model = NegotiationProcess
    shape = PROCESS_SHAPE


class SessionRepository(RecordRepository[NegotiationSession, SessionQuery]):
    model = NegotiationSession
    shape = SESSION_SHAPE

    def filtered(self, statement: S, query: SessionQuery) -> S:
        conditions = [*self._taking_part(query), *_dated(query)]
        if query.process:
            conditions.append(NegotiationSession.process_id.in_(query.process))
        if query.status:
            conditions.append(NegotiationSession.status.in_(query.status))
        return identified(statement.where(*conditions), NegotiationSession, query)

    def order(self, query: SessionQuery) -> list[SortKey]:
        return SORTS[query.sort]

    def _taking_part(self, query: SessionQuery) -> list[ColumnElement[bool]]:
        """Participant and role filters hold for the same participant."""
        conditions = []
        if query.participant:
            named = actor_ids(self.session, query.participant)
            conditions.append(Participant.actor_id.in_(named))
        if query.role:
            conditions.append(Participant.role.in_(query.role))
        if not conditions:
            return []
        return [NegotiationSession.id.in_(select(Participant.session_id).where(*conditions))]


class AgreementRepository(UnfilteredRepository[Agreement, AgreementQuery]):
    model = Agreement
    shape = AGREEMENT_SHAPE


def _dated(query: SessionQuery) -> list[ColumnElement[bool]]:
    """Sessions whose span overlaps [from, to]; one with no end is a single day."""
    conditions = []
    if query.from_ is not None:
        last_day = func.coalesce(NegotiationSession.end_date, NegotiationSession.start_date)
        conditions.append(last_day >= query.from_)
    if query.to is not None:
        conditions.append(NegotiationSession.start_date <= query.to)
    return conditions
