"""Keyset (cursor) pagination: stable order, no skipped or repeated rows, constant cost per page."""

import base64
import binascii
import json
import math
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar, get_args

from pydantic import BaseModel, Field, create_model
from sqlalchemy import ColumnElement, and_, or_, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.core.database import AnySelect
from app.core.errors import Unprocessable
from app.core.schemas import ApiModel, ExternalIdFilter

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


ExportFormat = Literal["json", "csv", "ndjson", "geojson", "atom"]


class PageQuery(ApiModel):
    """Which page: how many rows, after which cursor."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page (1 to 500).")
    cursor: str | None = Field(
        None, max_length=1024, description="Opaque cursor from a previous page's `next_cursor`."
    )


class ListQuery(PageQuery, ExternalIdFilter):
    """Query parameters every list accepts (a page, `external_id`); each domain adds its
    filters and sorts.

    `fields` and `format` are declared here for their place among the parameters, right after
    the page's; each list narrows them to its own fields and formats (`fields_field`,
    `format_field`)."""

    fields: str | None = None
    format: ExportFormat | None = None


class Page(BaseModel, Generic[T]):
    data: list[T] = Field(description="The rows of this page.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


def fields_field(read: type[BaseModel]) -> Any:
    """A list's `fields=` parameter: comma-separated names of its read schema's fields."""
    names = "|".join(read.model_fields)
    return Field(
        None,
        max_length=1000,
        pattern=f"^({names})(,({names}))*$",
        description="Comma-separated fields to return, e.g. `id,name`.",
    )


def format_field(*streamed: ExportFormat) -> Any:
    """A list's `format=` parameter, offering JSON pages and these streamed formats."""
    named = ", ".join(f"`{fmt}`" for fmt in streamed)
    return Field(
        None,
        description=f"{named} streams every matching row, ignoring `limit`; "
        "`Accept: text/csv` does the same as `csv`.",
    )


def offered_formats(query: type[ListQuery]) -> tuple[str, ...]:
    """The formats a list offers: those its query's `format=` accepts."""
    annotation = query.model_fields["format"].annotation
    return tuple(value for choice in get_args(annotation) for value in get_args(choice))


def page_of(read: type[BaseModel], **extra: Any) -> type[BaseModel]:
    """A list's page: its rows are whole records, or some `fields=` of each (none required);
    and `extra` fields, as `create_model` takes them."""
    some: dict[str, Any] = {
        name: (info.annotation, Field(None, description=info.description))
        for name, info in read.model_fields.items()
    }
    fields = create_model(f"{read.__name__}Fields", **some)
    resource = read.__name__.removesuffix("Read")
    rows = read | fields  # a union of the two schemas, made at import
    return create_model(f"{resource}Page", __base__=Page[rows], **extra)  # type: ignore[valid-type]  # see above


def selected_fields(query: ListQuery) -> list[str] | None:
    """The fields asked for by `fields=`, each named once, in the order given."""
    return None if query.fields is None else list(dict.fromkeys(query.fields.split(",")))


@dataclass(frozen=True)
class SortKey:
    """One key of a list's order: a column or any SQL expression, named in cursors."""

    name: str
    expression: ColumnElement[Any]
    python_type: type
    descending: bool = False

    @classmethod
    def of(cls, column: InstrumentedAttribute[Any], descending: bool = False) -> "SortKey":
        return cls(column.key, column.expression, column.type.python_type, descending)

    @property
    def signature(self) -> str:
        return ("-" if self.descending else "") + self.name


# What both engines store in an integer column (SQLite's INTEGER, PostgreSQL's bigint).
INTEGER_RANGE = range(-(2**63), 2**63)


def _integer(value: str) -> int:
    number = int(value)
    if number not in INTEGER_RANGE:
        raise ValueError("cursor integer out of range")
    return number


def _finite(value: str) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("cursor number not finite")
    return number


_PARSERS: dict[type, Callable[[Any], Any]] = {
    uuid.UUID: uuid.UUID,
    datetime: datetime.fromisoformat,
    date: date.fromisoformat,
    str: str,
    int: _integer,
    float: _finite,
}


# A list paged in one order from several statements, each after the one before it in that order.
Part = tuple[AnySelect, Sequence["SortKey"]]


def paginate(
    session: Session, statement: AnySelect, order: Sequence[SortKey], query: PageQuery
) -> tuple[list[Any], str | None]:
    """One page of `statement` in `order` (which must end with a unique column): its rows (an
    entity, or a tuple when the statement selects several columns), and the next cursor."""
    return paginate_parts(session, [(statement, order)], query)


def paginate_parts(
    session: Session, parts: Sequence[Part], query: PageQuery
) -> tuple[list[Any], str | None]:
    """One page of a list made of parts: the next part is read only when the page is not
    full yet. The parts select the same columns, in orders of the same signature."""
    width = len(parts[0][0].column_descriptions)
    rows: list[Any] = []
    order = parts[0][1]
    for statement, order in parts:
        wanted = query.model_copy(update={"limit": query.limit - len(rows)})
        rows += session.execute(keyset(statement, order, wanted)).all()
        if len(rows) > query.limit:
            break
    records = [row[0] if width == 1 else tuple(row[:width]) for row in rows[: query.limit]]
    if len(rows) <= query.limit:
        return records, None
    return records, encode_cursor(order, list(rows[query.limit - 1][width:]))


def ordering(order: Sequence[SortKey]) -> list[ColumnElement[Any]]:
    """ORDER BY clauses for sort keys."""
    return [key.expression.desc() if key.descending else key.expression.asc() for key in order]


def keyset(statement: AnySelect, order: Sequence[SortKey], query: PageQuery) -> AnySelect:
    """The statement of one page: after the cursor, in order, one row more than the limit
    (to know if there is a next page), with the sort keys' values as extra columns."""
    if query.cursor is not None:
        statement = statement.where(_after(order, _decode(query.cursor, order)))
    keyed = statement.add_columns(*(key.expression for key in order)).order_by(*ordering(order))
    return keyed.limit(query.limit + 1)


def _after(order: Sequence[SortKey], values: list[Any]) -> ColumnElement[bool]:
    if len({key.descending for key in order}) == 1:
        columns = tuple_(*(key.expression for key in order))
        bound = tuple_(*values)
        return columns < bound if order[0].descending else columns > bound
    clauses = []
    for position, key in enumerate(order):
        equal = [order[i].expression == values[i] for i in range(position)]
        value = values[position]
        beyond = key.expression < value if key.descending else key.expression > value
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def encode_cursor(order: Sequence[SortKey], values: list[Any]) -> str:
    return opaque({"k": [key.signature for key in order], "v": [_plain(value) for value in values]})


def opaque(payload: dict[str, Any]) -> str:
    """A cursor holding `payload`: URL-safe, and not meant to be read or made by clients."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@contextmanager
def read_cursor(cursor: str) -> Iterator[Any]:
    """The payload of an `opaque` cursor; any error reading it within the block is a 422."""
    try:
        yield json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError) as exc:
        raise Unprocessable.at(
            ["query", "cursor"],
            "malformed cursor: pass a next_cursor unchanged",
            "malformed_cursor",
        ) from exc


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def _decode(cursor: str, order: Sequence[SortKey]) -> list[Any]:
    with read_cursor(cursor) as payload:
        if payload["k"] != [key.signature for key in order] or len(payload["v"]) != len(order):
            raise ValueError("cursor belongs to another order")
        return [_parse(key, value) for key, value in zip(order, payload["v"], strict=True)]


def _parse(key: SortKey, value: Any) -> Any:
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError("cursor values are strings without NUL bytes")
    value.encode("utf-8")  # refuses lone surrogates, which no engine can store
    return _PARSERS[key.python_type](value)
