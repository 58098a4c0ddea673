"""The one seam where the engines differ: full-text search, date arithmetic, CSV copy (and
the text of its cells), the change log's commit order and a hint to SQLite's planner.

Full-text search:
Each searchable table has a side table `<table>_fts` of (record_id, document): an FTS5 virtual
table on SQLite, a `tsvector` column under a GIN index on PostgreSQL. Both index the same
folded text (`app.core.names.match_key`: case, diacritics, apostrophes and articles folded;
Arabic letters normalised) and both match every query word as a word prefix, so a query finds
the same records on either engine. Query words are reduced to letters and digits before they
reach the engine, so no query can break its syntax.
"""

import codecs
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Double,
    Interval,
    SQLColumnExpression,
    TableClause,
    Text,
    Uuid,
    and_,
    case,
    cast,
    column,
    delete,
    false,
    func,
    insert,
    literal,
    literal_column,
    not_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from app.core.database import EXPORT_TIMEOUT_MS, AnySelect, fulltext_rowid, utcnow
from app.core.names import match_key

SUFFIX = "_fts"
# PostgreSQL's configuration that only lowercases: the text arrives folded already.
SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
MAX_WORDS = 16


@cache  # one object per table, so a query naming it twice joins it once
def fulltext_table(table_name: str) -> TableClause:
    return table(table_name + SUFFIX, column("record_id", Uuid()), column("document"))


def is_fulltext_table(name: str) -> bool:
    """The side tables (and FTS5's own shadow tables) that live outside the models."""
    return SUFFIX in name


def outside_models(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
    """Alembic's `include_object`: leave the hand-built full-text tables out of comparisons."""
    return not (type_ == "table" and name is not None and is_fulltext_table(name))


def index_document(
    session: Session, table_name: str, record_id: uuid.UUID, *texts: str | None
) -> None:
    """Store (or replace) the searchable text of one record."""
    side = fulltext_table(table_name)
    document = match_key(" ".join(text for text in texts if text))
    if _postgresql(session):
        session.execute(delete(side).where(side.c.record_id == record_id))
        value = func.to_tsvector(SIMPLE, document)
        session.execute(insert(side).values(record_id=record_id, document=value))
        return
    rowid = fulltext_rowid(record_id)
    keyed = table(side.name, column("rowid"), column("record_id", Uuid()), column("document"))
    # Its own row only: another record's id of the same first 64 bits keeps its row, and this
    # insert then fails (a 409) rather than silently taking that record out of search.
    session.execute(delete(keyed).where(keyed.c.rowid == rowid, keyed.c.record_id == record_id))
    session.execute(insert(keyed).values(rowid=rowid, record_id=record_id, document=document))


@dataclass(frozen=True)
class Match:
    """How to find records matching a query: join `side` on the record id, keep `condition`,
    and order by `rank` (ascending: best first)."""

    side: TableClause
    condition: ColumnElement[bool]
    rank: ColumnElement[float]


def match(session: Session, table_name: str, text: str) -> Match:
    side = fulltext_table(table_name)
    words = matching_words(text)
    if not words:
        return Match(side, false(), literal(0.0))
    if _postgresql(session):
        query = func.to_tsquery(SIMPLE, " & ".join(f"{word}:*" for word in words))
        # As double precision: a real would come back rounded and break the cursor's equality.
        rank = -cast(func.ts_rank(side.c.document, query), Double)
        return Match(side, side.c.document.op("@@")(query), rank)
    fts: ColumnElement[Any] = literal_column(side.name)
    query_text = " AND ".join(f'"{word}"*' for word in words)
    return Match(side, fts.op("MATCH")(query_text), func.bm25(fts))


def builds_json(connection: Connection) -> bool:
    """Whether a read's lists are built as JSON in its own query (`json_object`, `json_list`):
    on PostgreSQL; on SQLite each list is a query of its own."""
    return connection.dialect.name == "postgresql"


def json_object(fields: dict[str, SQLColumnExpression[Any]]) -> ColumnElement[Any]:
    """A JSON object of these fields, in this order (PostgreSQL)."""
    # The keys are field names, written into the SQL: the statement takes no parameters for them.
    pairs = [part for name, column in fields.items() for part in (_key(name), column)]
    return func.json_build_object(*pairs)


def _key(name: str) -> ColumnElement[str]:
    assert name.isidentifier(), name
    return literal_column(f"'{name}'", Text)


def json_list(
    rows: AnySelect, item: SQLColumnExpression[Any], order: Sequence[SQLColumnExpression[Any]]
) -> ColumnElement[Any]:
    """The items of `rows`, in `order`, as one JSON array (PostgreSQL): a scalar subquery."""
    items = func.json_agg(aggregate_order_by(item, *order))
    empty: ColumnElement[Any] = literal_column("'[]'::json")
    listed = rows.with_only_columns(func.coalesce(items, empty), maintain_column_froms=True)
    return listed.scalar_subquery()


def matching_words(text: str) -> list[str]:
    """The folded words of a query, as the engines match them (prefixes)."""
    return match_key(text).split()[:MAX_WORDS]


RECENT = timedelta(days=7)


def changed_since(
    session: Session, updated_at: SQLColumnExpression[datetime], since: datetime
) -> ColumnElement[bool]:
    """`updated_at >= since`. A recent cutoff (a feed's poll) is marked as one few rows meet:
    PostgreSQL's statistics know how few, but SQLite's planner guesses a quarter of the table
    and would rather walk the list's order index past every row that fails it."""
    condition = updated_at >= since
    if _postgresql(session) or since < utcnow() - RECENT:
        return condition
    return func.likelihood(condition, literal_column("0.001"))  # a constant, not a parameter


def month_of(session: Session, day: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """`YYYY-MM` of a date."""
    if _postgresql(session):
        return func.to_char(day, "YYYY-MM")
    return func.strftime("%Y-%m", day)


def year_of(session: Session, day: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """`YYYY` of a date."""
    if _postgresql(session):
        return func.to_char(day, "YYYY")
    return func.strftime("%Y", day)


def copy_csv(session: Session, statements: list[AnySelect]) -> Iterator[str] | None:
    """The rows of the statements, one after the other, as CSV (with one header), streamed
    by PostgreSQL's COPY: far faster than building rows in Python. None on engines without
    COPY."""
    if not _postgresql(session):
        return None
    return chain.from_iterable(
        _copied(session, statement, header=position == 0)
        for position, statement in enumerate(statements)
    )


def _copied(session: Session, statement: AnySelect, header: bool) -> Iterator[str]:
    compiled = statement.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    command = f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv, HEADER {str(header).upper()})"
    params = compiled.params
    decoder = codecs.getincrementaldecoder("utf-8")()
    connection = session.connection()
    export_timeout = int(connection.get_execution_options().get(EXPORT_TIMEOUT_MS, 0))
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]  # psycopg's connection, on PostgreSQL
        # One COPY is one statement for the whole export: it gets the export's own bound.
        cursor.execute(f"SET LOCAL statement_timeout = {export_timeout}")
        with cursor.copy(command, params) as copy:
            for data in copy:
                yield decoder.decode(bytes(data))
    yield decoder.decode(b"", final=True)


def iso_utc(moment: ColumnElement[Any]) -> ColumnElement[str]:
    """A PostgreSQL timestamp written as responses write it: `2017-01-23T11:25:00.5Z`-style,
    microseconds only when there are any."""
    text = func.to_char(func.timezone("UTC", moment), 'YYYY-MM-DD"T"HH24:MI:SS.US')
    return func.regexp_replace(text, r"\.000000$", "") + "Z"


def clock_time(moment: ColumnElement[Any]) -> ColumnElement[str]:
    """A PostgreSQL time of day as Python writes it: `11:25:00`, or `11:25:00.500000`."""
    text = func.to_char(cast(moment, Interval), "HH24:MI:SS.US")
    return func.regexp_replace(text, r"\.000000$", "")


def cell_text(value: ColumnElement[Any], kind: Any) -> ColumnElement[str]:
    """A value as CSV cells write it (app.core.shapes.csv_cell), in PostgreSQL."""
    if kind is datetime:
        return iso_utc(value)
    if kind is time:
        return clock_time(value)
    return cast(value, Text)


# A spreadsheet runs a cell that begins with one of these as a formula (OWASP's CSV injection):
# such a cell is written after a `'`, which spreadsheets show as text. A number, even a
# negative one, is left as it is.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$"


def defused_cell(cell: ColumnElement[str]) -> ColumnElement[str]:
    """A CSV cell no spreadsheet runs as a formula (app.core.shapes.defused, in PostgreSQL)."""
    formula = and_(func.left(cell, 1).in_(FORMULA_TRIGGERS), not_(cell.regexp_match(PLAIN_NUMBER)))
    return case((formula, "'" + cell), else_=cell)


def described(label: ColumnElement[str], details: list[ColumnElement[str]]) -> ColumnElement[str]:
    """An item named with its other facts in brackets, `name (a, b)`, as CSV cells write it:
    null facts left out, and no brackets when none are left (PostgreSQL)."""
    if not details:
        return label
    facts = func.nullif(func.concat_ws(", ", *details), "")
    return label + func.coalesce(" (" + facts + ")", "")


def pairs_text(document: ColumnElement[Any]) -> ColumnElement[str]:
    """A JSON object of text values (external ids) as CSV cells write it, `key: value, ...`,
    in its stored order (PostgreSQL)."""
    pairs = (
        func.jsonb_each_text(document)
        .table_valued(column("key", Text), column("value", Text), with_ordinality="n")
        .render_derived()
    )
    separator: ColumnElement[Any] = aggregate_order_by(literal_column("', '"), pairs.c.n)
    text = pairs.c.key + literal_column("': '") + pairs.c.value
    return select(func.string_agg(text, separator)).scalar_subquery()


def items_text(document: ColumnElement[Any]) -> ColumnElement[str]:
    """A JSON array of text values (tags, an agenda) as CSV cells write it, `a; b`, in order
    (PostgreSQL)."""
    items = (
        func.jsonb_array_elements_text(document)
        .table_valued(column("value", Text), with_ordinality="n")
        .render_derived()
    )
    separator: ColumnElement[Any] = aggregate_order_by(literal_column("'; '"), items.c.n)
    return select(func.string_agg(items.c.value, separator)).scalar_subquery()


def unnamed(cells: dict[str, ColumnElement[str]]) -> ColumnElement[str]:
    """An item with no name as CSV cells write it, every field as `key: value`, a null one
    empty: `category: civilians, outcome: killed, low: 1` (PostgreSQL)."""
    parts: list[ColumnElement[Any]] = []
    for position, (name, cell) in enumerate(cells.items()):
        assert name.isidentifier(), name
        parts += [literal_column(f"'{', ' if position else ''}{name}: '"), func.coalesce(cell, "")]
    return func.concat(*parts)


def joined(items: AnySelect, text: ColumnElement[str], order: list[Any]) -> ColumnElement[str]:
    """The `text` of each of `items`, in `order`, joined by `; ` into one cell (PostgreSQL)."""
    separator: ColumnElement[Any] = aggregate_order_by(literal_column("'; '"), *order)
    return items.with_only_columns(func.string_agg(text, separator)).scalar_subquery()


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def estimated_rows(session: Session, statement: AnySelect) -> int | None:
    """How many rows PostgreSQL's planner expects the statement to find; None on SQLite,
    which keeps no such statistics."""
    if not _postgresql(session):
        return None
    compiled = statement.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    plan = (
        session.connection()
        .exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params)
        .scalar_one()
    )
    return int(plan[0]["Plan"]["Plan Rows"])


def writers_share(bind: Engine | Connection) -> bool:
    """Whether transactions may write beside one another (PostgreSQL); SQLite lets one write
    at a time, so a long import's transaction keeps every other writer waiting."""
    return bind.dialect.name == "postgresql"


def bound_lock_waits(session: Session, seconds: float) -> None:
    """Make the session's transaction give up on a lock held elsewhere after `seconds`
    (SQLite's writers wait for their lock no longer than the engine's busy timeout anyway)."""
    if _postgresql(session):
        session.execute(text(f"SET LOCAL lock_timeout = {max(1, round(seconds * 1000))}"))


# Any constant will do: it names the lock writers take before logging a change.
CHANGE_LOG_LOCK = 7_306_121_949


def serialize_changes(session: Session) -> None:
    """Make change-log entries commit in the order they are numbered, so a feed reader who
    has seen entry N never misses a later-committing N-1. SQLite writers are serial already;
    PostgreSQL writers queue on a transaction-scoped lock from here to their commit."""
    if _postgresql(session):
        session.execute(select(func.pg_advisory_xact_lock(CHANGE_LOG_LOCK)))
