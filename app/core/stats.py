"""Counts and sums grouped by one or two keys, for a chart's series or a spreadsheet."""

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import Session

from app.core.errors import Unprocessable, problem_responses
from app.core.schemas import ApiModel

MAX_KEYS = 2
# What a stats route can answer: the groups as JSON or CSV, or a problem.
STATS_RESPONSES: dict[int | str, dict[str, Any]] = {
    **problem_responses(422, 500, 503),
    200: {"content": {"text/csv": {}}},
}


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


def grouped(
    session: Session,
    statement: Select[Any],
    keys: Mapping[str, ColumnElement[Any]],
    measures: Mapping[str, ColumnElement[Any]],
) -> list[dict[str, Any]]:
    """Rows of `statement` grouped by `keys`, with the `measures`, in key order."""
    columns = [expression.label(name) for name, expression in (keys | measures).items()]
    groups = list(keys.values())
    narrowed = statement.with_only_columns(*columns, maintain_column_froms=True)
    rows = session.execute(narrowed.group_by(*groups).order_by(*groups))
    return [dict(row._mapping) for row in rows]


def stats_response(
    keys: list[str], rows: list[dict[str, Any]], fmt: str | None, name: str
) -> Stats | StreamingResponse:
    return _csv(rows, name) if fmt == "csv" else Stats(group_by=keys, data=rows)


def _csv(rows: list[dict[str, Any]], name: str) -> StreamingResponse:
    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["count"])
        writer.writeheader()
        writer.writerows(rows)
        yield "\ufeff" + buffer.getvalue()

    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers=headers)
