import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from app.core.crud import Repository, by_record
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


def citations_of(
    session: Session, model: type[Cited], record_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The citations of many records at once, as responses show them, by record id."""
    table = model.citations.property.mapper.local_table  # type: ignore[attr-defined]
    cited, source = table.c, Source.__table__.c
    found = session.connection().execute(
        select(cited.record_id, cited.source_id, source.title.label("source_title"),
               source.url.label("source_url"), cited.excerpt)
        .join_from(table, Source.__table__, source.id == cited.source_id)
        .where(cited.record_id.in_(record_ids))
        .order_by(cited.record_id, cited.position)
    )  # fmt: skip
    return by_record(found)
