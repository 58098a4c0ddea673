import uuid

from app.actors.models import Actor
from app.core.records import Loc, RecordService, set_columns
from app.negotiations.models import (
    Agreement,
    AgreementActor,
    NegotiationProcess,
    NegotiationSession,
    Participant,
)
from app.negotiations.repository import AgreementRepository, ProcessRepository, SessionRepository
from app.negotiations.schemas import (
    AgreementCreate,
    AgreementQuery,
    ProcessCreate,
    ProcessQuery,
    SessionCreate,
    SessionQuery,
)
from app.sources.service import cite


class ProcessService(RecordService[NegotiationProcess, ProcessCreate, ProcessQuery]):
    repository_class = ProcessRepository
    create_schema = ProcessCreate
    label = "negotiation process"
    resource = "negotiation-processes"

    def apply(self, record: NegotiationProcess, data: ProcessCreate) -> None:
        set_columns(record, data, "name", "description")
        self.identify(record, data.external_ids)


class SessionService(RecordService[NegotiationSession, SessionCreate, SessionQuery]):
    repository_class = SessionRepository
    create_schema = SessionCreate
    label = "negotiation session"
    resource = "negotiation-sessions"

    def apply(self, record: NegotiationSession, data: SessionCreate) -> None:
        self.require(NegotiationProcess, {("process_id",): data.process_id})
        references: dict[Loc, uuid.UUID | None] = {}
        for i, participant in enumerate(data.participants):
            references[("participants", i, "actor_id")] = participant.actor_id
            references[("participants", i, "on_behalf_of_id")] = participant.on_behalf_of_id
        self.require(Actor, references)
        set_columns(
            record, data, "process_id", "name", "round", "location", "start_date", "end_date",
            "status", "format", "agenda", "outcome",
        )  # fmt: skip
        record.participants = [
            Participant(position=i, **participant.model_dump())
            for i, participant in enumerate(data.participants)
        ]
        self.identify(record, data.external_ids)
        cite(self, record, data.citations)


class AgreementService(RecordService[Agreement, AgreementCreate, AgreementQuery]):
    repository_class = AgreementRepository
    create_schema = AgreementCreate
    label = "agreement"
    resource = "agreements"

    def apply(self, record: Agreement, data: AgreementCreate) -> None:
        self.require(NegotiationSession, {("session_id",): data.session_id})
        signatories = [("party", actor_id) for actor_id in data.parties] + [
            ("guarantor", actor_id) for actor_id in data.guarantors
        ]
        self.require(
            Actor,
            {
                **{("parties", i): actor_id for i, actor_id in enumerate(data.parties)},
                **{("guarantors", i): actor_id for i, actor_id in enumerate(data.guarantors)},
            },
        )
        set_columns(record, data, "title", "kind", "date", "session_id", "summary")
        record.signatories = [
            AgreementActor(position=i, role=role, actor_id=actor_id)
            for i, (role, actor_id) in enumerate(signatories)
        ]
        self.identify(record, data.external_ids)
        cite(self, record, data.citations)
