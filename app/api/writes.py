"""Write routes run on the worker's writer threads (app.core.database.writers_of), so that a
save never queues behind the reads that share the other threads."""

import inspect
from collections.abc import Callable
from functools import partial
from typing import Any

from anyio import to_thread
from fastapi import Request
from fastapi.routing import APIRoute

from app.core.database import READ_METHODS, writers_of


class WriteRoute(APIRoute):
    """A route whose endpoint, if it writes (any method but a read's) and is a plain function,
    runs on the writer threads instead of the shared ones. Routers of records use it:
    `APIRouter(route_class=WriteRoute)`."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        methods = set(options.get("methods") or ())
        if methods - set(READ_METHODS) and not inspect.iscoroutinefunction(endpoint):
            endpoint = _on_writer_threads(endpoint)
        super().__init__(path, endpoint, **options)


# The request, passed to the wrapper (for its app's writer threads) and not to the endpoint.
REQUEST = "writes_request"


def _on_writer_threads(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    async def run(**values: Any) -> Any:
        limiter = writers_of(values.pop(REQUEST))
        return await to_thread.run_sync(partial(endpoint, **values), limiter=limiter)

    # FastAPI reads the parameters from the signature; no __wrapped__, or it would look through
    # to the plain function and run this one on the shared threads.
    signature = inspect.signature(endpoint)
    request = inspect.Parameter(REQUEST, inspect.Parameter.KEYWORD_ONLY, annotation=Request)
    run.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), request]
    )
    run.__name__, run.__qualname__, run.__doc__ = (
        endpoint.__name__, endpoint.__qualname__, endpoint.__doc__,
    )  # fmt: skip
    run.__module__ = endpoint.__module__
    return run
