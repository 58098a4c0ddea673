"""Builds the five routes of a resource (list, create, read, update, delete) around its service.

Routers stay thin: parse, call the service, commit once, shape the response.
"""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from app.core.crud import Service
from app.core.database import get_session
from app.core.errors import problem_responses
from app.core.exports import (
    MEDIA_TYPES,
    csv_columns,
    export_response,
    json_text,
    pick,
    requested_format,
    selected_fields,
)
from app.core.pagination import ListQuery, Page

SessionDep = Annotated[Session, Depends(get_session)]
ServiceClass = type[Service[Any, Any]]


def crud_router(
    *,
    path: str,
    tag: str,
    singular: str,
    service: ServiceClass,
    query: type[ListQuery],
    formats: tuple[str, ...] = ("json", "csv", "ndjson"),
) -> APIRouter:
    router = APIRouter(prefix=path, tags=[tag], responses=problem_responses(422, 500, 503))
    _list_route(router, tag, service, query, formats)
    _item_routes(router, singular, service)
    return router


def _list_route(
    router: APIRouter,
    tag: str,
    service: ServiceClass,
    query: type[ListQuery],
    formats: tuple[str, ...],
) -> None:
    read = service.read_schema
    exports = {MEDIA_TYPES[fmt]: {} for fmt in formats if fmt != "json"}

    @router.get(
        "",
        operation_id=f"list_{tag.replace('-', '_')}",
        summary=f"List {tag.replace('-', ' ')}",
        responses={200: {"content": exports, "description": "A page, or every row as an export."}},
    )
    def list_records(
        params: Annotated[query, Query()],  # type: ignore[valid-type]
        request: Request,
        session: SessionDep,
    ) -> Page[read]:  # type: ignore[valid-type]
        fmt = requested_format(params.format, request.headers.get("accept"), formats)
        fields = selected_fields(params.fields, read)
        records = service(session)
        if fmt == "csv":
            body = records.csv(params, csv_columns(read, fields))
            return export_response(body, fmt, tag)  # type: ignore[return-value]
        if fmt != "json":
            body = json_text(records.export(params), fmt, fields)
            return export_response(body, fmt, tag)  # type: ignore[return-value]
        rows, next_cursor = records.page(params)
        data = [pick(row, fields) for row in rows]
        headers = {}
        if next_cursor is not None:
            next_url = request.url.include_query_params(cursor=next_cursor)
            headers["Link"] = f'<{next_url}>; rel="next"'
        return JSONResponse({"data": data, "next_cursor": next_cursor}, headers=headers)  # type: ignore[return-value]


def _item_routes(router: APIRouter, singular: str, service: ServiceClass) -> None:
    read, create, update = service.read_schema, service.create_schema, service.update_schema
    noun = singular.replace("_", " ")

    @router.post(
        "",
        status_code=status.HTTP_201_CREATED,
        operation_id=f"create_{singular}",
        summary=f"Create a {noun}",
        responses=problem_responses(400, 409, 413),
    )
    def create_record(
        body: create, request: Request, response: Response, session: SessionDep
    ) -> read:  # type: ignore[valid-type]
        record = service(session).create(body)
        session.commit()
        response.headers["Location"] = str(request.url_for(f"read_{singular}", record_id=record.id))
        response.headers["ETag"] = etag(record.version)
        return read.model_validate(record)

    @router.get(
        "/{record_id}",
        operation_id=f"read_{singular}",
        name=f"read_{singular}",
        summary=f"Read a {noun}",
        responses={**problem_responses(404), 304: {"description": "Not Modified (If-None-Match)"}},
    )
    def read_record(
        record_id: uuid.UUID, request: Request, response: Response, session: SessionDep
    ) -> read:  # type: ignore[valid-type]
        record = service(session).get(record_id)
        tag = etag(record.version)
        if _entity_tags(request.headers.get("if-none-match")) & {tag, "*"}:
            return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})  # type: ignore[return-value]
        response.headers["ETag"] = tag
        return read.model_validate(record)

    @router.patch(
        "/{record_id}",
        operation_id=f"update_{singular}",
        summary=f"Update part of a {noun}",
        responses=problem_responses(400, 404, 409, 413),
    )
    def update_record(
        record_id: uuid.UUID, body: update, response: Response, session: SessionDep
    ) -> read:  # type: ignore[valid-type]
        record = service(session).update(record_id, body)
        session.commit()
        response.headers["ETag"] = etag(record.version)
        return read.model_validate(record)

    @router.delete(
        "/{record_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        operation_id=f"delete_{singular}",
        summary=f"Delete a {noun}",
        responses=problem_responses(404, 409),
    )
    def delete_record(record_id: uuid.UUID, session: SessionDep) -> Response:
        service(session).delete(record_id)
        session.commit()
        return Response(status_code=status.HTTP_204_NO_CONTENT)


def etag(version: int) -> str:
    """A record's entity tag: its version, which every change increments."""
    return f'"{version}"'


def _entity_tags(header: str | None) -> set[str]:
    """The tags an If-None-Match header lists (weak ones compare equal, as RFC 9110 says)."""
    if header is None:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}
