"""Every list as CSV, NDJSON or GeoJSON, streamed row by row in constant memory."""

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from app.core.errors import Unprocessable

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
    "geojson": "application/geo+json",
}
ACCEPTED = {"text/csv": "csv", "application/x-ndjson": "ndjson", "application/geo+json": "geojson"}
Row = dict[str, Any]


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


def selected_fields(fields: str | None, read: type[BaseModel]) -> list[str] | None:
    """The fields asked for by `fields=`, each checked against the response schema."""
    if fields is None:
        return None
    names = list(dict.fromkeys(fields.split(",")))
    unknown = [name for name in names if name not in read.model_fields]
    if unknown:
        raise Unprocessable.at(["query", "fields"], f"unknown field(s): {', '.join(unknown)}")
    return names


def export_response(
    rows: Iterator[Row], read: type[BaseModel], fmt: str, fields: list[str] | None, name: str
) -> StreamingResponse:
    writers: dict[str, Callable[[Iterator[Row]], Iterator[str]]] = {
        "csv": lambda rows: _csv(rows, _columns(read, fields)),
        "ndjson": lambda rows: _ndjson(rows, fields),
        "geojson": lambda rows: _geojson(rows, fields),
    }
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    body = _chunked(writers[fmt](rows))
    return StreamingResponse(body, media_type=MEDIA_TYPES[fmt], headers=headers)


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


def _columns(read: type[BaseModel], fields: list[str] | None) -> list[tuple[str, ...]]:
    """CSV columns as paths into a row: nested objects spread into `place.name`, ..."""
    columns: list[tuple[str, ...]] = []
    for name in fields or list(read.model_fields):
        annotation = read.model_fields[name].annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            columns.extend((name, inner) for inner in annotation.model_fields)
        else:
            columns.append((name,))
    return columns


def _csv(rows: Iterator[Row], columns: list[tuple[str, ...]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The byte-order mark tells spreadsheets the file is UTF-8, so Arabic survives.
    writer.writerow([".".join(path) for path in columns])
    yield "\ufeff" + _drain(buffer)
    for row in rows:
        writer.writerow([_cell(_at(row, path)) for path in columns])
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _at(row: Row, path: tuple[str, ...]) -> Any:
    value: Any = row
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_cell(item) for item in value)
    if isinstance(value, dict):
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
