import uuid

from app.actors.models import Actor
from app.core.dialect import index_document
from app.core.records import Loc, RecordService, set_columns
from app.negotiations.models import (
    Agreement,
    AgreementActor,
    AgreementRelation,
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
        self.require(NegotiationProcess, {("process_id",): data.process_id})
        self.require(Agreement, {("related", i, "agreement_id"): item.agreement_id
                                 for i, item in enumerate(data.related)})  # fmt: skip
        links = _actor_links(data)
        references: dict[Loc, uuid.UUID | None] = {loc: actor for loc, _, actor, _ in links}
        for i, signatory in enumerate(data.signatories):
            references[("signatories", i, "on_behalf_of_id")] = signatory.on_behalf_of_id
        self.require(Actor, references)
        set_columns(
            record, data, "title", "kind", "stage", "date", "valid_from", "valid_to",
            "process_id", "session_id", "parties_described", "third_parties_described",
            "countries", "summary", "dataset_fields",
        )  # fmt: skip
        record.actor_links = [
            AgreementActor(position=i, role=role, actor_id=actor_id, on_behalf_of_id=party)
            for i, (_, role, actor_id, party) in enumerate(links)
        ]
        record.related_links = [
            AgreementRelation(position=i, **item.model_dump())
            for i, item in enumerate(data.related)
        ]
        self.identify(record, data.external_ids)
        cite(self, record, data.citations)

    def index(self, record: Agreement) -> None:
        index_document(
            self.session, "agreements", record.id, record.title, record.summary,
            record.parties_described, record.third_parties_described,
        )  # fmt: skip


# Where an actor was given, its role, the actor and (for a signatory) the party signed for.
ActorLink = tuple[Loc, str, uuid.UUID, uuid.UUID | None]


def _actor_links(data: AgreementCreate) -> list[ActorLink]:
    """Every actor the agreement names, in the order of its fields."""
    return [
        *((("parties", i), "party", actor_id, None) for i, actor_id in enumerate(data.parties)),
        *((("guarantors", i), "guarantor", actor_id, None)
          for i, actor_id in enumerate(data.guarantors)),
        *((("third_parties", i, "actor_id"), item.role, item.actor_id, None)
          for i, item in enumerate(data.third_parties)),
        *((("signatories", i, "actor_id"), "signatory", item.actor_id, item.on_behalf_of_id)
          for i, item in enumerate(data.signatories)),
    ]  # fmt: skip
