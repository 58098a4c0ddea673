"""Slow and greedy readers: an export holds a database connection for as long as its client
takes to read it, so exports draw on an allowance of their own (a few per address, a few in
all, per worker) and every response's client must keep reading: one that stalls for
EXPORT_STALL_SECONDS is cut off, and its connection goes back to the pool for everyone else."""

import logging
from collections import Counter
from urllib.parse import parse_qsl

import anyio
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.ratelimit import address_of
from app.core.config import Settings
from app.core.errors import send_problem

logger = logging.getLogger(__name__)

# The formats streamed from the database, and the Accept header's media types for every format
# (an Atom feed is one page: no stream).
STREAMED = frozenset({"csv", "ndjson", "geojson"})
ACCEPTED = {"text/csv": "csv", "application/x-ndjson": "ndjson", "application/geo+json": "geojson",
            "application/atom+xml": "atom"}  # fmt: skip
RETRY_SECONDS = 10


def requested_format(format_parameter: str | None, accept: str | None) -> str:
    """The format a request asks for: `format=` first, else the Accept header, else JSON."""
    if format_parameter:
        return format_parameter
    ranges = [part.split(";")[0].strip().lower() for part in (accept or "").split(",")]
    return next((ACCEPTED[kind] for kind in ranges if kind in ACCEPTED), "json")


class ReaderStalled(Exception):
    """The client stopped reading the response."""


class ReaderGuard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.stall_seconds = settings.export_stall_seconds
        self.at_once = settings.exports_at_once
        self.per_address = settings.exports_per_address
        self.streaming: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not _is_export(scope):
            await self._guarded(scope, receive, send)
            return
        address = address_of(scope)
        refusal = self._refusal(address)
        if refusal is not None:
            status, detail = refusal
            await send_problem(
                send, scope["path"], status, detail, {"Retry-After": str(RETRY_SECONDS)}
            )
            return
        # No await between the check above and this count: no other request can slip between.
        self.streaming[address] += 1
        try:
            await self._guarded(scope, receive, send)
        finally:
            self.streaming[address] -= 1
            if not self.streaming[address]:
                del self.streaming[address]

    def _refusal(self, address: str) -> tuple[int, str] | None:
        if self.streaming[address] >= self.per_address:
            return 429, (
                f"{self.per_address} exports from this address are already streaming; "
                f"retry when one has finished."
            )
        if self.streaming.total() >= self.at_once:
            return 503, (
                f"The service is streaming {self.at_once} exports, as many as it serves at "
                f"once; retry in {RETRY_SECONDS} s."
            )
        return None

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_or_stall(message: Message) -> None:
            with anyio.move_on_after(self.stall_seconds) as waited:
                await send(message)
            if waited.cancelled_caught:
                raise ReaderStalled

        try:
            await self.app(scope, receive, send_or_stall)
        except ReaderStalled:
            # The response has started: all that can be done is to stop sending it.
            logger.warning(
                "%s %s: cut off, its client read nothing for %s s",
                scope["method"], scope["path"], self.stall_seconds,
            )  # fmt: skip


def _is_export(scope: Scope) -> bool:
    query = dict(parse_qsl(scope["query_string"].decode("latin-1")))
    fmt = requested_format(query.get("format"), Headers(scope=scope).get("accept"))
    return scope["method"] == "GET" and fmt in STREAMED
