"""Query parameters as lists receive them: one that takes one value, given twice, is a 422
(FastAPI would silently keep one of them, and `sort=date&sort=-date` would answer in an order
the caller did not choose); a cache-buster (`_=1733100000`) or a campaign tag (`utm_source`)
is dropped before any list sees it, as web servers and caches ignore them."""

import types
from collections import Counter
from typing import Any, Union, get_args, get_origin
from urllib.parse import unquote_plus

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import Unprocessable

SEQUENCES = (list, set, frozenset, tuple)


def _ignored(name: str) -> bool:
    return name == "_" or name.startswith("utm_")


class IgnoredParameters:
    """Drops the query parameters that only browsers' and newsletters' tooling add."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["query_string"]:
            pairs = scope["query_string"].split(b"&")
            kept = [pair for pair in pairs if not _ignored(_name(pair))]
            if len(kept) != len(pairs):  # the rest untouched, byte for byte
                scope = {**scope, "query_string": b"&".join(kept)}
        await self.app(scope, receive, send)


def _name(pair: bytes) -> str:
    return unquote_plus(pair.partition(b"=")[0].decode("latin-1"))


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
