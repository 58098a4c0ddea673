import datetime as dt
import uuid
from typing import Annotated, Literal, get_args

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from app.actors.schemas import ActorRef
from app.core.dates import ClockTime, DatePrecision, DateRange, UtcDateTime, UtcTime
from app.core.pagination import ListQuery, fields_field, format_field, page_of
from app.core.schemas import (
    ApiModel,
    ExternalIdFilter,
    ExternalIds,
    Label,
    LanguageTag,
    LongText,
    Name,
    PatchModel,
    ReadModel,
    ReadPart,
    SearchText,
    Unique,
    external_ids_field,
    many,
    patch_of,
)
from app.core.stats import (
    StatsQuery,
    count_field,
    facet_field,
    group_by_field,
    stats_of,
    tally_fields,
)
from app.sources.schemas import CitationIn, CitationRead, citations_field
from app.statements.codes import StatementTypeCode


class StatementCreate(ApiModel):
    speaker_id: uuid.UUID | None = Field(
        None, description="Who spoke; null for an unnamed speaker."
    )
    speaker_label: Name | None = Field(
        None,
        description="How the source describes the speaker when unnamed or not an actor.",
        examples=["rebel sources"],
    )
    on_behalf_of_id: uuid.UUID | None = Field(None, description="Whom the speaker spoke for.")
    date: dt.date = Field(description="When it was said (first day of the period if imprecise).")
    time: UtcTime | None = Field(
        None, description="Time of day in UTC, when known (an offset is converted to UTC)."
    )
    date_precision: DatePrecision = Field("day", description="How precise `date` is.")
    location: Name | None = Field(None, description="Where it was said.")
    quote: LongText | None = Field(None, description="The verbatim words.")
    summary: LongText | None = Field(None, description="A paraphrase, when not quoted verbatim.")
    translation: LongText | None = Field(None, description="English translation of the quote.")
    language: LanguageTag | None = Field(None, description="Language of the original words.")
    type: StatementTypeCode = Field(
        "statement", description="A code from `/v1/statement-types` (CAMEO-like)."
    )
    target_ids: Annotated[list[uuid.UUID], Unique] = many(
        "Actors the statement is about or addressed to."
    )
    topics: Annotated[list[Label], Unique] = many(
        "Topics, e.g. ceasefire, detainees, sieges, terrorism."
    )
    session_id: uuid.UUID | None = Field(None, description="Negotiation session it was made at.")
    external_ids: ExternalIds = external_ids_field()
    citations: list[CitationIn] = citations_field()

    @model_validator(mode="after")
    def _said_something(self) -> "StatementCreate":
        if self.speaker_id is None and self.speaker_label is None:
            message = "give speaker_id or, for an unnamed speaker, speaker_label"
            raise PydanticCustomError("cross_field", message)
        if self.quote is None and self.summary is None:
            raise PydanticCustomError("cross_field", "give the quote, a summary, or both")
        return self


@patch_of(StatementCreate)
class StatementUpdate(PatchModel):
    """Partial update of a Statement."""


class StatementRead(ReadModel):
    speaker_id: uuid.UUID | None
    speaker_name: str | None = Field(description="Name of the speaking actor.")
    speaker_label: str | None
    on_behalf_of_id: uuid.UUID | None
    on_behalf_of_name: str | None
    date: dt.date
    time: ClockTime | None
    date_precision: DatePrecision
    location: str | None
    quote: str | None
    summary: str | None
    translation: str | None
    language: str | None
    type: StatementTypeCode
    target_ids: list[uuid.UUID]
    targets: list[ActorRef] = Field(description="The targets, named.")
    topics: list[str]
    session_id: uuid.UUID | None
    session_name: str | None
    external_ids: dict[str, str]
    citations: list[CitationRead]
    snippet: str | None = Field(
        None,
        description="With `q`: the matching passage, HTML-escaped, matches in `<mark>`.",
    )


class StatementTypeRead(ReadPart):
    code: str = Field(description="The value of a statement's `type`.")
    label: str
    cameo: str = Field(description="The nearest CAMEO event code.")
    parent: str | None = Field(description="The broader code this one belongs to.")


class StatementFilters(DateRange, ExternalIdFilter):
    """Every statement filter. Repeat a parameter for OR within it; different ones combine."""

    speaker: list[Name] = Field([], max_length=20, description="Speaker: id, name or alias.")
    target: list[Name] = Field([], max_length=20, description="Target: id, name or alias.")
    actor: list[Name] = Field([], max_length=20, description="Speaker or target.")
    on_behalf_of: list[Name] = Field([], max_length=20, description="Whom the speaker spoke for.")
    session: list[uuid.UUID] = Field([], max_length=20, description="Negotiation session id.")
    type: list[StatementTypeCode] = Field(
        [], description="Type code; a code takes in its sub-codes (`disapprove` finds `accuse`)."
    )
    topic: list[Label] = Field([], max_length=20, description="Topic.")
    language: list[LanguageTag] = Field([], max_length=20, description="Original language.")
    updated_since: UtcDateTime | None = Field(None, description="Changed at or after this time.")
    q: SearchText | None = Field(
        None, description="Full text over quote, summary and translation; hits carry a `snippet`."
    )


# What `facet=` counts the values of: the keys stats group by.
StatementFacet = Literal["speaker", "type", "target", "topic", "month"]


class StatementQuery(StatementFilters, ListQuery):
    sort: Literal["date", "-date"] | None = Field(
        None, description="`date` (default) or `-date`; relevance first with `q`."
    )
    fields: str | None = fields_field(StatementRead)
    format: Literal["json", "csv", "ndjson", "atom"] | None = format_field("csv", "ndjson", "atom")
    count: bool = count_field()
    facet: list[StatementFacet] = facet_field(*get_args(StatementFacet))


StatementPage = page_of(StatementRead, **tally_fields())


StatementStats = stats_of(
    "StatementStats",
    **dict.fromkeys(("month", "type", "speaker", "target", "topic"), str),
    speaker_id=uuid.UUID,
    target_id=uuid.UUID,
)


class StatementStatsQuery(StatementFilters, StatsQuery):
    """`group_by`: month, type, speaker, target, topic (one or two)."""

    group_by: str = group_by_field("month", "type", "speaker", "target", "topic")
