"""What every resource shares: reading live records, paging them, and the write rules
(create, partial update through the create schema's validation, soft delete)."""

import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import ColumnElement, Result, Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.orm.interfaces import LoaderOption

from app.core.conditional import etag
from app.core.database import Base, utcnow
from app.core.dialect import match
from app.core.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    Unprocessable,
    field_error,
    pydantic_errors,
)
from app.core.exports import Columns, csv_text
from app.core.pagination import ListQuery, SortKey, keyset, ordering, paginate
from app.core.schemas import ApiModel, PatchModel, json_time
from app.history.schemas import Action, Resource
from app.history.service import record_change

M = TypeVar("M", bound=Base)
C = TypeVar("C", bound=ApiModel)
Loc = tuple[str | int, ...]


STREAM_BATCH = 1000
# The versions a conditional write may apply to (None: whichever is current).
Versions = frozenset[int] | None


class Repository(Generic[M]):
    """Every query of one resource: its live rows, how they load, filter and sort."""

    model: type[M]
    load_options: ClassVar[Sequence[LoaderOption]] = ()

    def __init__(self, session: Session) -> None:
        self.session = session

    def live(self) -> Select[tuple[M]]:
        return select(self.model).where(self.model.deleted_at.is_(None))  # type: ignore[attr-defined]

    def get(
        self, record_id: uuid.UUID, *extra: LoaderOption, lock: bool = False, live: bool = True
    ) -> M | None:
        """The record (deleted ones too unless `live`), locked against other writers if `lock`."""
        statement = (
            (self.live() if live else select(self.model))
            .where(self._id == record_id)
            .options(*self.load_options, *extra)
            .execution_options(populate_existing=True)
        )
        if lock:
            statement = statement.with_for_update(of=self.model)
        return self.session.scalars(statement).one_or_none()

    def all_of(self, record_ids: list[uuid.UUID]) -> list[M]:
        """The live records with these ids, loaded as reads load them."""
        chosen = self.live().where(self._id.in_(record_ids)).options(*self.load_options)
        return list(self.session.scalars(chosen))

    def exists(self, record_id: uuid.UUID) -> bool:
        """Whether the record was ever created (deleted or not), without loading it."""
        found = self.session.scalar(select(self._id).where(self._id == record_id))
        return found is not None

    def page(self, query: ListQuery) -> tuple[list[M], str | None]:
        return paginate(self.session, self._listed(query), self.order(query), query)

    def page_statement(self, query: ListQuery) -> Select[Any]:
        """The SQL a page of this list runs (for query plans)."""
        return keyset(self._listed(query), self.order(query), query)

    def _listed(self, query: ListQuery) -> Select[Any]:
        """What a page selects, before the keyset."""
        return self.filtered(self.live(), query).options(*self.load_options)

    def _ids_listed(self, query: ListQuery) -> Select[Any]:
        """The ids a page selects, for lists that load their rows apart (without the ORM)."""
        return self.filtered(select(self._id).where(self.model.deleted_at.is_(None)), query)  # type: ignore[attr-defined]

    def stream(self, query: ListQuery) -> Iterator[M]:
        """Every matching row in the list's order, fetched in batches, never all at once."""
        statement = self.filtered(self.live(), query).options(*self.load_options)
        batches = statement.order_by(*ordering(self.order(query)))
        yield from self.session.scalars(batches.execution_options(yield_per=STREAM_BATCH))

    def conditions(self, query: Any) -> list[ColumnElement[bool]]:
        """The SQL conditions of every filter the query gives (all must hold)."""
        return []

    def filtered(self, statement: Select[tuple[M]], query: Any) -> Select[tuple[M]]:
        statement = statement.where(*self.conditions(query))
        text = self._search_text(query)
        if text is None:
            return statement
        found = match(self.session, self.model.__tablename__, text)
        return statement.join(found.side, found.side.c.record_id == self._id).where(found.condition)

    def order(self, query: Any) -> list[SortKey]:
        """The order a list asked for; by relevance first when searching with `q` unsorted."""
        sort = getattr(query, "sort", None)
        text = self._search_text(query)
        if text is not None and sort is None:
            rank = match(self.session, self.model.__tablename__, text).rank
            return [SortKey("rank", rank, float), SortKey.of(self._id)]
        by_creation = [SortKey.of(self.model.created_at), SortKey.of(self._id)]  # type: ignore[attr-defined]
        return self.sorts.get(sort, by_creation)

    # A domain's named sorts: `sort=` value (None: the default) -> keys.
    sorts: ClassVar[dict[str | None, list[SortKey]]] = {}
    # Domains whose `q` is full text over their side table (see app.core.dialect).
    fulltext: ClassVar[bool] = False

    @property
    def _id(self) -> InstrumentedAttribute[uuid.UUID]:
        return self.model.id  # type: ignore[attr-defined]

    def _search_text(self, query: Any) -> str | None:
        return getattr(query, "q", None) if self.fulltext else None


class Service(ABC, Generic[M, C]):
    """The write rules of one resource. It flushes; the caller commits."""

    repository_class: type[Repository[M]]
    create_schema: type[C]
    update_schema: type[PatchModel]
    read_schema: type[BaseModel]
    label: ClassVar[str] = "record"
    # The collection's name in URLs and in the change log, e.g. "incidents".
    resource: ClassVar[Resource]
    # What `apply` replaces beyond what a read loads (e.g. search terms).
    write_options: ClassVar[Sequence[LoaderOption]] = ()

    def __init__(self, session: Session) -> None:
        self.session = session
        self.repository = self.repository_class(session)
        self._kept: set[uuid.UUID] = set()

    def get(
        self, record_id: uuid.UUID, *extra: LoaderOption, lock: bool = False, live: bool = True
    ) -> M:
        record = self.repository.get(record_id, *extra, lock=lock, live=live)
        if record is None:
            raise NotFound(f"No {self.label} with id {record_id}.")
        return record

    def export(self, query: ListQuery) -> Iterator[dict[str, Any]]:
        """Every matching record as its JSON, in the list's order, a batch at a time."""
        for record in self.repository.stream(query):
            yield self.present(record, query).model_dump(mode="json")

    def page(self, query: ListQuery) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the list, each record as its JSON, and the next page's cursor."""
        records, next_cursor = self.repository.page(query)
        return [
            self.present(record, query).model_dump(mode="json") for record in records
        ], next_cursor

    def csv(self, query: ListQuery, columns: Columns) -> Iterator[str]:
        """Every matching record as CSV."""
        return csv_text(self.export(query), columns)

    def present(self, record: M, query: ListQuery | None = None) -> BaseModel:
        """The record as responses show it (a list's query may add to it, e.g. snippets)."""
        return self.read_schema.model_validate(record)

    def create(self, data: C) -> M:
        record = self.repository.model()
        self.apply(record, data)
        self.session.add(record)
        self.session.flush()
        self.index(record)
        created = self.get(record.id)  # type: ignore[attr-defined]
        self._log(created, "create", {}, self.snapshot(created).model_dump(mode="json"))
        return created

    def update(self, record_id: uuid.UUID, patch: PatchModel, expected: Versions = None) -> M:
        """Apply the patch, if the record is still at an `expected` version (None: any)."""
        record = self._current(record_id, expected, *self.write_options)
        current = self.snapshot(record)
        merged = self._merged(current, patch)
        if merged == current:
            return record  # nothing changes: no new version
        # References the record already makes stay valid even if their target was deleted since.
        self._kept = _uuids(current.model_dump())
        self.apply(record, merged)
        # Set by hand: a change to child rows alone must still date and version the record.
        record.updated_at = utcnow()  # type: ignore[attr-defined]
        self.session.flush()
        self.index(record)
        updated = self.get(record_id)
        self._log(
            updated, "update", current.model_dump(mode="json"), merged.model_dump(mode="json")
        )
        return updated

    def delete(self, record_id: uuid.UUID, expected: Versions = None) -> None:
        record = self._current(record_id, expected)
        record.deleted_at = utcnow()  # type: ignore[attr-defined]
        self.session.flush()
        self._log(record, "delete", {"deleted_at": None}, {"deleted_at": _stamp(record)})

    def restore(self, record_id: uuid.UUID, expected: Versions = None) -> M:
        """Undo a delete."""
        record = self._current(record_id, expected, live=False)
        if record.deleted_at is None:  # type: ignore[attr-defined]
            raise Conflict(f"The {self.label} {record_id} is not deleted.")
        deleted_at = _stamp(record)
        record.deleted_at = None  # type: ignore[attr-defined]
        record.updated_at = utcnow()  # type: ignore[attr-defined]
        self.session.flush()
        restored = self.get(record_id)
        self._log(restored, "restore", {"deleted_at": deleted_at}, {"deleted_at": None})
        return restored

    def snapshot(self, record: M) -> C:
        """The record as its writable fields (what a create would send)."""
        return self.create_schema.model_validate(record, from_attributes=True)

    def _current(
        self,
        record_id: uuid.UUID,
        expected: Versions,
        *extra: LoaderOption,
        live: bool = True,
    ) -> M:
        """The record, locked for this write, if it is still at the `expected` version."""
        record = self.get(record_id, *extra, lock=True, live=live)
        version: int = record.version  # type: ignore[attr-defined]
        if expected is not None and version not in expected:
            raise PreconditionFailed(
                f"The {self.label} is at version {version}: it changed since you read it. "
                "Read it again, reapply your change and retry.",
                headers={"ETag": etag(version)},
                current_version=version,
            )
        return record

    def _log(
        self, record: M, action: Action, before: dict[str, Any], after: dict[str, Any]
    ) -> None:
        record_change(
            self.session,
            self.resource,
            record.id,  # type: ignore[attr-defined]
            record.version,  # type: ignore[attr-defined]
            action,
            before,
            after,
        )

    @abstractmethod
    def apply(self, record: M, data: C) -> None:
        """Copy validated data onto the record, checking every reference it makes."""

    def index(self, record: M) -> None:
        """Bring the record's full-text document up to date, for domains searched by `q`."""

    def _merged(self, current: C, patch: PatchModel) -> C:
        """The record as it would be after the patch, validated like a new record.

        Nested objects (place, killed...) merge field by field; lists are replaced whole."""
        merged = current.model_dump()
        for name, value in patch.model_dump(exclude_unset=True).items():
            nested = isinstance(value, dict) and isinstance(getattr(current, name), BaseModel)
            merged[name] = merged[name] | value if nested else value
        try:
            return self.create_schema.model_validate(merged)
        except ValidationError as exc:
            raise Unprocessable.of(pydantic_errors(exc.errors(), ("body",))) from exc

    def require(self, model: type[Base], references: Mapping[Loc, uuid.UUID | None]) -> None:
        """Refuse the write when a referenced record does not exist (or was deleted)."""
        wanted = {value for value in references.values() if value is not None} - self._kept
        if not wanted:
            return
        found = set(
            self.session.scalars(
                select(model.id).where(  # type: ignore[attr-defined]
                    model.id.in_(wanted),  # type: ignore[attr-defined]
                    model.deleted_at.is_(None),  # type: ignore[attr-defined]
                )
            )
        )
        errors = [
            field_error(
                ("body", *loc),
                f"no {model.__tablename__} record with id {value}",
                "missing_reference",
            )
            for loc, value in references.items()
            if value in wanted and value not in found
        ]
        if errors:
            raise Unprocessable.of(errors)


def _stamp(record: Base) -> str | None:
    deleted_at = record.deleted_at  # type: ignore[attr-defined]
    return None if deleted_at is None else json_time(deleted_at)


def set_columns(record: Base, data: ApiModel, *names: str) -> None:
    for name in names:
        setattr(record, name, getattr(data, name))


def _uuids(value: Any) -> set[uuid.UUID]:
    """Every id anywhere in a dumped record."""
    if isinstance(value, uuid.UUID):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*(_uuids(item) for item in value))
    return set()


def by_record(result: Result[Any]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Rows whose first column is a record's id, as JSON-ready dicts of the other columns
    (ids written as strings), grouped by that record."""
    names = list(result.keys())[1:]
    grouped: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for record_id, *values in result:
        item = {
            name: str(value) if isinstance(value, uuid.UUID) else value
            for name, value in zip(names, values, strict=True)
        }
        grouped.setdefault(record_id, []).append(item)
    return grouped
