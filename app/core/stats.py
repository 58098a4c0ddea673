"""Counts and sums grouped by one or two keys, for a chart's series or a spreadsheet."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy import SQLColumnExpression, func, label, nulls_last, select
from sqlalchemy.orm import Session

from app.core.database import AnySelect
from app.core.dialect import estimated_rows
from app.core.errors import Unprocessable
from app.core.pagination import opaque, read_cursor
from app.core.schemas import ApiModel

MAX_KEYS = 2
# `count=true` counts exactly up to this many matches, then estimates (PostgreSQL's planner).
COUNT_CAP = 10_000
# `facet=` gives a key's commonest values, this many of them.
FACET_VALUES = 20
# A page of groups: a chart needs far fewer; two keys can make hundreds of thousands of them.
DEFAULT_GROUPS = 1_000
MAX_GROUPS = 10_000


def group_by_field(*keys: str) -> Any:
    """The `group_by` parameter of a domain that groups by these keys."""
    choice = "|".join(keys)
    pairs = [f"{first},{second}" for first in keys for second in keys if first != second]
    return Field(
        max_length=100,
        pattern=f"^({choice})(,({choice}))?$",
        description=f"One or two comma-separated keys out of: {', '.join(keys)}.",
        examples=[",".join(keys[:2])],
        json_schema_extra={"enum": [*keys, *pairs]},  # every choice, for clients' types
    )


class StatsQuery(ApiModel):
    group_by: str
    limit: int = Field(
        DEFAULT_GROUPS,
        ge=1,
        le=MAX_GROUPS,
        description=f"Groups per page, at most {MAX_GROUPS:,}; `next_cursor` gives the rest.",
    )
    cursor: str | None = Field(
        None, max_length=200, description="A previous page's `next_cursor`, unchanged."
    )
    format: Literal["json", "csv"] | None = Field(None, description="`csv` for a spreadsheet.")


class Stats(BaseModel):
    group_by: list[str] = Field(description="The keys grouped by, in order.")
    data: list[dict[str, Any]] = Field(
        description="One row per group: the keys' values, `count`, and any sums."
    )
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page of groups; null on the last."
    )


def stats_of(name: str, **columns: Any) -> type[Stats]:
    """The stats answer of a domain, as the document describes it: each group a row of these
    columns (the keys asked for and their ids, and the sums), all but `count` present only
    when grouped or summed by."""
    fields: dict[str, Any] = {
        "count": (int, Field(description="How many records the group holds.")),
        **{column: (kind | None, Field(None)) for column, kind in columns.items()},
    }
    row = create_model(f"{name}Group", __config__=ConfigDict(extra="forbid"), **fields)
    rows = (list[row], Field(description="One row per group, in key order."))
    return create_model(name, __base__=Stats, data=rows)


class Count(BaseModel):
    value: int = Field(description="How many records match the filters.")
    exact: bool = Field(
        description=f"Whether `value` is exact: it is up to {COUNT_CAP:,}; past that, on "
        "PostgreSQL, it is the planner's estimate."
    )


class FacetValue(BaseModel):
    value: str | None = Field(description="A value of the key (null: records without one).")
    count: int = Field(description="How many of the matching records have it.")


def count_field() -> Any:
    return Field(
        False,
        description=f"Add `count`: how many records match, exact up to {COUNT_CAP:,}, "
        "then an estimate (it says which).",
    )


def facet_field(*keys: str) -> Any:
    return Field(
        [],
        max_length=len(keys),
        description=f"Add `facets`: for each key given ({', '.join(keys)}), its "
        f"{FACET_VALUES} commonest values among the matching records, with their counts.",
    )


def tally_fields() -> dict[str, Any]:
    """The fields `count=` and `facet=` add to a page."""
    return {
        "count": (Count | None, Field(None, description="With `count=true`.")),
        "facets": (
            dict[str, list[FacetValue]] | None,
            Field(None, description="With `facet=`: the commonest values of each key."),
        ),
    }


def counted(session: Session, matching: AnySelect) -> Count:
    """How many rows `matching` finds: counted up to the cap, estimated past it."""
    capped = select(func.count()).select_from(matching.limit(COUNT_CAP + 1).subquery())
    found = session.scalar(capped) or 0
    if found <= COUNT_CAP:
        return Count(value=found, exact=True)
    estimate = estimated_rows(session, matching)
    if estimate is None:  # no planner's estimate (SQLite): count them all
        return Count(
            value=session.scalar(select(func.count()).select_from(matching.subquery())) or 0,
            exact=True,
        )
    return Count(value=max(estimate, COUNT_CAP + 1), exact=False)


def facet_values(session: Session, grouped: AnySelect, key: str) -> list[dict[str, Any]]:
    """The commonest values of `key` in a `grouping` statement, with their counts."""
    count = grouped.selected_columns["count"]
    commonest = grouped.order_by(None).order_by(
        count.desc(), nulls_last(grouped.selected_columns[key])
    )
    rows = session.execute(commonest.limit(FACET_VALUES)).mappings()
    return [{"value": _text(row[key]), "count": row["count"]} for row in rows]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class GroupPage:
    rows: list[dict[str, Any]]
    next_cursor: str | None


def group_keys(text: str, allowed: Mapping[str, Any]) -> list[str]:
    """The keys asked for, each one the domain can group by."""
    keys = [key.strip() for key in text.split(",")]
    unknown = [key for key in keys if key not in allowed]
    if unknown or not 1 <= len(keys) <= MAX_KEYS:
        choices = ", ".join(allowed)
        raise Unprocessable.at(["query", "group_by"], f"give one or two keys out of: {choices}")
    if len(set(keys)) != len(keys):
        raise Unprocessable.at(["query", "group_by"], "give two different keys", "cross_field")
    return keys


def grouping(
    statement: AnySelect,
    keys: Mapping[str, SQLColumnExpression[Any]],
    measures: Mapping[str, SQLColumnExpression[Any]],
) -> AnySelect:
    """`statement` grouped by `keys`, with the `measures`, in key order (a group of no value,
    such as the month of incidents of unknown date, last on every engine)."""
    columns = [label(name, expression) for name, expression in {**keys, **measures}.items()]
    groups = list(keys.values())
    narrowed = statement.with_only_columns(*columns, maintain_column_froms=True)
    return narrowed.group_by(*groups).order_by(*(nulls_last(group) for group in groups))


def grouped_rows(session: Session, statement: AnySelect, query: StatsQuery) -> GroupPage:
    """A page of the groups of a `grouping` statement, each a dict of its keys and measures.
    Groups are counted off in key order: a cursor holds how many came before."""
    skipped = _skipped(query)
    page = statement.offset(skipped).limit(query.limit + 1)
    rows = [dict(row._mapping) for row in session.execute(page)]
    if len(rows) <= query.limit:
        return GroupPage(rows, None)
    following = opaque({"group_by": _grouping(query), "skip": skipped + query.limit})
    return GroupPage(rows[: query.limit], following)


def _grouping(query: StatsQuery) -> str:
    """The keys grouped by, as a cursor names them (`month, actor` is `month,actor`)."""
    return ",".join(key.strip() for key in query.group_by.split(","))


def _skipped(query: StatsQuery) -> int:
    if query.cursor is None:
        return 0
    with read_cursor(query.cursor) as position:
        skipped = position["skip"]
        if position["group_by"] != _grouping(query) or type(skipped) is not int:
            raise ValueError("cursor of another grouping")
        if not 0 <= skipped < 2**31:
            raise ValueError("cursor out of range")
        return skipped
