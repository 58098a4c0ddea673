"""Touches FastAPI cannot make from the routes alone, so the OpenAPI document says exactly
what the service does (clients and Schemathesis hold it to that)."""

from typing import Any

from app.core.errors import PROBLEM_MEDIA_TYPE

READ_METHODS = ("get", "head")
# Required, though the service answers its absence with 428 rather than a validation error.
REQUIRED_HEADERS = {("patch", "if-match"), ("delete", "if-match")}


def finish_openapi(openapi: dict[str, Any], public_reads: bool) -> dict[str, Any]:
    for method, operation in _operations(openapi):
        for parameter in operation.get("parameters", []):
            _without_null(parameter)
            if (method, parameter["name"]) in REQUIRED_HEADERS:
                parameter["required"] = True
        if public_reads and method in READ_METHODS and operation.get("security"):
            operation["security"] = [{}, *operation["security"]]  # a key is optional
    return problem_media_types(openapi)


def _operations(openapi: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (method, operation)
        for path in openapi["paths"].values()
        for method, operation in path.items()
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
