"""Counts and sums grouped by one or two keys, for a chart's series or a spreadsheet."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import SQLColumnExpression, label, nulls_last
from sqlalchemy.orm import Session

from app.core.database import AnySelect
from app.core.errors import Unprocessable
from app.core.pagination import opaque, read_cursor
from app.core.schemas import ApiModel

MAX_KEYS = 2
# A page of groups: a chart needs far fewer; two keys can make hundreds of thousands of them.
DEFAULT_GROUPS = 1_000
MAX_GROUPS = 10_000


def group_by_field(*keys: str) -> Any:
    """The `group_by` parameter of a domain that groups by these keys."""
    choice = "|".join(keys)
    return Field(
        max_length=100,
        pattern=f"^({choice})(,({choice}))?$",
        description=f"One or two comma-separated keys out of: {', '.join(keys)}.",
        examples=[",".join(keys[:2])],
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
