"""Counts and sums grouped by one or two keys, for a chart's series or a spreadsheet."""

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import SQLColumnExpression, label, nulls_last
from sqlalchemy.orm import Session

from app.core.database import AnySelect
from app.core.errors import Unprocessable
from app.core.schemas import ApiModel

MAX_KEYS = 2


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
    format: Literal["json", "csv"] | None = Field(None, description="`csv` for a spreadsheet.")


class Stats(BaseModel):
    group_by: list[str] = Field(description="The keys grouped by, in order.")
    data: list[dict[str, Any]] = Field(
        description="One row per group: the keys' values, `count`, and any sums."
    )


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


def grouped_rows(session: Session, statement: AnySelect) -> list[dict[str, Any]]:
    """The groups of a `grouping` statement, each a dict of its keys and measures."""
    return [dict(row._mapping) for row in session.execute(statement)]
