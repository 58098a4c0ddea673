import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from app.actors.schemas import ActorRef
from app.core.dates import DateRange
from app.core.pagination import ListQuery, fields_field, format_field, page_of
from app.core.schemas import (
    ApiModel,
    DatasetFields,
    ExternalIds,
    Label,
    LongText,
    Name,
    PatchModel,
    ReadModel,
    ReadPart,
    SearchText,
    Unique,
    dataset_fields_field,
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
AgreementKind = Literal["ceasefire", "peace_agreement", "joint_statement", "memorandum", "other"]
# PA-X's stages (`Stage`), spelled out: app.imports.mappings.PAX_STAGES.
AgreementStage = Literal[
    "pre_negotiation",
    "framework_partial",
    "framework_comprehensive",
    "implementation",
    "renewal",
    "ceasefire",
    "other",
]
ThirdPartyRole = Literal["witness", "mediator", "observer", "facilitator", "other"]
RelatedKind = Literal["agreement", "un_resolution", "other"]


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
    format: Literal["json", "csv", "ndjson", "atom"] | None = format_field("csv", "ndjson", "atom")


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
    format: Literal["json", "csv", "ndjson", "atom"] | None = format_field("csv", "ndjson", "atom")


SessionPage = page_of(SessionRead)


class ThirdPartyIn(ApiModel):
    actor_id: uuid.UUID = Field(description="The third party.")
    role: ThirdPartyRole = Field(description="Its part: witness, mediator, observer...")


class SignatoryIn(ApiModel):
    actor_id: uuid.UUID = Field(description="Who signed (a person, usually).")
    on_behalf_of_id: uuid.UUID | None = Field(None, description="The party they signed for.")


class RelatedIn(ApiModel):
    kind: RelatedKind = Field(description="An agreement, a UN resolution, or something else.")
    agreement_id: uuid.UUID | None = Field(None, description="The agreement, if recorded here.")
    reference: Name | None = Field(
        None, description="How the text names it: a UN symbol (S/RES/2254 (2015)), a title."
    )

    @model_validator(mode="after")
    def _names_something(self) -> "RelatedIn":
        if self.agreement_id is None and self.reference is None:
            raise PydanticCustomError("cross_field", "give agreement_id, reference, or both")
        return self


class AgreementCreate(ApiModel):
    title: Name = Field(description="Title of the agreement.")
    kind: AgreementKind = Field(description="What sort of agreement it is.")
    stage: AgreementStage | None = Field(None, description="Its stage in the process (PA-X's).")
    date: dt.date | None = Field(None, description="When it was concluded.")
    valid_from: dt.date | None = Field(None, description="When it takes effect.")
    valid_to: dt.date | None = Field(None, description="When it lapses: a 24-hour ceasefire.")
    process_id: uuid.UUID | None = Field(None, description="The process it belongs to.")
    session_id: uuid.UUID | None = Field(None, description="Session where it was concluded.")
    parties: Annotated[list[uuid.UUID], Unique] = many("Actors bound by it.")
    parties_described: LongText | None = Field(
        None, description="The parties as the text names them, beside or instead of `parties`: "
        "\"43 signatories\".",
    )  # fmt: skip
    guarantors: Annotated[list[uuid.UUID], Unique] = many("Actors guaranteeing it.")
    third_parties: Annotated[list[ThirdPartyIn], Unique] = many(
        "Other third parties in their roles: witnesses, mediators, observers, facilitators."
    )
    third_parties_described: LongText | None = Field(
        None, description="The third parties as the text names them."
    )
    signatories: Annotated[list[SignatoryIn], Unique] = many(
        "Who signed it, each for the party they signed for."
    )
    related: Annotated[list[RelatedIn], Unique] = many(
        "Other agreements and UN resolutions it refers to."
    )
    countries: Annotated[list[Label], Unique] = many("Countries it concerns (ISO 3166 codes).")
    summary: LongText | None = Field(None, description="What it says.")
    external_ids: ExternalIds = external_ids_field()
    dataset_fields: DatasetFields = dataset_fields_field()
    citations: list[CitationIn] = citations_field()

    _valid_to_after_from = ordered_after("valid_to", "valid_from")


@patch_of(AgreementCreate)
class AgreementUpdate(PatchModel):
    """Partial update of a Agreement."""


class ThirdPartyRead(ReadPart):
    actor_id: uuid.UUID
    actor_name: str
    role: ThirdPartyRole


class SignatoryRead(ReadPart):
    actor_id: uuid.UUID
    actor_name: str
    on_behalf_of_id: uuid.UUID | None
    on_behalf_of_name: str | None


class RelatedRead(ReadPart):
    kind: RelatedKind
    agreement_id: uuid.UUID | None
    agreement_title: str | None
    reference: str | None


class AgreementRead(ReadModel):
    title: str
    kind: AgreementKind
    stage: AgreementStage | None
    date: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    process_id: uuid.UUID | None
    process_name: str | None
    session_id: uuid.UUID | None
    session_name: str | None
    parties: list[uuid.UUID]
    party_actors: list[ActorRef] = Field(description="The parties, named.")
    parties_described: str | None
    guarantors: list[uuid.UUID]
    guarantor_actors: list[ActorRef] = Field(description="The guarantors, named.")
    third_parties: list[ThirdPartyRead]
    third_parties_described: str | None
    signatories: list[SignatoryRead]
    related: list[RelatedRead]
    countries: list[str]
    summary: str | None
    external_ids: dict[str, str]
    dataset_fields: dict[str, str]
    citations: list[CitationRead]


class AgreementQuery(DateRange, ListQuery):
    """Repeat a parameter for OR within it; different ones combine (AND)."""

    party: list[Name] = Field([], max_length=20, description="A party: id, name or alias.")
    third_party: list[Name] = Field(
        [], max_length=20, description="A guarantor or other third party: id, name or alias."
    )
    process: list[uuid.UUID] = Field([], max_length=20, description="Negotiation process id.")
    stage: list[AgreementStage] = Field([], description="Stage.")
    kind: list[AgreementKind] = Field([], description="Kind of agreement.")
    q: SearchText | None = Field(
        None, description="Full text over title, summary and the parties as described."
    )
    fields: str | None = fields_field(AgreementRead)
    format: Literal["json", "csv", "ndjson", "atom"] | None = format_field("csv", "ndjson", "atom")


AgreementPage = page_of(AgreementRead)
