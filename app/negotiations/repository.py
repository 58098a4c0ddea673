from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.actors.repository import matching_actor_ids
from app.core.crud import Repository
from app.core.pagination import ListQuery
from app.negotiations.models import (
    Agreement,
    AgreementActor,
    NegotiationProcess,
    NegotiationSession,
    Participant,
)
from app.negotiations.schemas import SessionQuery
from app.sources.repository import citations_loaded


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
        if query.participant is not None:
            taking_part = select(Participant.session_id).where(
                Participant.actor_id.in_(matching_actor_ids([query.participant]))
            )
            statement = statement.where(NegotiationSession.id.in_(taking_part))
        return statement


class AgreementRepository(Repository[Agreement]):
    model = Agreement
    load_options = (
        selectinload(Agreement.session),
        selectinload(Agreement.signatories).selectinload(AgreementActor.actor),
        citations_loaded(Agreement),
    )
