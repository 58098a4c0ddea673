from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import aliased

from app.actors.models import Actor
from app.actors.repository import actor_ids
from app.core.pagination import SortKey
from app.core.records import (
    RecordRepository,
    S,
    UnfilteredRepository,
    any_of,
    creation_order,
    identified,
    searched,
    searched_order,
)
from app.core.shapes import IdsOf, Linked, Shape
from app.negotiations.models import (
    THIRD_PARTY_ROLES,
    Agreement,
    AgreementActor,
    AgreementRelation,
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

AGREEMENT_SORTS: dict[str | None, list[SortKey]] = {None: creation_order(Agreement)}
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


Related = aliased(Agreement, name="related_agreement")
AGREEMENT_SHAPE = Shape(
    AgreementRead,
    select(Agreement.id, Agreement.created_at, Agreement.updated_at, Agreement.version,
           Agreement.title, Agreement.kind, Agreement.stage, Agreement.date,
           Agreement.valid_from, Agreement.valid_to, Agreement.process_id,
           NegotiationProcess.name.label("process_name"), Agreement.session_id,
           NegotiationSession.name.label("session_name"), Agreement.parties_described,
           Agreement.third_parties_described, Agreement.countries, Agreement.summary,
           Agreement.external_ids, Agreement.dataset_fields)
    .outerjoin(NegotiationProcess, NegotiationProcess.id == Agreement.process_id)
    .outerjoin(NegotiationSession, NegotiationSession.id == Agreement.session_id),
    parties=IdsOf("party_actors"),
    party_actors=_signatories("party"),
    guarantors=IdsOf("guarantor_actors"),
    guarantor_actors=_signatories("guarantor"),
    third_parties=Linked(
        select(AgreementActor.agreement_id, AgreementActor.actor_id,
               Actor.name.label("actor_name"), AgreementActor.role)
        .join(Actor, Actor.id == AgreementActor.actor_id)
        .where(AgreementActor.role.in_(THIRD_PARTY_ROLES)),
        [AgreementActor.position],
    ),
    signatories=Linked(
        select(AgreementActor.agreement_id, AgreementActor.actor_id,
               Actor.name.label("actor_name"), AgreementActor.on_behalf_of_id,
               OnBehalfOf.name.label("on_behalf_of_name"))
        .join(Actor, Actor.id == AgreementActor.actor_id)
        .outerjoin(OnBehalfOf, OnBehalfOf.id == AgreementActor.on_behalf_of_id)
        .where(AgreementActor.role == "signatory"),
        [AgreementActor.position],
    ),
    related=Linked(
        select(AgreementRelation.owner_id, AgreementRelation.kind, AgreementRelation.agreement_id,
               Related.title.label("agreement_title"), AgreementRelation.reference)
        .outerjoin(Related, Related.id == AgreementRelation.agreement_id),
        [AgreementRelation.position],
    ),
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


class AgreementRepository(RecordRepository[Agreement, AgreementQuery]):
    model = Agreement
    shape = AGREEMENT_SHAPE

    def filtered(self, statement: S, query: AgreementQuery) -> S:
        conditions = any_of(
            (Agreement.process_id, query.process),
            (Agreement.stage, query.stage),
            (Agreement.kind, query.kind),
        )
        for names, roles in ((query.party, ("party",)),
                             (query.third_party, ("guarantor", *THIRD_PARTY_ROLES))):  # fmt: skip
            if names:
                conditions.append(self._with_actors(names, roles))
        if query.from_ is not None:
            conditions.append(Agreement.date >= query.from_)
        if query.to is not None:
            conditions.append(Agreement.date <= query.to)
        statement = identified(statement.where(*conditions), Agreement, query)
        return searched(self.session, statement, Agreement, query.q)

    def order(self, query: AgreementQuery) -> list[SortKey]:
        """Oldest first, or by relevance first when searching with `q`."""
        return searched_order(self.session, Agreement, query.q, None, AGREEMENT_SORTS)

    def _with_actors(self, names: list[str], roles: tuple[str, ...]) -> ColumnElement[bool]:
        """Agreements one of the named actors is in one of these roles in."""
        linked = select(AgreementActor.agreement_id).where(
            AgreementActor.actor_id.in_(actor_ids(self.session, names)),
            AgreementActor.role.in_(roles),
        )
        return Agreement.id.in_(linked)


def _dated(query: SessionQuery) -> list[ColumnElement[bool]]:
    """Sessions whose span overlaps [from, to]; one with no end is a single day."""
    conditions = []
    if query.from_ is not None:
        last_day = func.coalesce(NegotiationSession.end_date, NegotiationSession.start_date)
        conditions.append(last_day >= query.from_)
    if query.to is not None:
        conditions.append(NegotiationSession.start_date <= query.to)
    return conditions
