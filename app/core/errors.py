"""Error types that carry their HTTP status, and the one renderer that turns any failure into
an RFC 9457 `application/problem+json` response."""

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
MAX_ERRORS = 50  # a body with thousands of bad fields gets the first fifty


class FieldError(BaseModel):
    loc: list[str | int] = Field(
        description="Where the bad value is: body, query or path, then the field."
    )
    field: str = Field(description="The field path in dotted form, e.g. `killed.best`.")
    message: str = Field(description="Why the value was refused.")
    type: str = Field(description="A stable code for the kind of error.")


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field("about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request.")
    instance: str | None = Field(None, description="The path of the request.")
    errors: list[FieldError] | None = Field(None, description="Each refused field, for 422s.")
    required_scope: str | None = Field(None, description="For 403s: the scope the key lacks.")
    current_version: int | None = Field(
        None, description="For 412s: the record's version now, to read it again and retry."
    )
    holders: dict[str, str] | None = Field(
        None, description="For 409s: the record each `dataset:id` already names, by its id."
    )


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


class AppError(Exception):
    status = 500
    title = "Internal Server Error"

    def __init__(
        self,
        detail: str,
        errors: Sequence[FieldError] = (),
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers or {}
        self.extra = extra  # members the problem document adds for this kind of error


class BadRequest(AppError):
    status = 400
    title = "Bad Request"


class Unauthorized(AppError):
    status = 401
    title = "Unauthorized"


class Forbidden(AppError):
    status = 403
    title = "Forbidden"


class NotFound(AppError):
    status = 404
    title = "Not Found"


class Conflict(AppError):
    status = 409
    title = "Conflict"


class PreconditionFailed(AppError):
    status = 412
    title = "Precondition Failed"


class PreconditionRequired(AppError):
    status = 428
    title = "Precondition Required"


class Unprocessable(AppError):
    status = 422
    title = "Unprocessable Content"

    @classmethod
    def at(
        cls, loc: Sequence[str | int], message: str, type_: str = "value_error"
    ) -> "Unprocessable":
        return cls.of([field_error(loc, message, type_)])

    @classmethod
    def of(cls, errors: Sequence[FieldError]) -> "Unprocessable":
        return cls("; ".join(f"{error.field}: {error.message}" for error in errors), errors)


class ServiceUnavailable(AppError):
    status = 503
    title = "Service Unavailable"


def field_error(loc: Sequence[str | int], message: str, type_: str) -> FieldError:
    if len(loc) > 1 and loc[0] in ("query", "path", "header"):
        # A parameter is named by itself, whichever of its repeated values is wrong.
        return FieldError(loc=list(loc), field=str(loc[1]), message=message, type=type_)
    path = [part for part in loc if part != "body"]
    dotted = ".".join(str(part) for part in path) or str(loc[0] if loc else "body")
    return FieldError(loc=list(loc), field=dotted, message=message, type=type_)


def problem(
    request: Request, status: int, title: str, detail: str, **extra: Any
) -> ProblemResponse:
    body = Problem(title=title, status=status, detail=detail, instance=request.url.path, **extra)
    return ProblemResponse(body.model_dump(exclude_none=True), status_code=status)


async def send_problem(
    send: Any, path: str, status: int, detail: str, headers: dict[str, str] | None = None
) -> None:
    """Answer with a problem from ASGI middleware, below FastAPI's error handlers."""
    body = Problem(title=_title(status), status=status, detail=detail, instance=path)
    content = body.model_dump_json(exclude_none=True).encode()
    raw = {
        **(headers or {}),
        "Content-Type": PROBLEM_MEDIA_TYPE,
        "Content-Length": str(len(content)),
    }
    start = [(name.lower().encode(), value.encode()) for name, value in raw.items()]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": content})


async def _app_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, AppError)
    response = problem(
        request, exc.status, exc.title, exc.detail, errors=exc.errors or None, **exc.extra
    )
    response.headers.update(exc.headers)
    return response


def pydantic_errors(errors: Sequence[Any], prefix: tuple[str, ...] = ()) -> list[FieldError]:
    """Pydantic's errors as field errors (the first MAX_ERRORS of them)."""
    return [
        field_error(
            prefix + _location(error), error["msg"].removeprefix("Value error, "), error["type"]
        )
        for error in errors[:MAX_ERRORS]
    ]


async def _validation_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    return await _app_error(request, Unprocessable.of(pydantic_errors(exc.errors())))


def _location(error: dict[str, Any]) -> tuple[str | int, ...]:
    # A JSON syntax error is located by character offset, which names no field.
    return ("body",) if error["type"] == "json_invalid" else tuple(error["loc"])


async def _http_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    response = problem(request, exc.status_code, _title(exc.status_code), str(exc.detail))
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(_allowed_methods(request))
    return response


def _allowed_methods(request: Request) -> list[str]:
    """Every method the path answers to (Starlette names only the first route's)."""
    return [
        method
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]


async def _integrity_error(request: Request, exc: Exception) -> ProblemResponse:
    logger.info("integrity error: %s", exc)
    return await _app_error(request, Conflict("The change conflicts with data already stored."))


async def _stale_record(request: Request, exc: Exception) -> ProblemResponse:
    detail = "The record was changed by another request at the same time; read it and retry."
    return await _app_error(request, Conflict(detail))


async def _database_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, DBAPIError)
    if isinstance(exc, DataError):  # a value the engine cannot store or compare
        logger.info("data error: %s", exc)
        detail = "A value in the request cannot be stored or compared by the database."
        return problem(request, 422, "Unprocessable Content", detail)
    if _is_timeout(exc):
        logger.warning("statement timeout on %s: %s", request.url.path, exc)
        detail = (
            "The request ran too long and was stopped: narrow a query (filters, a smaller "
            "limit), or retry a write shortly."
        )
        return _unavailable(request, detail)
    if _is_busy(exc):
        logger.warning("database busy on %s: %s", request.url.path, exc)
        detail = "The database is busy with other writes and the wait ran out; retry shortly."
        return _unavailable(request, detail)
    if exc.connection_invalidated or _is_operational(exc):
        logger.warning("database unavailable: %s", exc)
        return _unavailable(request, "The database is unavailable.")
    return await _unexpected_error(request, exc)


async def _pool_exhausted(request: Request, exc: Exception) -> ProblemResponse:
    logger.warning("no database connection free: %s", exc)
    return _unavailable(request, "The service is busy; retry shortly.")


def _unavailable(request: Request, detail: str) -> ProblemResponse:
    response = problem(request, 503, "Service Unavailable", detail)
    response.headers["Retry-After"] = "1"
    return response


async def _unexpected_error(request: Request, exc: Exception) -> ProblemResponse:
    logger.exception("unexpected error", exc_info=exc)
    return problem(request, 500, "Internal Server Error", "An unexpected error occurred.")


def _is_timeout(exc: DBAPIError) -> bool:
    """Stopped by the statement timeout: PostgreSQL cancels it, SQLite interrupts it."""
    return type(exc.orig).__name__ == "QueryCanceled" or str(exc.orig) == "interrupted"


def _is_busy(exc: DBAPIError) -> bool:
    """Another writer held SQLite's lock past the busy timeout."""
    return str(exc.orig) in SQLITE_BUSY


SQLITE_BUSY = ("database is locked", "database table is locked")


def _is_operational(exc: DBAPIError) -> bool:
    return type(exc).__name__ in {"OperationalError", "InterfaceError"}


def _title(status: int) -> str:
    return HTTPStatus(status).phrase


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(StaleDataError, _stale_record)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(PoolTimeout, _pool_exhausted)
    app.add_exception_handler(Exception, _unexpected_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries declaring the problem responses a route can give."""
    return {status: {"model": Problem, "description": _title(status)} for status in statuses}
