"""Every list as CSV, NDJSON or GeoJSON, streamed row by row in constant memory."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, create_model

from app.core.errors import Unprocessable
from app.core.pagination import ListQuery

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
    "geojson": "application/geo+json",
}
ACCEPTED = {"text/csv": "csv", "application/x-ndjson": "ndjson", "application/geo+json": "geojson"}
BYTE_ORDER_MARK = "\ufeff"  # tells spreadsheets a CSV file is UTF-8, so Arabic survives
Row = dict[str, Any]
Columns = list[tuple[str, ...]]  # CSV columns as paths into a row
CSV_BATCH = 500


def requested_format(given: str | None, accept: str | None, allowed: Iterable[str]) -> str:
    """The format asked for by `format=`, else by the Accept header, else JSON."""
    chosen = given or next(
        (ACCEPTED[kind] for kind in _media_ranges(accept) if kind in ACCEPTED), "json"
    )
    if chosen not in allowed:
        raise Unprocessable.at(["query", "format"], f"this list is not available as {chosen}")
    return chosen


def _media_ranges(accept: str | None) -> list[str]:
    return [part.split(";")[0].strip().lower() for part in (accept or "").split(",")]


def for_resource(
    query: type[ListQuery], read: type[BaseModel], formats: tuple[str, ...]
) -> type[ListQuery]:
    """The list's query, its `fields=` and `format=` spelling out what this list accepts."""
    names = "|".join(read.model_fields)
    fields = Field(
        None,
        max_length=1000,
        pattern=f"^({names})(,({names}))*$",
        description="Comma-separated fields to return, e.g. `id,name`.",
    )
    streamed = ", ".join(f"`{fmt}`" for fmt in formats if fmt != "json")
    format_ = Field(
        None,
        description=f"{streamed} streams every matching row, ignoring `limit`; "
        "`Accept: text/csv` does the same as `csv`.",
    )
    return create_model(
        query.__name__,
        __base__=query,
        fields=(str | None, fields),
        format=(Literal[formats] | None, format_),  # type: ignore[valid-type]
    )


def some_fields_of(read: type[BaseModel]) -> type[BaseModel]:
    """The rows of a list asked for some `fields=`: the record's fields, none required."""
    fields: dict[str, Any] = {
        name: (info.annotation, Field(None, description=info.description))
        for name, info in read.model_fields.items()
    }
    return create_model(f"{read.__name__}Fields", **fields)


def selected_fields(fields: str | None, read: type[BaseModel]) -> list[str] | None:
    """The fields asked for by `fields=`, each checked against the response schema."""
    if fields is None:
        return None
    names = list(dict.fromkeys(fields.split(",")))
    unknown = [name for name in names if name not in read.model_fields]
    if unknown:
        raise Unprocessable.at(["query", "fields"], f"unknown field(s): {', '.join(unknown)}")
    return names


def export_response(body: Iterator[str], fmt: str, name: str) -> StreamingResponse:
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return StreamingResponse(_chunked(body), media_type=MEDIA_TYPES[fmt], headers=headers)


def json_text(rows: Iterator[Row], fmt: str, fields: list[str] | None) -> Iterator[str]:
    """NDJSON, or a GeoJSON FeatureCollection, of the rows."""
    return _geojson(rows, fields) if fmt == "geojson" else _ndjson(rows, fields)


def _chunked(pieces: Iterator[str], size: int = 64 * 1024) -> Iterator[str]:
    """Pieces joined into chunks of about `size` characters: one message per row is slow."""
    chunk: list[str] = []
    length = 0
    for piece in pieces:
        chunk.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(chunk)
            chunk, length = [], 0
    if chunk:
        yield "".join(chunk)


def csv_columns(read: type[BaseModel], fields: list[str] | None) -> list[tuple[str, ...]]:
    """CSV columns as paths into a row: nested objects spread into `place.name`, ..."""
    columns: list[tuple[str, ...]] = []
    for name in fields or list(read.model_fields):
        annotation = read.model_fields[name].annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            columns.extend((name, inner) for inner in annotation.model_fields)
        else:
            columns.append((name,))
    return columns


def csv_text(rows: Iterator[Row], columns: list[tuple[str, ...]]) -> Iterator[str]:
    """CSV of the rows, nested values flattened into readable cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([".".join(path) for path in columns])
    yield BYTE_ORDER_MARK + _drain(buffer)
    batch: list[list[str]] = []
    for row in rows:
        batch.append([_cell(_at(row, path)) for path in columns])
        if len(batch) == CSV_BATCH:
            writer.writerows(batch)
            batch = []
            yield _drain(buffer)
    writer.writerows(batch)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _at(row: Row, path: tuple[str, ...]) -> Any:
    value = row.get(path[0])
    if len(path) == 1:
        return value
    return value.get(path[1]) if isinstance(value, dict) else None


def _cell(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if value is None:
        return ""
    if kind is list:
        return "; ".join(_cell(item) for item in value)
    if kind is dict:
        return _describe(value)
    return str(value)


def _describe(item: Row) -> str:
    """A nested item in words: its name, then its other facts in brackets."""
    label = next((key for key in item if key.endswith(("name", "title"))), None)
    details = [
        _cell(value)
        for key, value in item.items()
        if key != label and value is not None and not key.endswith(("id", "url"))
    ]
    if label is None:
        return ", ".join(f"{key}: {_cell(value)}" for key, value in item.items())
    return f"{item[label]} ({', '.join(details)})" if details else str(item[label])


def pick(row: Row, fields: list[str] | None) -> Row:
    return row if fields is None else {name: row[name] for name in fields}


def _ndjson(rows: Iterator[Row], fields: list[str] | None) -> Iterator[str]:
    for row in rows:
        yield json.dumps(pick(row, fields), ensure_ascii=False) + "\n"


def _geojson(rows: Iterator[Row], fields: list[str] | None) -> Iterator[str]:
    yield '{"type":"FeatureCollection","features":['
    separator = ""
    for row in rows:
        yield separator + json.dumps(_feature(row, fields), ensure_ascii=False)
        separator = ","
    yield "]}"


def _feature(row: Row, fields: list[str] | None) -> Row:
    place = row.get("place") or {}
    located = place.get("latitude") is not None and place.get("longitude") is not None
    point = {"type": "Point", "coordinates": [place.get("longitude"), place.get("latitude")]}
    return {
        "type": "Feature",
        "id": row.get("id"),
        "geometry": point if located else None,
        "properties": pick(row, fields),
    }
