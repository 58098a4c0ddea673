import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from app.core.pagination import ListQuery, fields_field, format_field, page_of
from app.core.schemas import (
    ApiModel,
    ExternalIds,
    Label,
    LanguageTag,
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

ActorKind = Literal[
    "person",
    "state",
    "government",
    # ACLED's actor types (`inter1`, `inter2`), each its own kind (app.imports.mappings).
    "state_forces",
    "rebel_group",
    "political_militia",
    "identity_militia",
    "rioters",
    "protesters",
    "civilians",
    "external_forces",
    "armed_group",
    "political_organization",
    "delegation",
    "international_organization",
    "ngo",
    "media",
    "other",
]
AliasKind = Literal["alias", "former_name", "abbreviation", "transliteration", "native_script"]
AffiliationKind = Literal[
    "member_of", "leads", "represents", "part_of", "allied_with", "supported_by"
]


class AliasIn(ApiModel):
    name: Name = Field(description="Another name the actor goes by.", examples=["JFS"])
    kind: AliasKind = Field("alias", description="What sort of name it is.")
    language: LanguageTag | None = Field(None, description="BCP 47 tag of the name's language.")
    valid_from: date | None = Field(None, description="From when the name was in use, if known.")
    valid_to: date | None = Field(
        None,
        description="Until when it was in use: Military Forces of Syria (2000-2024).",
    )

    _to_after_from = ordered_after("valid_to", "valid_from")


class AffiliationIn(ApiModel):
    actor_id: uuid.UUID = Field(description="The actor this one is affiliated to.")
    kind: AffiliationKind = Field(description="How: this actor `kind` the other actor.")
    title: Name | None = Field(None, description="Title or position, e.g. UN Ambassador.")
    start_date: date | None = Field(None, description="When the affiliation began.")
    end_date: date | None = Field(None, description="When it ended; null if current or unknown.")

    _end_after_start = ordered_after("end_date", "start_date")


class ActorCreate(ApiModel):
    name: Name = Field(description="Canonical name.", examples=["Bashar al-Ja'afari"])
    kind: ActorKind = Field(description="What sort of actor this is.")
    aliases: Annotated[list[AliasIn], Unique] = many(
        "Other names: former names, abbreviations, transliterations."
    )
    country: Label | None = Field(None, description="Country the actor belongs to, if any.")
    description: LongText | None = Field(None, description="Who or what the actor is.")
    external_ids: ExternalIds = external_ids_field()
    affiliations: Annotated[list[AffiliationIn], Unique] = many("Dated links to other actors.")


@patch_of(ActorCreate)
class ActorUpdate(PatchModel):
    """Partial update of a Actor."""


class AliasRead(ReadPart):
    name: str
    kind: AliasKind
    language: str | None
    valid_from: date | None
    valid_to: date | None


class AffiliationRead(ReadPart):
    actor_id: uuid.UUID
    actor_name: str = Field(description="Name of the actor affiliated to.")
    kind: AffiliationKind
    title: str | None
    start_date: date | None
    end_date: date | None


class ActorRead(ReadModel):
    name: str
    kind: ActorKind
    aliases: list[AliasRead]
    country: str | None
    description: str | None
    external_ids: dict[str, str]
    affiliations: list[AffiliationRead]


class ActorRef(ReadPart):
    """An actor named beside its id, so a frontend can show it without another call."""

    id: uuid.UUID
    name: str


class ActorQuery(ListQuery):
    q: Name | None = Field(
        None,
        description="Name or any alias, forgiving of case, diacritics, apostrophes, hyphens, "
        "al-/el- and transliteration: best matches first (exact name, then exact alias, then "
        "the last words of a name or alias, then word prefix, then sound-alike).",
    )
    kind: list[ActorKind] = Field([], description="Kind of actor.")
    affiliated_with: list[Name] = Field(
        [],
        max_length=20,
        description="An actor (id, name or alias) and every actor member of, leading, "
        "representing or part of it, at any depth: all of Jaish al-Islam's people.",
    )
    fields: str | None = fields_field(ActorRead)
    format: Literal["json", "csv", "ndjson", "atom"] | None = format_field("csv", "ndjson", "atom")


ActorPage = page_of(ActorRead)
