"""The identifiers a record has in other datasets: an ACLED `event_id_cnty`, a UCDP GED `id`, a
PA-X `AgtId`, a Wikidata item.

A record shows them as `external_ids`, `{"acled": "SYR1234", "pax": "2092"}`, a column of its
own; each pair is also a row of its `<table>_external_ids` table, whose key makes a (dataset, id)
name one record of a kind (deleted or not): the `external_id=acled:SYR1234` filter and an
import's lookups read that key.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Index,
    PrimaryKeyConstraint,
    String,
    and_,
    inspect,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, relationship

from app.core.database import JSONDocument, RecordMixin, child_table

Pair = tuple[str, str]  # (dataset, the record's id in it)


class ExternalId:
    dataset: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(100))


class Identified:
    """Gives a record its `external_ids` and the `<table>_external_ids` table that keys them."""

    __tablename__: str

    @declared_attr
    def external_ids(cls) -> Mapped[dict[str, str]]:
        return mapped_column(JSONDocument, default=dict)

    @declared_attr
    def external_id_rows(cls) -> Mapped[list[Any]]:
        index = Index(f"ix_{cls.__tablename__}_external_ids_record_id", "record_id")
        key = PrimaryKeyConstraint("dataset", "value")
        row = child_table(cls, "external_ids", ExternalId, key, index)
        return relationship(row, lazy="raise", cascade="all, delete-orphan")


def external_id_rows(model: type[Any]) -> Any:
    """The mapped class of `model`'s external ids."""
    return inspect(model).relationships["external_id_rows"].mapper.class_


def set_external_ids(record: Any, ids: dict[str, str]) -> None:
    """Replace a record's external ids (kept in dataset order; PostgreSQL's JSONB keeps an
    object's keys shortest first, so reads there show them so)."""
    row = external_id_rows(type(record))
    record.external_ids = dict(sorted(ids.items()))
    record.external_id_rows = [row(dataset=key, value=value) for key, value in sorted(ids.items())]


def _named(row: Any, pairs: Iterable[Pair]) -> ColumnElement[bool]:
    return or_(*(and_(row.dataset == dataset, row.value == value) for dataset, value in pairs))


def holders(
    session: Session, model: type[RecordMixin], pairs: Iterable[Pair]
) -> dict[Pair, uuid.UUID]:
    """The records of `model` (deleted ones too) that hold any of these pairs, by pair."""
    wanted = list(pairs)
    if not wanted:
        return {}
    row = external_id_rows(model)
    found = select(row.dataset, row.value, row.record_id).where(_named(row, wanted))
    return {(dataset, value): record_id for dataset, value, record_id in session.execute(found)}


def ids_with_external(model: type[RecordMixin], pairs: list[Pair]) -> ColumnElement[bool]:
    """Whether a record of `model` holds any of these pairs (the `external_id` filter)."""
    row = external_id_rows(model)
    return model.id.in_(select(row.record_id).where(_named(row, pairs)))
