import uuid

from sqlalchemy import Select, select

from app.core.records import UnfilteredRepository
from app.core.shapes import Linked, Shape
from app.sources.models import Cited, Source, SourceLink, citation_rows
from app.sources.schemas import SourceQuery, SourceRead

SOURCE_SHAPE = Shape(
    SourceRead,
    select(Source.id, Source.created_at, Source.updated_at, Source.version, Source.title,
           Source.publisher, Source.url, Source.published_at, Source.kind, Source.language,
           Source.author, Source.external_ids),
    links=Linked(
        select(SourceLink.source_id, SourceLink.url, SourceLink.kind), [SourceLink.position]
    ),
)  # fmt: skip


class SourceRepository(UnfilteredRepository[Source, SourceQuery]):
    model = Source
    shape = SOURCE_SHAPE


def cited(model: type[Cited]) -> Linked:
    """A record's citations, with each source's title and address."""
    row = citation_rows(model)
    return Linked(
        select(row.record_id, row.source_id, Source.title.label("source_title"),
               Source.url.label("source_url"), row.excerpt)
        .join(Source, Source.id == row.source_id),
        [row.position],
    )  # fmt: skip


def citing(model: type[Cited], source_ids: list[uuid.UUID]) -> Select[tuple[uuid.UUID]]:
    """Ids of the records of `model` that cite any of the sources."""
    row = citation_rows(model)
    return select(row.record_id).where(row.source_id.in_(source_ids))
