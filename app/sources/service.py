from typing import Any

from app.core.records import RecordService, set_columns
from app.sources.models import Cited, Source, SourceLink, citation_rows
from app.sources.repository import SourceRepository
from app.sources.schemas import CitationIn, SourceCreate, SourceQuery


class SourceService(RecordService[Source, SourceCreate, SourceQuery]):
    repository_class = SourceRepository
    create_schema = SourceCreate
    label = "source"
    resource = "sources"

    def apply(self, record: Source, data: SourceCreate) -> None:
        set_columns(record, data, "title", "publisher", "url", "published_at", "kind", "language",
                    "author")  # fmt: skip
        record.links = [
            SourceLink(position=i, **link.model_dump()) for i, link in enumerate(data.links)
        ]
        self.identify(record, data.external_ids)


def cite(service: RecordService[Any, Any, Any], record: Cited, citations: list[CitationIn]) -> None:
    """Replace a record's citations, refusing any that name a missing source."""
    service.require(
        Source,
        {("citations", index, "source_id"): item.source_id for index, item in enumerate(citations)},
    )
    row = citation_rows(type(record))
    record.citations = [
        row(position=index, source_id=item.source_id, excerpt=item.excerpt)
        for index, item in enumerate(citations)
    ]
