from app.core.crud import Service, set_columns
from app.sources.models import Cited, Source
from app.sources.repository import SourceRepository
from app.sources.schemas import CitationIn, SourceCreate, SourceRead, SourceUpdate


class SourceService(Service[Source, SourceCreate]):
    repository_class = SourceRepository
    create_schema = SourceCreate
    update_schema = SourceUpdate
    read_schema = SourceRead
    label = "source"
    resource = "sources"

    def apply(self, record: Source, data: SourceCreate) -> None:
        set_columns(record, data, *SourceCreate.model_fields)


def cite(service: Service, record: Cited, citations: list[CitationIn]) -> None:  # type: ignore[type-arg]
    """Replace a record's citations, refusing any that name a missing source."""
    service.require(
        Source,
        {("citations", index, "source_id"): item.source_id for index, item in enumerate(citations)},
    )
    row = type(record).citations.property.mapper.class_  # type: ignore[attr-defined]
    record.citations = [
        row(position=index, source_id=item.source_id, excerpt=item.excerpt)
        for index, item in enumerate(citations)
    ]
