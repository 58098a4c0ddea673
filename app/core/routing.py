"""Builds the routes of a resource around its service: list, create, read, update, delete,
restore and history.

Routers stay thin: parse, check the caller, call the service, commit once, shape the response.
Writes need a `write` key; updates and deletes need `If-Match`; creates honour
`Idempotency-Key`.
"""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import create_model

from app.core.conditional import IfMatch, OptionalIfMatch, etag, expected_versions, not_modified
from app.core.crud import Service
from app.core.database import SessionDep
from app.core.errors import NotFound, problem_responses
from app.core.exports import (
    MEDIA_TYPES,
    csv_columns,
    export_response,
    for_resource,
    json_text,
    pick,
    requested_format,
    selected_fields,
    some_fields_of,
)
from app.core.idempotency import IdempotencyKey, idempotent
from app.core.pagination import ListQuery, Page
from app.history.schemas import ChangesPage, HistoryQuery
from app.history.service import changes_page
from app.keys.access import Writer

ServiceClass = type[Service[Any, Any]]


def crud_router(
    *,
    singular: str,
    service: ServiceClass,
    query: type[ListQuery],
    formats: tuple[str, ...] = ("json", "csv", "ndjson"),
) -> APIRouter:
    tag = service.resource
    router = APIRouter(prefix=f"/v1/{tag}", tags=[tag], responses=problem_responses(422, 500, 503))
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
    query = for_resource(query, read, formats)
    row = read | some_fields_of(read)  # type: ignore[operator]
    page = create_model(read.__name__.removesuffix("Read") + "Page", __base__=Page[row])

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
    ) -> page:  # type: ignore[valid-type]
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


WRITE_PROBLEMS = (400, 401, 403, 404, 409, 412, 413, 428)


def _links(singular: str, *targets: str) -> dict[str, Any]:
    """OpenAPI links from a response to the operations it leads to (the record's id, and
    its ETag where the next step is a conditional write)."""
    links = {}
    for target in targets:
        parameters = {"record_id": "$response.body#/id"}
        if target in ("update", "delete"):
            parameters["header.if-match"] = "$response.header.ETag"
        links[target] = {"operationId": f"{target}_{singular}", "parameters": parameters}
    return links


def _item_routes(router: APIRouter, singular: str, service: ServiceClass) -> None:
    read, create, update = service.read_schema, service.create_schema, service.update_schema
    noun = singular.replace("_", " ")

    def written(record: Any, status_code: int = 200) -> JSONResponse:
        body = read.model_validate(record).model_dump(mode="json")
        return JSONResponse(body, status_code=status_code, headers={"ETag": etag(record.version)})

    @router.post(
        "",
        status_code=status.HTTP_201_CREATED,
        operation_id=f"create_{singular}",
        summary=f"Create a {noun}",
        responses={
            **problem_responses(*WRITE_PROBLEMS),
            201: {"links": _links(singular, "read", "update", "delete", "history")},
        },
    )
    def create_record(
        body: create,  # type: ignore[valid-type]
        request: Request,
        session: SessionDep,
        who: Writer,
        idempotency_key: IdempotencyKey = None,
    ) -> read:  # type: ignore[valid-type]
        def write() -> Response:
            record = service(session).create(body)
            response = written(record, status.HTTP_201_CREATED)
            response.headers["Location"] = str(
                request.url_for(f"read_{singular}", record_id=record.id)
            )
            return response

        payload = body.model_dump_json()  # type: ignore[attr-defined]
        return idempotent(request, session, who.key_id, idempotency_key, payload, write)  # type: ignore[return-value]

    @router.get(
        "/{record_id}",
        operation_id=f"read_{singular}",
        name=f"read_{singular}",
        summary=f"Read a {noun}",
        responses={
            **problem_responses(404),
            200: {"links": _links(singular, "update", "delete", "history")},
            304: {"description": "Not Modified (If-None-Match)"},
        },
    )
    def read_record(
        record_id: uuid.UUID, request: Request, response: Response, session: SessionDep
    ) -> read:  # type: ignore[valid-type]
        record = service(session).get(record_id)
        tag = etag(record.version)
        if not_modified(request.headers.get("if-none-match"), tag):
            return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})  # type: ignore[return-value]
        response.headers["ETag"] = tag
        return read.model_validate(record)

    @router.patch(
        "/{record_id}",
        operation_id=f"update_{singular}",
        summary=f"Update part of a {noun}",
        responses=problem_responses(*WRITE_PROBLEMS),
    )
    def update_record(
        record_id: uuid.UUID,
        body: update,  # type: ignore[valid-type]
        session: SessionDep,
        _: Writer,
        if_match: IfMatch = None,
    ) -> read:  # type: ignore[valid-type]
        record = service(session).update(record_id, body, expected_versions(if_match))
        session.commit()
        return written(record)  # type: ignore[return-value]

    @router.delete(
        "/{record_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        operation_id=f"delete_{singular}",
        summary=f"Delete a {noun}",
        responses=problem_responses(*WRITE_PROBLEMS),
    )
    def delete_record(
        record_id: uuid.UUID, session: SessionDep, _: Writer, if_match: IfMatch = None
    ) -> Response:
        service(session).delete(record_id, expected_versions(if_match))
        session.commit()
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.post(
        "/{record_id}/restore",
        operation_id=f"restore_{singular}",
        summary=f"Restore a deleted {noun}",
        responses=problem_responses(*WRITE_PROBLEMS),
    )
    def restore_record(
        record_id: uuid.UUID,
        request: Request,
        session: SessionDep,
        who: Writer,
        idempotency_key: IdempotencyKey = None,
        if_match: OptionalIfMatch = None,
    ) -> read:  # type: ignore[valid-type]
        """Undo a delete: the record is live again, at a new version. `If-Match` is optional."""

        def write() -> Response:
            expected = expected_versions(if_match or "*")
            return written(service(session).restore(record_id, expected))

        return idempotent(request, session, who.key_id, idempotency_key, "", write)  # type: ignore[return-value]

    @router.get(
        "/{record_id}/history",
        operation_id=f"history_{singular}",
        summary=f"History of a {noun}",
        responses=problem_responses(404),
    )
    def record_history(
        record_id: uuid.UUID, params: Annotated[HistoryQuery, Query()], session: SessionDep
    ) -> ChangesPage:
        """Every change to the record, oldest first: who, when, each field before and after."""
        if not service(session).repository.exists(record_id):
            raise NotFound(f"No {service.label} with id {record_id}.")
        return changes_page(session, params, record=(service.resource, record_id))
