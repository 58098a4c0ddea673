"""Touches FastAPI cannot make from the routes alone, so the OpenAPI document says exactly
what the service does (clients and Schemathesis hold it to that)."""

from typing import Any

from app.api.ratelimit import HEADER_NAMES
from app.core.errors import PROBLEM_MEDIA_TYPE

READ_METHODS = ("get", "head")
# Required, though the service answers its absence with 428 rather than a validation error.
REQUIRED_HEADERS = {("patch", "if-match"), ("delete", "if-match")}


def finish_openapi(openapi: dict[str, Any], public_reads: bool) -> dict[str, Any]:
    for path, method, operation in _paths_operations(openapi):
        for parameter in operation.get("parameters", []):
            _without_null(parameter)
            if (method, parameter["name"]) in REQUIRED_HEADERS:
                parameter["required"] = True
        if public_reads and method in READ_METHODS and operation.get("security"):
            operation["security"] = [{}, *operation["security"]]  # a key is optional
        if path.startswith("/v1/"):
            _declare_headers(operation)
    openapi.setdefault("components", {})["headers"] = HEADERS
    return problem_media_types(openapi)


def _header(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "schema": schema or {"type": "string"}}


_INTEGER = {"type": "integer", "minimum": 0}
# Every response header the service sends, declared once and referred to where it is sent.
HEADERS = {
    "ETag": _header('The record\'s version, for If-Match and If-None-Match (`"3"`).'),
    "Location": _header("The address of the record made (relative, or under PUBLIC_URL)."),
    "Link": _header('The next page: `</v1/...&cursor=...>; rel="next"`.'),
    "Retry-After": _header("Seconds to wait before retrying.", _INTEGER),
    "Idempotent-Replayed": _header("`true` when the answer replays an earlier request's."),
    "RateLimit-Limit": _header("Requests allowed per window.", _INTEGER),
    "RateLimit-Remaining": _header("Requests left in this window.", _INTEGER),
    "RateLimit-Reset": _header("Seconds until the window ends.", _INTEGER),
    "RateLimit-Policy": _header("The limit and its window, `300;w=60`."),
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag you hold: if the record is still at that version, a 304 and no body.",
    "schema": {"type": "string"},
}
TOO_MANY = {
    "description": "Too Many Requests: over the rate limit, or too many exports at once",
    "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def header_refs(*names: str) -> dict[str, Any]:
    """A response's `headers`, by reference to HEADERS."""
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _declare_headers(operation: dict[str, Any]) -> None:
    """What every response of a rate-limited path says (RateLimit-*, and Retry-After with a
    429 or 503), beside its own headers (app.api.operations); 429 wherever limits apply;
    If-None-Match wherever a 304 can be."""
    responses = operation["responses"]
    responses.setdefault("429", TOO_MANY)
    for status, response in responses.items():
        retried = ("Retry-After",) if status in ("429", "503") else ()
        own = response.get("headers", {})
        response["headers"] = {**header_refs(*HEADER_NAMES, *retried), **own}
    if "304" in responses:
        operation.setdefault("parameters", []).append(IF_NONE_MATCH)


def _operations(openapi: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(method, operation) for _, method, operation in _paths_operations(openapi)]


def _paths_operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
    ]


def _without_null(parameter: dict[str, Any]) -> None:
    """An absent parameter is simply not sent: none is ever `null` on the wire."""
    schema = parameter.get("schema", {})
    choices = [choice for choice in schema.get("anyOf", []) if choice.get("type") != "null"]
    if len(choices) == 1 and len(schema["anyOf"]) == 2:
        del schema["anyOf"]
        schema.update(choices[0])


def problem_media_types(openapi: dict[str, Any]) -> dict[str, Any]:
    """Declare every 4xx and 5xx body as `application/problem+json`, as it is sent."""
    for _, operation in _operations(openapi):
        for status, response in operation["responses"].items():
            if status[0] in "45" and "application/json" in response.get("content", {}):
                response["content"] = {PROBLEM_MEDIA_TYPE: response["content"]["application/json"]}
    return openapi
