"""A list as its client asks for it (`format=` or the Accept header): a JSON page with a `Link`
to the next, every row streamed as CSV, NDJSON or GeoJSON, in constant memory, or an Atom feed
of those that changed last."""

import csv
import io
import json
from collections.abc import Iterator
from typing import Protocol, TypeVar

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from app.api.feeds import MEDIA_TYPE as ATOM_MEDIA_TYPE
from app.api.feeds import feed
from app.api.links import public_link
from app.api.readers import requested_format
from app.api.responses import JsonResponse
from app.core.errors import Unprocessable
from app.core.pagination import ListQuery, offered_formats, selected_fields
from app.core.shapes import (
    BYTE_ORDER_MARK,
    Column,
    JsonRow,
    csv_cell,
    csv_columns,
    defused,
    item_label,
    nested_fields,
    pairs_cell,
)
from app.core.stats import GroupPage, Stats

MEDIA_TYPES = {
    "atom": ATOM_MEDIA_TYPE,
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
    "geojson": "application/geo+json",
}
CHUNK_CHARACTERS = 64 * 1024

Q = TypeVar("Q", bound=ListQuery, contravariant=True)


class Listable(Protocol[Q]):
    """A resource's service, as far as its list needs it."""

    resource: str

    @property
    def read_schema(self) -> type[BaseModel]: ...

    def page(self, query: Q) -> tuple[list[JsonRow], str | None]: ...

    def export(self, query: Q) -> Iterator[JsonRow]: ...

    def csv(self, query: Q, columns: list[Column]) -> Iterator[str]: ...

    def newest(self, query: Q) -> list[JsonRow]: ...

    def tallies(self, query: Q) -> JsonRow: ...


def listing(request: Request, records: Listable[Q], query: Q) -> Response:
    """The list in the format asked for: a page of JSON, or every row streamed."""
    formats = offered_formats(type(query))
    fmt = requested_format(query.format, request.headers.get("accept"))
    if fmt not in formats:
        raise Unprocessable.at(["query", "format"], f"this list is not available as {fmt}")
    fields = selected_fields(query)
    if fmt == "csv":
        columns = csv_columns(records.read_schema, fields)
        return _streamed(records.csv(query, columns), fmt, records.resource)
    if fmt == "atom":
        return feed(request, records.resource, records.newest(query))
    if fmt == "geojson":
        features = _geojson(records.export(query), fields, nested_fields(records.read_schema))
        return _streamed(features, fmt, records.resource)
    if fmt == "ndjson":
        return _streamed(_ndjson(records.export(query), fields), fmt, records.resource)
    rows, next_cursor = records.page(query)
    page = {"data": [_picked(row, fields) for row in rows], "next_cursor": next_cursor}
    page |= records.tallies(query)
    return JsonResponse(page, headers=_next_link(request, next_cursor))


def stats_response(request: Request, keys: list[str], groups: GroupPage, fmt: str | None,
                   name: str) -> Response:  # fmt: skip
    """A page of counts per group, as JSON or as a CSV file for a spreadsheet, with a `Link`
    to the next page."""
    link = _next_link(request, groups.next_cursor)
    if fmt != "csv":
        stats = Stats(group_by=keys, data=groups.rows, next_cursor=groups.next_cursor)
        return JsonResponse(stats.model_dump(mode="json"), headers=link)
    buffer = io.StringIO()
    names = list(groups.rows[0]) if groups.rows else ["count"]
    writer = csv.writer(buffer)
    writer.writerow(names)
    writer.writerows([defused(csv_cell(row[name])) for name in names] for row in groups.rows)
    response = _streamed(iter([BYTE_ORDER_MARK + buffer.getvalue()]), "csv", name)
    response.headers.update(link)
    return response


def _next_link(request: Request, next_cursor: str | None) -> dict[str, str]:
    if next_cursor is None:
        return {}
    following = request.url.include_query_params(cursor=next_cursor)
    return {"Link": f'<{public_link(request, following.path, following.query)}>; rel="next"'}


def _picked(row: JsonRow, fields: list[str] | None) -> JsonRow:
    return row if fields is None else {name: row[name] for name in fields}


def _streamed(body: Iterator[str], fmt: str, name: str) -> StreamingResponse:
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return StreamingResponse(_chunked(body), media_type=MEDIA_TYPES[fmt], headers=headers)


def _chunked(pieces: Iterator[str]) -> Iterator[str]:
    """Pieces joined into chunks of about 64 KB: one message per row is slow."""
    chunk: list[str] = []
    length = 0
    for piece in pieces:
        chunk.append(piece)
        length += len(piece)
        if length >= CHUNK_CHARACTERS:
            yield "".join(chunk)
            chunk, length = [], 0
    if chunk:
        yield "".join(chunk)


def _ndjson(rows: Iterator[JsonRow], fields: list[str] | None) -> Iterator[str]:
    for row in rows:
        yield json.dumps(_picked(row, fields), ensure_ascii=False) + "\n"


def _geojson(
    rows: Iterator[JsonRow], fields: list[str] | None, nested: frozenset[str]
) -> Iterator[str]:
    """A FeatureCollection, its `bbox` (after the features: it is known only then) framing
    every located one."""
    yield '{"type":"FeatureCollection","features":['
    separator = ""
    frame: list[float] = []
    for row in rows:
        feature = _feature(row, fields, nested)
        if feature["geometry"] is not None:
            frame = _framing(frame, feature["geometry"]["coordinates"])
        yield separator + json.dumps(feature, ensure_ascii=False)
        separator = ","
    yield "]" + (f',"bbox":{json.dumps(frame)}' if frame else "") + "}"


def _framing(frame: list[float], point: list[float]) -> list[float]:
    if not frame:
        return [*point, *point]
    (west, south, east, north), (x, y) = frame, point
    return [min(west, x), min(south, y), max(east, x), max(north, y)]


def _feature(row: JsonRow, fields: list[str] | None, nested: frozenset[str]) -> JsonRow:
    """A record as a Feature: its properties flat for a map's style expressions, or with
    `fields=` those fields as the JSON gives them."""
    place = row.get("place") or {}
    located = place.get("latitude") is not None and place.get("longitude") is not None
    point = {"type": "Point", "coordinates": [place.get("longitude"), place.get("latitude")]}
    return {
        "type": "Feature",
        "id": row.get("id"),
        "geometry": point if located else None,
        "properties": _flat(row, nested) if fields is None else _picked(row, fields),
    }


# A place's parts keep their own names on a map (`governorate`), but for these.
PLACE_PARTS = {"name": "place_name", "precision": "place_precision"}


def _flat(row: JsonRow, nested: frozenset[str]) -> JsonRow:
    """Scalars a style expression can read: a nested object spread into its parts
    (`place_name`, `governorate`, `killed_best`), a list joined into one text (items by their
    names: `Hezbollah; Syrian government forces`), an object of values as `key: value`
    pairs; empty lists and objects null."""
    flat: JsonRow = {}
    for name, value in row.items():
        if name in nested and isinstance(value, dict):
            flat.update({_part_name(name, part): item for part, item in value.items()})
        elif isinstance(value, list):
            flat[name] = "; ".join(item_label(item) for item in value) or None
        elif isinstance(value, dict):
            flat[name] = pairs_cell(value) or None
        else:
            flat[name] = value
    return flat


def _part_name(field: str, part: str) -> str:
    return PLACE_PARTS.get(part, part) if field == "place" else f"{field}_{part}"
