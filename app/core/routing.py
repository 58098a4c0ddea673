"""Builds the five routes of a resource (list, create, read, update, delete) around its service.

Routers stay thin: parse, call the service, commit once, shape the response.
"""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.core.crud import Service
from app.core.database import get_session
from app.core.errors import problem_responses
from app.core.pagination import ListQuery, Page
from app.core.schemas import ApiModel, PatchModel

SessionDep = Annotated[Session, Depends(get_session)]


def crud_router(
    *,
    path: str,
    tag: str,
    singular: str,
    service: type[Service[Any, Any]],
    create: type[ApiModel],
    update: type[PatchModel],
    read: type[BaseModel],
    query: type[ListQuery],
) -> APIRouter:
    router = APIRouter(prefix=path, tags=[tag], responses=problem_responses(422, 500, 503))
    plural = tag.replace("-", "_")
    item = "/{record_id}"

    @router.get("", operation_id=f"list_{plural}", summary=f"List {tag.replace('-', ' ')}")
    def list_records(
        params: Annotated[query, Query()],  # type: ignore[valid-type]
        request: Request,
        response: Response,
        session: SessionDep,
    ) -> Page[read]:  # type: ignore[valid-type]
        rows, next_cursor = service(session).list(params)
        if next_cursor is not None:
            next_url = request.url.include_query_params(cursor=next_cursor)
            response.headers["Link"] = f'<{next_url}>; rel="next"'
        return Page[read](data=[read.model_validate(row) for row in rows], next_cursor=next_cursor)  # type: ignore[valid-type]

    @router.post(
        "",
        status_code=status.HTTP_201_CREATED,
        operation_id=f"create_{singular}",
        summary=f"Create a {singular.replace('_', ' ')}",
        responses=problem_responses(409),
    )
    def create_record(
        body: create, request: Request, response: Response, session: SessionDep
    ) -> read:  # type: ignore[valid-type]
        record = service(session).create(body)
        session.commit()
        response.headers["Location"] = str(request.url_for(f"read_{singular}", record_id=record.id))
        return read.model_validate(record)

    @router.get(
        item,
        operation_id=f"read_{singular}",
        name=f"read_{singular}",
        summary=f"Read a {singular.replace('_', ' ')}",
        responses=problem_responses(404),
    )
    def read_record(record_id: uuid.UUID, session: SessionDep) -> read:  # type: ignore[valid-type]
        return read.model_validate(service(session).get(record_id))

    @router.patch(
        item,
        operation_id=f"update_{singular}",
        summary=f"Update part of a {singular.replace('_', ' ')}",
        responses=problem_responses(404, 409),
    )
    def update_record(record_id: uuid.UUID, body: update, session: SessionDep) -> read:  # type: ignore[valid-type]
        record = service(session).update(record_id, body)
        session.commit()
        return read.model_validate(record)

    @router.delete(
        item,
        status_code=status.HTTP_204_NO_CONTENT,
        operation_id=f"delete_{singular}",
        summary=f"Delete a {singular.replace('_', ' ')}",
        responses=problem_responses(404, 409),
    )
    def delete_record(record_id: uuid.UUID, session: SessionDep) -> Response:
        service(session).delete(record_id)
        session.commit()
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router
