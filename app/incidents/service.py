from collections.abc import Iterator
from itertools import chain
from typing import Any

from sqlalchemy.orm import selectinload

from app.actors.models import Actor
from app.core.crud import Service, set_columns
from app.core.dialect import copy_csv, index_document
from app.core.exports import BYTE_ORDER_MARK, Columns
from app.core.pagination import ListQuery
from app.core.schemas import json_time, last_day_of
from app.core.search import set_terms
from app.incidents.models import Casualties, Incident, IncidentActor, Place
from app.incidents.repository import ExportBatch, IncidentRepository
from app.incidents.schemas import (
    IncidentCreate,
    IncidentQuery,
    IncidentRead,
    IncidentStatsQuery,
    IncidentUpdate,
)
from app.negotiations.models import Agreement
from app.sources.service import cite


class IncidentService(Service[Incident, IncidentCreate]):
    repository_class = IncidentRepository
    create_schema = IncidentCreate
    update_schema = IncidentUpdate
    read_schema = IncidentRead
    write_options = (selectinload(Incident.terms),)
    label = "incident"
    resource = "incidents"

    def apply(self, record: Incident, data: IncidentCreate) -> None:
        self.require(Agreement, {("violated_agreement_id",): data.violated_agreement_id})
        self.require(
            Actor, {("actors", i, "actor_id"): a.actor_id for i, a in enumerate(data.actors)}
        )
        set_columns(
            record, data, "type", "sub_type", "description", "start_date", "end_date",
            "date_precision", "casualty_notes", "verification", "violated_agreement_id",
        )  # fmt: skip
        record.place = Place(**data.place.model_dump())
        set_terms(record, data.place.name, data.place.district, data.place.governorate)
        record.killed = Casualties(**data.killed.model_dump())
        record.killed_rank = -1 if data.killed.best is None else data.killed.best
        record.last_day = data.end_date and last_day_of(data.end_date, data.date_precision)
        record.injured = Casualties(**data.injured.model_dump())
        record.actors = [
            IncidentActor(position=i, **actor.model_dump()) for i, actor in enumerate(data.actors)
        ]
        cite(self, record, data.citations)

    def index(self, record: Incident) -> None:
        place = record.place
        index_document(
            self.session, "incidents", record.id, record.description, place.name,
            place.district, place.governorate, record.casualty_notes,
        )  # fmt: skip

    def stats(self, query: IncidentStatsQuery) -> tuple[list[str], list[dict[str, Any]]]:
        return self.repository.stats(query)

    def csv(self, query: ListQuery, columns: Columns) -> Iterator[str]:
        assert isinstance(query, IncidentQuery)
        copied = copy_csv(self.session, self.repository.csv_statement(query, columns))
        if copied is None:
            return super().csv(query, columns)
        return chain([BYTE_ORDER_MARK], copied)

    def export(self, query: ListQuery) -> Iterator[dict[str, Any]]:
        assert isinstance(query, IncidentQuery)
        for batch in self.repository.export_batches(query):
            yield from _as_json(batch)

    def page(self, query: ListQuery) -> tuple[list[dict[str, Any]], str | None]:
        assert isinstance(query, IncidentQuery)
        batch, next_cursor = self.repository.page_batch(query)
        return list(_as_json(batch)), next_cursor


def _as_json(batch: ExportBatch) -> Iterator[dict[str, Any]]:
    rows, actors, citations = batch
    for row in rows:
        yield _row_json(row, actors.get(row.id, []), citations.get(row.id, []))


def _row_json(
    row: Any, actors: list[dict[str, Any]], citations: list[dict[str, Any]]
) -> dict[str, Any]:
    """An incident row as IncidentRead serialises it (a test holds the two to the same)."""
    return {
        "id": str(row.id), "created_at": json_time(row.created_at),
        "updated_at": json_time(row.updated_at), "version": row.version, "type": row.type,
        "sub_type": row.sub_type, "description": row.description,
        "start_date": row.start_date.isoformat(),
        "end_date": row.end_date and row.end_date.isoformat(),
        "date_precision": row.date_precision,
        "place": {"name": row.place_name, "governorate": row.governorate, "district": row.district,
                  "latitude": row.latitude, "longitude": row.longitude,
                  "precision": row.location_precision},
        "actors": actors,
        "killed": {"low": row.killed_low, "best": row.killed_best, "high": row.killed_high},
        "injured": {"low": row.injured_low, "best": row.injured_best, "high": row.injured_high},
        "casualty_notes": row.casualty_notes, "verification": row.verification,
        "violated_agreement_id": row.violated_agreement_id and str(row.violated_agreement_id),
        "violated_agreement_title": row.violated_agreement_title,
        "citations": citations,
    }  # fmt: skip
