import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from app.core.dates import UtcDateTime
from app.core.pagination import ListQuery, fields_field, format_field, page_of
from app.core.schemas import (
    ApiModel,
    ExternalIds,
    LanguageTag,
    LongText,
    Name,
    PatchModel,
    ReadModel,
    ReadPart,
    Unique,
    Url,
    external_ids_field,
    many,
    patch_of,
)

SourceKind = Literal[
    "news_article",
    "live_blog",
    "official_statement",
    "un_report",
    "ngo_report",
    "social_media",
    "transcript",
    "dataset",
    "other",
]
LinkKind = Literal["page", "pdf", "archive", "data", "other"]


class LinkIn(ApiModel):
    url: Url = Field(description="The address.")
    kind: LinkKind = Field("page", description="What it leads to: page, pdf, archive copy, data.")


class LinkRead(ReadPart):
    url: str
    kind: LinkKind


class SourceCreate(ApiModel):
    title: Name = Field(description="Title of the article, report or post.")
    publisher: Name | None = Field(None, description="Who published it, e.g. EA WorldView.")
    url: Url | None = Field(None, description="Where it can be read.")
    links: Annotated[list[LinkIn], Unique] = many(
        "Other addresses: its PDF, an archive copy, a dataset's files."
    )
    published_at: UtcDateTime | None = Field(None, description="When it was published (UTC).")
    kind: SourceKind = Field(description="What sort of source it is.")
    language: LanguageTag | None = Field(None, description="BCP 47 language tag, e.g. en, ar.")
    author: Name | None = Field(None, description="Who wrote it.")
    external_ids: ExternalIds = external_ids_field()


@patch_of(SourceCreate)
class SourceUpdate(PatchModel):
    """Partial update of a Source."""


class SourceRead(ReadModel):
    title: str
    publisher: str | None
    url: str | None
    links: list[LinkRead]
    published_at: datetime | None
    kind: SourceKind
    language: str | None
    author: str | None
    external_ids: dict[str, str]


class SourceQuery(ListQuery):
    fields: str | None = fields_field(SourceRead)
    format: Literal["json", "csv", "ndjson", "atom"] | None = format_field("csv", "ndjson", "atom")


SourcePage = page_of(SourceRead)


class CitationIn(ApiModel):
    source_id: uuid.UUID = Field(description="The cited source.")
    excerpt: LongText | None = Field(None, description="The words of the source carrying the fact.")


class CitationRead(ReadPart):
    source_id: uuid.UUID
    source_title: str = Field(description="Title of the cited source.")
    source_url: str | None = Field(description="Where the cited source can be read.")
    excerpt: str | None


def citations_field() -> Any:
    return many("Sources backing this record, each with the excerpt that carries the fact.")
