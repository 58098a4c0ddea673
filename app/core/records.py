"""What every record shares: its list, paged and streamed through its read shape, and the write
rules (create, partial update validated as a whole new record, soft delete, restore), each
checked against the version the editor read and logged in the change log.

A domain's repository says how its filters narrow a select and how its list is ordered; its
service says how validated data is copied onto a record. Everything here flushes; the request
commits (app.core.database.unit_of_work).
"""

import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from itertools import chain
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import (
    ColumnElement,
    Double,
    Integer,
    Select,
    SQLColumnExpression,
    cast,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session, selectinload

from app.core.changelog import Action, log_change
from app.core.database import AnySelect, RecordMixin, utcnow
from app.core.dates import json_time
from app.core.dialect import copy_csv, match
from app.core.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    Unprocessable,
    field_error,
    pydantic_errors,
)
from app.core.identifiers import holders, ids_with_external, set_external_ids
from app.core.pagination import ListQuery, Part, SortKey, keyset, ordering, paginate_parts
from app.core.schemas import ApiModel, ExternalIdFilter, PatchModel
from app.core.shapes import BYTE_ORDER_MARK, Column, JsonRow, Shape, csv_text
from app.core.stats import Count, counted

M = TypeVar("M", bound=RecordMixin)
C = TypeVar("C", bound=ApiModel)
Q = TypeVar("Q", bound=ListQuery)
S = TypeVar("S", bound=AnySelect)
Loc = tuple[str | int, ...]
# The versions a conditional write may apply to (None: whichever is current).
Versions = frozenset[int] | None
RANK = "rank"
# How many matches of a search are ranked by relevance (README: "Search").
CANDIDATES = 1000


class RecordRepository(ABC, Generic[M, Q]):
    """Every query of a resource's records that is not particular to the resource."""

    model: type[M]
    shape: Shape

    def __init__(self, session: Session) -> None:
        self.session = session

    @abstractmethod
    def filtered(self, statement: S, query: Q) -> S:
        """`statement`, over this resource's table, narrowed to what the query's filters find."""

    @abstractmethod
    def order(self, query: Q) -> list[SortKey]:
        """The order the query asks for; its last key is unique, so the order is stable."""

    def locked(self, record_id: uuid.UUID, *, live: bool = True) -> M | None:
        """The record with every list it holds, locked against other writers until commit."""
        statement = (
            select(self.model)
            .where(self.model.id == record_id)
            .options(selectinload("*"))
            .with_for_update(of=self.model)
            .execution_options(populate_existing=True)
        )
        if live:
            statement = statement.where(self.model.deleted_at.is_(None))
        return self.session.scalars(statement).one_or_none()

    def restamp(
        self, record_id: uuid.UUID, created_at: datetime, updated_at: datetime, version: int
    ) -> None:
        """Give a record the times and version it had in the database it comes from."""
        stamped = update(self.model).where(self.model.id == record_id)
        self.session.execute(
            stamped.values(created_at=created_at, updated_at=updated_at, version=version)
        )

    def exists(self, record_id: uuid.UUID) -> bool:
        """Whether the record was ever created (deleted or not)."""
        found = self.session.scalar(select(self.model.id).where(self.model.id == record_id))
        return found is not None

    def shown(self, record_ids: list[uuid.UUID]) -> list[JsonRow]:
        """The live records with these ids, as responses show them, in the order given."""
        return self.shape.shown(self.session.connection(), record_ids, live_only=True)

    def page(self, query: Q) -> tuple[list[JsonRow], str | None]:
        """One page of the list, and the cursor of the next (None at the end)."""
        ids, next_cursor = paginate_parts(self.session, self.parts(query), query)
        return self.shape.shown(self.session.connection(), ids), next_cursor

    def page_statement(self, query: Q) -> AnySelect:
        """The SQL a page of the list runs first, for its ids (its plan is tested)."""
        return keyset(*self.parts(query)[0], query)

    def parts(self, query: Q) -> list[Part]:
        """What a page is read from: the list, or for a search by relevance, first the ranked
        candidates, then the other matches (see `relevance_parts`)."""
        order = self.order(query)
        text = getattr(query, "q", None)
        if text is None or order[0].name != RANK:
            return [self.listed(query)]
        live = select(self.model.id).where(self.model.deleted_at.is_(None))
        unsearched = self.filtered(live, query.model_copy(update={"q": None}))
        return relevance_parts(self.session, self.model, unsearched, order, text)

    def exported(self, query: Q) -> list[tuple[list[ColumnElement[bool]], list[SortKey]]]:
        """The list as an export reads it: in parts, each a condition and its order (one
        part, but for a list whose order may meet a null it must put last on every engine)."""
        return [([], self.order(query))]

    def stream(self, query: Q) -> Iterator[JsonRow]:
        """Every record the list finds, in its order, a batch at a time."""
        rows = self.filtered(self.shape.rows.where(self.model.deleted_at.is_(None)), query)
        return chain.from_iterable(
            self.shape.stream(self.session, rows.where(*part).order_by(*ordering(order)))
            for part, order in self.exported(query)
        )

    def cells(self, query: Q, columns: list[Column]) -> list[AnySelect]:
        """The list as CSV cells written in SQL, for COPY: a statement per part."""
        cells = self.shape.cells(columns)
        found = self.filtered(cells.where(self.model.deleted_at.is_(None)), query)
        return [
            found.where(*part).order_by(*ordering(order)) for part, order in self.exported(query)
        ]

    def count(self, query: Q) -> Count:
        """How many records the list finds (`count=true`)."""
        return counted(self.session, self.found(query))

    def newest(self, query: Q) -> list[JsonRow]:
        """The records the list finds that changed last, newest first, `limit` of them (a
        feed's entries)."""
        latest = [SortKey.of(self.model.updated_at, True), SortKey.of(self.model.id, True)]
        newest = self.found(query).order_by(*ordering(latest)).limit(query.limit)
        return self.shape.shown(self.session.connection(), list(self.session.scalars(newest)))

    def missing(self, model: type[RecordMixin], record_ids: set[uuid.UUID]) -> set[uuid.UUID]:
        """Those of the ids that name no live record of `model`."""
        found = select(model.id).where(model.id.in_(record_ids), model.deleted_at.is_(None))
        return record_ids - set(self.session.scalars(found))

    def listed(self, query: Q) -> tuple[Select[uuid.UUID], list[SortKey]]:
        """The ids of the records the list finds, and the order its pages walk them in."""
        return self.found(query), self.order(query)

    def found(self, query: Q) -> Select[uuid.UUID]:
        """The ids of the live records the list finds, in no order."""
        live = select(self.model.id).where(self.model.deleted_at.is_(None))
        return self.filtered(live, query)


class FacetedRepository(RecordRepository[M, Q]):
    """A repository whose list also counts the values of some keys (`facet=`)."""

    @abstractmethod
    def facet(self, query: Q, key: str) -> list[JsonRow]:
        """The commonest values of `key` among the records the list finds."""


class UnfilteredRepository(RecordRepository[M, Q]):
    """The repository of a list with no filters of its own, oldest record first."""

    def filtered(self, statement: S, query: Q) -> S:
        return identified(statement, self.model, query)

    def order(self, query: Q) -> list[SortKey]:
        return creation_order(self.model)


class RecordService(ABC, Generic[M, C, Q]):
    """The rules of one resource's records."""

    repository_class: type[RecordRepository[M, Q]]
    create_schema: type[C]
    label: str  # how messages name one record, e.g. "negotiation session"
    resource: str  # the collection, in URLs and in the change log, e.g. "negotiation-sessions"

    def __init__(self, session: Session) -> None:
        self.session = session
        self.repository = self.repository_class(session)
        # Ids the record being updated already refers to: they stay valid if deleted since.
        self._kept: set[uuid.UUID] = set()

    @abstractmethod
    def apply(self, record: M, data: C) -> None:
        """Copy validated data onto the record, checking every reference it makes."""

    def index(self, record: M) -> None:
        """Bring the record's full-text document up to date (for resources searched by `q`)."""

    def read(self, record_id: uuid.UUID) -> JsonRow:
        shown = self.repository.shown([record_id])
        if not shown:
            raise self._not_found(record_id)
        return shown[0]

    def shown(self, record_ids: list[uuid.UUID]) -> list[JsonRow]:
        return self.repository.shown(record_ids)

    def exists(self, record_id: uuid.UUID) -> bool:
        return self.repository.exists(record_id)

    def page(self, query: Q) -> tuple[list[JsonRow], str | None]:
        return self.repository.page(query)

    def export(self, query: Q) -> Iterator[JsonRow]:
        return self.repository.stream(query)

    def newest(self, query: Q) -> list[JsonRow]:
        return self.repository.newest(query)

    def tallies(self, query: Q) -> JsonRow:
        """What a page adds for `count=true` and `facet=`, on the lists that take them."""
        tallied: JsonRow = {}
        if getattr(query, "count", False):
            tallied["count"] = self.repository.count(query).model_dump()
        facets = getattr(query, "facet", [])  # only the lists of faceted repositories take it
        if facets and isinstance(self.repository, FacetedRepository):
            keys = dict.fromkeys(facets)
            tallied["facets"] = {key: self.repository.facet(query, key) for key in keys}
        return tallied

    def csv(self, query: Q, columns: list[Column]) -> Iterator[str]:
        """Every record the list finds as CSV: written by PostgreSQL's COPY where it can."""
        copied = copy_csv(self.session, self.repository.cells(query, columns))
        if copied is None:
            return csv_text(self.export(query), columns)
        return chain([BYTE_ORDER_MARK], copied)

    @property
    def read_schema(self) -> type[BaseModel]:
        return self.repository.shape.read

    def create(self, data: C, record_id: uuid.UUID | None = None) -> JsonRow:
        """A new record (with `record_id`, when it comes with one from another database)."""
        self._kept = set()  # a service may write many records (an import): none is kept here
        record = self.repository.model()
        if record_id is not None:
            record.id = record_id
        self.apply(record, data)
        self.session.add(record)
        self.session.flush()
        self.index(record)
        self._log(record, "create", {}, self.snapshot(record).model_dump(mode="json"))
        return self.read(record.id)

    def update(self, record_id: uuid.UUID, patch: PatchModel, expected: Versions = None) -> JsonRow:
        """Apply the patch, if the record is still at an `expected` version (None: any)."""
        record = self._current(record_id, expected)
        current = self.snapshot(record)
        merged = self._merged(current, patch)
        if merged == current:
            return self.read(record_id)  # nothing changes: no new version
        self._kept = _ids_in(current.model_dump())
        self.apply(record, merged)
        # Set by hand: a change to child rows alone must still date and version the record.
        record.updated_at = utcnow()
        self.session.flush()
        self.index(record)
        before, after = current.model_dump(mode="json"), merged.model_dump(mode="json")
        self._log(record, "update", before, after)
        return self.read(record_id)

    def delete(self, record_id: uuid.UUID, expected: Versions = None) -> None:
        record = self._current(record_id, expected)
        record.deleted_at = utcnow()
        self.session.flush()
        self._log(record, "delete", {"deleted_at": None}, {"deleted_at": _stamp(record)})

    def restore(self, record_id: uuid.UUID, expected: Versions = None) -> JsonRow:
        """Undo a delete."""
        record = self._current(record_id, expected, live=False)
        if record.deleted_at is None:
            raise Conflict(f"The {self.label} {record_id} is not deleted.")
        deleted_at = _stamp(record)
        record.deleted_at = None
        record.updated_at = utcnow()
        self.session.flush()
        self._log(record, "restore", {"deleted_at": deleted_at}, {"deleted_at": None})
        return self.read(record_id)

    def snapshot(self, record: M) -> C:
        """The record as its writable fields (what a create would send)."""
        return self.create_schema.model_validate(record, from_attributes=True)

    def identify(self, record: M, ids: dict[str, str]) -> None:
        """Give the record these external ids, refusing any that names another record of its
        kind (a deleted one too: restoring it would make two)."""
        held = holders(self.session, type(record), ids.items())
        taken = {f"{key}:{value}": str(owner) for (key, value), owner in held.items()
                 if owner != record.id}  # fmt: skip
        if taken:
            names = ", ".join(f"{pair} ({owner})" for pair, owner in taken.items())
            raise Conflict(f"These external ids already name another {self.label}: {names}.",
                           holders=taken)  # fmt: skip
        set_external_ids(record, ids)

    def require(self, model: type[RecordMixin], references: Mapping[Loc, uuid.UUID | None]) -> None:
        """Refuse the write when a referenced record does not exist (or was deleted)."""
        wanted = {value for value in references.values() if value is not None} - self._kept
        missing = self.repository.missing(model, wanted) if wanted else set()
        errors = [
            field_error(
                ("body", *loc),
                f"no {model.__tablename__} record with id {value}",
                "missing_reference",
            )
            for loc, value in references.items()
            if value in missing
        ]
        if errors:
            raise Unprocessable.of(errors)

    def _current(self, record_id: uuid.UUID, expected: Versions, *, live: bool = True) -> M:
        """The record, locked for this write, if it is still at the `expected` version."""
        record = self.repository.locked(record_id, live=live)
        if record is None:
            raise self._not_found(record_id)
        if expected is not None and record.version not in expected:
            raise PreconditionFailed(
                f"The {self.label} is at version {record.version}: it changed since you read "
                "it. Read it again, reapply your change and retry.",
                headers={"ETag": etag(record.version)},
                current_version=record.version,
            )
        return record

    def _not_found(self, record_id: uuid.UUID) -> NotFound:
        return NotFound(f"No {self.label} with id {record_id}.")

    def _log(self, record: M, action: Action, before: JsonRow, after: JsonRow) -> None:
        log_change(self.session, self.resource, record.id, record.version, action, (before, after))

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


def identified(statement: S, model: type[RecordMixin], query: ExternalIdFilter) -> S:
    """`statement` narrowed by the `external_id` filter every list has."""
    if not query.external_id:
        return statement
    return statement.where(ids_with_external(model, query.external_pairs()))


def searched(session: Session, statement: S, model: type[RecordMixin], text: str | None) -> S:
    """`statement` narrowed to the records whose full text matches `text` (all if None)."""
    if text is None:
        return statement
    found = match(session, model.__tablename__, text)
    return statement.join(found.side, found.side.c.record_id == model.id).where(found.condition)


def searched_order(
    session: Session,
    model: type[RecordMixin],
    text: str | None,
    sort: str | None,
    sorts: Mapping[str | None, list[SortKey]],
) -> list[SortKey]:
    """The named `sort`, or, for a search with `q` and no sort, the best hits first."""
    if text is None or sort is not None:
        return sorts[sort]
    rank = match(session, model.__tablename__, text).rank
    return [SortKey(RANK, rank, float), SortKey.of(model.id)]


def relevance_parts(
    session: Session,
    model: type[RecordMixin],
    unsearched: Select[uuid.UUID],
    order: Sequence[SortKey],
    text: str,
) -> list[Part]:
    """A search's pages by relevance, from `unsearched` (the list without `q`): ranking every
    match of a common word costs as much as reading them all, so only the first CANDIDATES
    matches of the full-text table, in its storage order, are ranked, best first (those the
    other filters keep); every other match follows them, by id. A page reads the second part
    only once the first is exhausted.

    The candidates are read and ranked from the full-text table alone, in the order its scan
    or its index yields rows (both storage order), so each page finds the same ones."""
    found = match(session, model.__tablename__, text)
    record_id = order[-1]
    candidates = (
        select(found.side.c.record_id, found.rank.label(RANK))
        .where(found.condition)
        .limit(CANDIDATES)
        .subquery("candidates")
    )
    ranked = unsearched.join(candidates, candidates.c.record_id == record_id.expression)
    ranked_order = [_tier(0), SortKey(RANK, candidates.c[RANK], float), record_id]
    others = [_tier(1), SortKey(RANK, cast(literal(0.0), Double), float), record_id]
    matching = searched(session, unsearched, model, text)
    rest = matching.where(record_id.expression.not_in(select(candidates.c.record_id)))
    return [(ranked, ranked_order), (rest, others)]


def _tier(number: int) -> SortKey:
    # Cast, for a bare number in ORDER BY would name a column by its position.
    return SortKey("tier", cast(literal(number), Integer), int)


def any_of(*filters: tuple[SQLColumnExpression[Any], Sequence[Any]]) -> list[ColumnElement[bool]]:
    """For each filter given values, its column holding one of them."""
    return [column.in_(values) for column, values in filters if values]


def creation_order(model: type[RecordMixin]) -> list[SortKey]:
    """Oldest first: the order of lists with no order of their own."""
    return [SortKey.of(model.created_at), SortKey.of(model.id)]


def etag(version: int) -> str:
    """A record's entity tag: its version, which every change increments."""
    return f'"{version}"'


def _stamp(record: RecordMixin) -> str | None:
    return None if record.deleted_at is None else json_time(record.deleted_at)


def set_columns(record: RecordMixin, data: ApiModel, *names: str) -> None:
    for name in names:
        setattr(record, name, getattr(data, name))


def _ids_in(value: Any) -> set[uuid.UUID]:
    """Every id anywhere in a dumped record."""
    if isinstance(value, uuid.UUID):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*(_ids_in(item) for item in value))
    return set()
