"""A query parameter that takes one value, given twice, is a 422: FastAPI would silently keep
one of them, and `sort=date&sort=-date` would answer in an order the caller did not choose."""

import types
from collections import Counter
from typing import Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.core.errors import Unprocessable

SEQUENCES = (list, set, frozenset, tuple)


async def single_values(request: Request) -> None:
    """Refuse a repeated parameter that the route takes once. (Async: no thread hop.)"""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    given = Counter(name for name, _ in request.query_params.multi_items())
    # Worked out once per route and app (routes are not hashable: their ids key the answers).
    known: dict[str, frozenset[str]] = request.app.state.single_valued
    once = known.get(route.unique_id)
    if once is None:
        once = known[route.unique_id] = _single_valued(route)
    for name, times in given.items():
        if times > 1 and name in once:
            raise Unprocessable.at(
                ["query", name], f"give `{name}` once: it takes one value", "repeated_parameter"
            )


def _single_valued(route: APIRoute) -> frozenset[str]:
    """The route's query parameters that take one value, by the names a request gives."""
    names: set[str] = set()
    for dependant in _dependants(route.dependant):
        for param in dependant.query_params:
            annotation = param.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                fields = annotation.model_fields.items()
                names |= {info.alias or name for name, info in fields if not _many(info.annotation)}
            elif not _many(annotation):
                names.add(param.alias)
    return frozenset(names)


def _dependants(dependant: Dependant) -> list[Dependant]:
    return [dependant, *(sub for child in dependant.dependencies for sub in _dependants(child))]


def _many(annotation: Any) -> bool:
    """Whether a parameter's type takes several values (a list, or an optional list)."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return any(_many(member) for member in get_args(annotation))
    return origin in SEQUENCES or annotation in SEQUENCES
