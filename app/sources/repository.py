import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from app.core.crud import Repository
from app.sources.models import Cited, Source


class SourceRepository(Repository[Source]):
    model = Source


def citations_loaded(model: type[Cited]) -> LoaderOption:
    """Loader option bringing a record's citations with their sources' titles."""
    row = model.citations.property.mapper.class_  # type: ignore[attr-defined]
    return selectinload(model.citations).selectinload(row.source)  # type: ignore[arg-type]


def cited_by(model: type[Cited], source_ids: list[uuid.UUID]) -> Select[tuple[uuid.UUID]]:
    """Ids of the records of `model` that cite any of the sources."""
    row = model.citations.property.mapper.class_  # type: ignore[attr-defined]
    return select(row.record_id).where(row.source_id.in_(source_ids))
