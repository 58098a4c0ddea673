import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import Field

from app.actors.schemas import ActorRef
from app.core.dates import DateRange
from app.core.pagination import ListQuery, fields_field, format_field, page_of
from app.core.schemas import (
    ApiModel,
    ExternalIds,
    Label,
    LongText,
    Name,
    PatchModel,
    ReadModel,
    ReadPart,
    Unique,
    external_ids_field,
    many,
    ordered_after,
    patch_of,
)
from app.sources.schemas import CitationIn, CitationRead, citations_field

SessionStatus = Literal["scheduled", "ongoing", "concluded", "suspended", "collapsed", "postponed"]
SessionFormat = Literal["direct", "indirect", "mixed", "unknown"]
ParticipantRole = Literal[
    "host", "broker", "guarantor", "mediator", "delegation", "head_of_delegation", "observer"
]
AgreementKind = Literal["ceasefire", "joint_statement", "memorandum", "other"]


class ProcessCreate(ApiModel):
    name: Name = Field(description="Name of the process.", examples=["Astana process"])
    description: LongText | None = Field(None, description="What the process is.")
    external_ids: ExternalIds = external_ids_field()


@patch_of(ProcessCreate)
class ProcessUpdate(PatchModel):
    """Partial update of a Process."""


class ProcessRead(ReadModel):
    name: str
    description: str | None
    external_ids: dict[str, str]


class ProcessQuery(ListQuery):
    fields: str | None = fields_field(ProcessRead)
    format: Literal["json", "csv", "ndjson"] | None = format_field("csv", "ndjson")


ProcessPage = page_of(ProcessRead)


class ParticipantIn(ApiModel):
    actor_id: uuid.UUID = Field(description="Who took part.")
    role: ParticipantRole = Field(description="In what role.")
    on_behalf_of_id: uuid.UUID | None = Field(None, description="Whom they represented.")


class SessionCreate(ApiModel):
    process_id: uuid.UUID | None = Field(None, description="The process this session belongs to.")
    name: Name = Field(description="Name of the session.", examples=["Astana talks, round 1"])
    round: Label | None = Field(None, description="Round or day within the process.")
    location: Name | None = Field(None, description="Where it was held.")
    start_date: dt.date | None = Field(None, description="First day (expected or actual).")
    end_date: dt.date | None = Field(None, description="Last day (expected or actual).")
    status: SessionStatus = Field("scheduled", description="Where the session stands.")
    format: SessionFormat = Field("unknown", description="Whether the sides met face to face.")
    participants: Annotated[list[ParticipantIn], Unique] = many("Who took part, and in what role.")
    agenda: list[Name] = many("Agenda items.")
    outcome: LongText | None = Field(None, description="What came of it.")
    external_ids: ExternalIds = external_ids_field()
    citations: list[CitationIn] = citations_field()

    _end_after_start = ordered_after("end_date", "start_date")


@patch_of(SessionCreate)
class SessionUpdate(PatchModel):
    """Partial update of a Session."""


class ParticipantRead(ReadPart):
    actor_id: uuid.UUID
    actor_name: str
    role: ParticipantRole
    on_behalf_of_id: uuid.UUID | None
    on_behalf_of_name: str | None


class SessionRead(ReadModel):
    process_id: uuid.UUID | None
    process_name: str | None
    name: str
    round: str | None
    location: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    status: SessionStatus
    format: SessionFormat
    participants: list[ParticipantRead]
    agenda: list[str]
    outcome: str | None
    external_ids: dict[str, str]
    citations: list[CitationRead]


class SessionQuery(DateRange, ListQuery):
    """Repeat a parameter for OR within it; different ones combine (AND)."""

    process: list[uuid.UUID] = Field([], max_length=20, description="Negotiation process id.")
    participant: list[Name] = Field(
        [], max_length=20, description="Participant: id, name or alias."
    )
    role: list[ParticipantRole] = Field(
        [], description="Participant role (with `participant`: that participant's role)."
    )
    status: list[SessionStatus] = Field([], description="Session status.")
    sort: Literal["date", "-date"] | None = Field(None, description="By start date.")
    fields: str | None = fields_field(SessionRead)
    format: Literal["json", "csv", "ndjson"] | None = format_field("csv", "ndjson")


SessionPage = page_of(SessionRead)


class AgreementCreate(ApiModel):
    title: Name = Field(description="Title of the agreement.")
    kind: AgreementKind = Field(description="What sort of agreement it is.")
    date: dt.date | None = Field(None, description="When it was concluded.")
    session_id: uuid.UUID | None = Field(None, description="Session where it was concluded.")
    parties: Annotated[list[uuid.UUID], Unique] = many("Actors bound by it.")
    guarantors: Annotated[list[uuid.UUID], Unique] = many("Actors guaranteeing it.")
    summary: LongText | None = Field(None, description="What it says.")
    external_ids: ExternalIds = external_ids_field()
    citations: list[CitationIn] = citations_field()


@patch_of(AgreementCreate)
class AgreementUpdate(PatchModel):
    """Partial update of a Agreement."""


class AgreementRead(ReadModel):
    title: str
    kind: AgreementKind
    date: dt.date | None
    session_id: uuid.UUID | None
    session_name: str | None
    parties: list[uuid.UUID]
    party_actors: list[ActorRef] = Field(description="The parties, named.")
    guarantors: list[uuid.UUID]
    guarantor_actors: list[ActorRef] = Field(description="The guarantors, named.")
    summary: str | None
    external_ids: dict[str, str]
    citations: list[CitationRead]


class AgreementQuery(ListQuery):
    fields: str | None = fields_field(AgreementRead)
    format: Literal["json", "csv", "ndjson"] | None = format_field("csv", "ndjson")


AgreementPage = page_of(AgreementRead)
