"""The read shape of a resource, declared once.

Its read schema says which fields a record shows, in what order and of what types; a select
says where each comes from, its columns labelled by field (`place.name` for a field of a nested
object); `Linked` child rows fill its lists. From that one declaration come the JSON of every
read, page and export (NDJSON and GeoJSON properties are that JSON), and the CSV cells, whether
Python writes them or PostgreSQL's COPY does. Rows are read without the ORM: it is too slow
for a million rows.
"""

import csv
import io
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from sqlalchemy import (
    ColumnElement,
    Connection,
    Label,
    SQLColumnExpression,
    bindparam,
    case,
    func,
)
from sqlalchemy.orm import Session

from app.core.database import AnyRow, AnySelect
from app.core.dates import json_time
from app.core.dialect import (
    FORMULA_TRIGGERS,
    PLAIN_NUMBER,
    builds_json,
    cell_text,
    defused_cell,
    described,
    items_text,
    joined,
    json_list,
    json_object,
    pairs_text,
    unnamed,
)

JsonRow = dict[str, Any]
Column = tuple[str, ...]  # a CSV column: a field, or a field of a nested object
Children = dict[uuid.UUID, list[Any]]
Filler = Callable[[AnyRow, dict[str, Children]], Any]
BATCH = 2000
CSV_BATCH = 500
BYTE_ORDER_MARK = "\ufeff"  # tells spreadsheets a CSV file is UTF-8, so Arabic survives
_AS_JSON: dict[Any, Callable[[Any], Any]] = {
    uuid.UUID: str,
    datetime: json_time,
    date: date.isoformat,
    time: time.isoformat,
}


def plain_type(annotation: Any) -> Any:
    """The type a field holds, without its metadata (Annotated) or None."""
    if get_origin(annotation) is Annotated:
        return plain_type(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        kinds = [plain_type(kind) for kind in get_args(annotation) if kind is not NoneType]
        return kinds[0] if len(kinds) == 1 else annotation
    return annotation


def _model_of(annotation: Any) -> type[BaseModel] | None:
    kind = plain_type(annotation)
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def _as_json(annotation: Any) -> Callable[[Any], Any]:
    """How a stored value of this type is written in JSON, as pydantic writes it."""
    convert = _AS_JSON.get(plain_type(annotation))
    if convert is None:
        return lambda value: value
    return lambda value: None if value is None else convert(value)


def _unlabelled(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return column.element if isinstance(column, Label) else column


@dataclass(frozen=True)
class Linked:
    """A list field filled from child rows: `rows` selects the id of the record they belong
    to first, then the item's fields by name (or a single value, for a list of values)."""

    rows: AnySelect
    order: Sequence[SQLColumnExpression[Any]]

    @property
    def owner(self) -> ColumnElement[uuid.UUID]:
        return _unlabelled(next(iter(self.rows.selected_columns)))


@dataclass(frozen=True)
class IdsOf:
    """A list of ids drawn from the items of a linked field (target_ids from targets)."""

    field: str


class _Items:
    """The child rows of one linked field, fetched for many records at once."""

    def __init__(self, linked: Linked, annotation: Any) -> None:
        self.linked = linked
        owner = linked.owner
        # Built once: a statement reused is compiled and keyed once (SQLAlchemy's cache).
        self._of_owners = linked.rows.where(owner.in_(bindparam("ids", expanding=True))).order_by(
            owner, *linked.order
        )
        self.item_type = plain_type(get_args(plain_type(annotation))[0])
        self.model = _model_of(self.item_type)
        names = list(linked.rows.selected_columns.keys())[1:]
        if self.model is None:
            convert = _as_json(self.item_type)
            self.item: Callable[[AnyRow], Any] = lambda row: convert(row[1])
        else:
            converters = [(names.index(name) + 1, name, _as_json(info.annotation))
                          for name, info in self.model.model_fields.items()]  # fmt: skip
            self.item = lambda row: {name: convert(row[i]) for i, name, convert in converters}

    def of(self, connection: Connection, ids: list[uuid.UUID]) -> Children:
        found: Children = {}
        for row in connection.execute(self._of_owners, {"ids": ids}):
            found.setdefault(row[0], []).append(self.item(row))
        return found

    def aggregated(self, owner_id: ColumnElement[uuid.UUID]) -> ColumnElement[Any] | None:
        """The list of one record as a JSON array built in the record's own query (PostgreSQL),
        or None when an item holds a time, which PostgreSQL writes otherwise than responses."""
        fields = {} if self.model is None else self.model.model_fields
        kinds = [plain_type(info.annotation) for info in fields.values()] or [self.item_type]
        if datetime in kinds or time in kinds:
            return None
        rows = self.linked.rows.where(self.linked.owner == owner_id)
        columns = {name: _unlabelled(c) for name, c in rows.selected_columns.items()}
        value = list(columns.values())[1]  # a list of plain values: the one after the owner
        item = json_object({name: columns[name] for name in fields}) if fields else value
        return json_list(rows, item, self.linked.order)

    def cell(self, owner_id: ColumnElement[uuid.UUID]) -> ColumnElement[str]:
        """The list as one CSV cell, in SQL."""
        rows = self.linked.rows.where(self.linked.owner == owner_id)
        columns = {name: _unlabelled(c) for name, c in rows.selected_columns.items()}
        values = list(columns.values())[1:]
        if self.model is None:
            return joined(rows, cell_text(values[0], None), list(self.linked.order))
        fields = self.model.model_fields
        cells = {name: cell_text(columns[name], plain_type(info.annotation))
                 for name, info in fields.items()}  # fmt: skip
        label = _label_of(list(fields))
        if label is None:
            return joined(rows, unnamed(cells), list(self.linked.order))
        details = [cell for name, cell in cells.items() if _is_detail(name, label)]
        # An item whose name is unknown (a UN resolution, not recorded here) is told unnamed.
        text = case((columns[label].is_(None), unnamed(cells)),
                    else_=described(columns[label], details))  # fmt: skip
        return joined(rows, text, list(self.linked.order))


class Shape:
    """How the records of one resource are read: `read` is their schema; `rows` selects their
    own fields, labelled by name; `lists` fills the list fields."""

    def __init__(self, read: type[BaseModel], rows: AnySelect, **lists: Linked | IdsOf) -> None:
        self.read = read
        self.rows = rows
        self.lists = lists
        self._labels = list(rows.selected_columns.keys())
        self._id = self._labels.index("id")
        self._items = {
            name: _Items(linked, read.model_fields[name].annotation)
            for name, linked in lists.items()
            if isinstance(linked, Linked)
        }
        self._fillers = [(name, self._filler(name)) for name in read.model_fields]
        # `rows` with every list as a JSON column after the fields (PostgreSQL): a read or a
        # page is one round trip instead of one per list (None where a list cannot be so).
        self.with_lists = self._lists_in_one_query()
        self._by_ids = self._statements_by_ids()

    @property
    def id(self) -> ColumnElement[uuid.UUID]:
        return _unlabelled(self.rows.selected_columns["id"])

    def shown(
        self, connection: Connection, ids: Sequence[uuid.UUID], *, live_only: bool = False
    ) -> list[JsonRow]:
        """The records with these ids (only those not deleted, if `live_only`) as JSON, in the
        order given."""
        in_one_query = self.with_lists is not None and builds_json(connection)
        chosen = self._by_ids[in_one_query, live_only]
        found = {row[self._id]: row for row in connection.execute(chosen, {"ids": list(ids)})}
        rows = [found[record_id] for record_id in ids if record_id in found]
        if in_one_query:
            return self.from_rows_with_lists(rows)
        return self._json(connection, rows)

    def _statements_by_ids(self) -> dict[tuple[bool, bool], AnySelect]:
        """The statements `shown` runs, built once: (lists in one query, live only) -> select."""
        chosen = self.id.in_(bindparam("ids", expanding=True))
        live = self.id.table.c.deleted_at.is_(None)
        statements = {}
        for in_one_query in (False, True):
            base = self.with_lists if in_one_query else self.rows
            if base is None:
                continue
            statements[in_one_query, False] = base.where(chosen)
            statements[in_one_query, True] = base.where(chosen, live)
        return statements

    def from_rows_with_lists(self, rows: Sequence[Any]) -> list[JsonRow]:
        """Records as JSON from rows of `with_lists` (any row a position can index)."""
        return self._filled(rows, self._children_in(rows))

    def stream(self, session: Session, statement: AnySelect) -> Iterator[JsonRow]:
        """The records `statement` (a narrowing of `rows`) selects, as JSON, a batch at a time.

        The rows are read as the response is sent, after the request's commit: through the
        connection the session holds then, not the one it held while the handler ran."""
        connection = session.connection()
        result = connection.execute(statement.execution_options(yield_per=BATCH))
        for batch in result.partitions():
            yield from self._json(connection, batch)

    def cells(self, columns: list[Column]) -> AnySelect:
        """A select of `rows`' records as CSV cells (PostgreSQL's COPY writes them)."""
        cells = [defused_cell(self._cell(column)) for column in columns]
        if len(cells) == 1:
            # A row of one empty cell is `""` in Python's CSV, as an empty string is in COPY's;
            # COPY would write a null as an empty line, which readers skip.
            cells = [func.coalesce(cells[0], "")]
        labelled = [cell.label(".".join(column)) for cell, column in zip(cells, columns,
                    strict=True)]  # fmt: skip
        return self.rows.with_only_columns(*labelled, maintain_column_froms=True)

    def _json(self, connection: Connection, rows: Sequence[AnyRow]) -> list[JsonRow]:
        ids = [row[self._id] for row in rows]
        children = {name: items.of(connection, ids) for name, items in self._items.items()}
        return self._filled(rows, children)

    def _filled(self, rows: Sequence[Any], children: dict[str, Children]) -> list[JsonRow]:
        return [{name: fill(row, children) for name, fill in self._fillers} for row in rows]

    def _lists_in_one_query(self) -> AnySelect | None:
        lists = [items.aggregated(self.id) for items in self._items.values()]
        if any(column is None for column in lists):
            return None
        return self.rows.add_columns(*(column for column in lists if column is not None))

    def _children_in(self, rows: Sequence[Any]) -> dict[str, Children]:
        """The lists `with_lists` appends to each row, by field and record."""
        first = len(self._labels)
        return {
            name: {row[self._id]: row[first + i] for row in rows}
            for i, name in enumerate(self._items)
        }

    def _filler(self, name: str) -> Filler:
        """How the field `name` of a record is filled from its row and its child rows."""
        listed = self.lists.get(name)
        record = self._id
        if isinstance(listed, IdsOf):
            source = listed.field
            return lambda row, children: [
                item["id"] for item in children[source].get(row[record], [])
            ]
        if listed is not None:
            return lambda row, children: children[name].get(row[record], [])
        nested = _model_of(self.read.model_fields[name].annotation)
        if nested is None:
            return self._value(name, self.read.model_fields[name].annotation)
        parts = [(part, self._value(f"{name}.{part}", info.annotation))
                 for part, info in nested.model_fields.items()]  # fmt: skip
        return lambda row, children: {part: value(row, children) for part, value in parts}

    def _value(self, label: str, annotation: Any) -> Filler:
        position = self._labels.index(label)
        convert = _as_json(annotation)
        return lambda row, children: convert(row[position])

    def _cell(self, column: Column) -> ColumnElement[str]:
        name = column[0]
        listed = self.lists.get(name)
        if isinstance(listed, IdsOf):
            source = self._items[listed.field].linked
            owned = source.rows.where(source.owner == self.id)
            ids = _unlabelled(owned.selected_columns["id"])  # the ids the JSON takes, too
            return joined(owned, cell_text(ids, None), list(source.order))
        if listed is not None:
            return self._items[name].cell(self.id)
        annotation = self.read.model_fields[name].annotation
        if len(column) == 2:
            nested = _model_of(annotation)
            annotation = nested.model_fields[column[1]].annotation if nested else annotation
        kind = plain_type(annotation)
        value = _unlabelled(self.rows.selected_columns[".".join(column)])
        if get_origin(kind) is dict:
            return pairs_text(value)
        if get_origin(kind) is list:
            return items_text(value)
        return cell_text(value, kind)


def nested_fields(read: type[BaseModel]) -> frozenset[str]:
    """The fields of a read schema that hold an object of its own (place, killed...)."""
    return frozenset(name for name, info in read.model_fields.items() if _model_of(info.annotation))


def item_label(item: Any) -> str:
    """An item of a list in a few words: its name or title, else as a CSV cell tells it."""
    label = _label_of(list(item)) if isinstance(item, dict) else None
    return str(item[label]) if label is not None and item[label] is not None else csv_cell(item)


def csv_columns(read: type[BaseModel], fields: list[str] | None) -> list[Column]:
    """A list's CSV columns: its fields, nested objects spread into `place.name`, ..."""
    columns: list[Column] = []
    for name in fields or list(read.model_fields):
        nested = _model_of(read.model_fields[name].annotation)
        if nested is None:
            columns.append((name,))
        else:
            columns.extend((name, part) for part in nested.model_fields)
    return columns


def csv_cell(value: Any) -> str:
    """A JSON value as a readable CSV cell: lists joined by `; `, items named with their other
    facts in brackets (app.core.dialect writes the same in SQL)."""
    kind = type(value)
    if kind is str:
        return str(value)
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"  # as JSON writes it, and PostgreSQL's text
    if kind is list:
        return "; ".join(csv_cell(item) for item in value)
    if kind is dict:
        return _describe(value)
    return str(value)


def _describe(item: JsonRow) -> str:
    """A nested item in words: its name, then its other facts in brackets."""
    label = _label_of(list(item))
    if label is None or item[label] is None:
        return ", ".join(f"{key}: {csv_cell(value)}" for key, value in item.items())
    details = [
        csv_cell(value)
        for key, value in item.items()
        if _is_detail(key, label) and value is not None
    ]
    return f"{item[label]} ({', '.join(details)})" if details else str(item[label])


def _label_of(names: list[str]) -> str | None:
    """The field that names an item in a CSV cell: its first name or title."""
    return next((name for name in names if name.endswith(("name", "title"))), None)


def _is_detail(name: str, label: str) -> bool:
    """Whether a field of an item is told in brackets after its label: ids and addresses are
    left out of cells meant for reading."""
    return name != label and not name.endswith(("id", "url"))


def defused(cell: str) -> str:
    """A CSV cell no spreadsheet runs as a formula (app.core.dialect.FORMULA_TRIGGERS)."""
    if cell.startswith(FORMULA_TRIGGERS) and _PLAIN_NUMBER.match(cell) is None:
        return "'" + cell
    return cell


_PLAIN_NUMBER = re.compile(PLAIN_NUMBER.removesuffix("$") + r"\Z")  # `$` in PostgreSQL


def csv_text(rows: Iterator[JsonRow], columns: list[Column]) -> Iterator[str]:
    """CSV of the rows, with a header and the byte order mark spreadsheets need."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([".".join(column) for column in columns])
    yield BYTE_ORDER_MARK + _drained(buffer)
    for number, row in enumerate(rows, 1):
        writer.writerow([defused(cell_at(row, column)) for column in columns])
        if number % CSV_BATCH == 0:
            yield _drained(buffer)
    yield _drained(buffer)


def _drained(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def cell_at(row: JsonRow, column: Column) -> str:
    """The cell of `column` in a record's JSON: a field that is an object of values (ids in
    other datasets, translations) as `key: value` pairs, as PostgreSQL writes them."""
    value = row.get(column[0])
    if len(column) == 2:
        value = value.get(column[1]) if isinstance(value, dict) else None
    elif isinstance(value, dict):
        return pairs_cell(value)
    return csv_cell(value)


def pairs_cell(values: JsonRow) -> str:
    """An object of values (ids in other datasets, translations) as `key: value` pairs."""
    return ", ".join(f"{key}: {csv_cell(item)}" for key, item in values.items())
