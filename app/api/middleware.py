"""What every request meets on its way in and out: the caller's address as a trusted proxy
gives it, CORS for the configured frontends, security headers, a bound on request bodies, rate
limits, and a guard against readers that stall or stream too much at once."""

from functools import partial

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.api.parameters import IgnoredParameters
from app.api.ratelimit import HEADER_NAMES, RateLimit
from app.api.readers import ReaderGuard
from app.core.config import Settings
from app.core.errors import send_problem
from app.keys.service import key_is_live

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-site",
}
# The interactive docs run scripts (some inline, and Redoc a worker), from this service only:
# Redoc's footer would fetch its logo from a CDN, which a reader's browser is not to ask.
# Everything else is data and may run nothing.
DOCS_PATHS = ("/docs", "/redoc", "/static-offline-docs")
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; style-src 'self' "
    "'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'"
)
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                docs = scope["path"].startswith(DOCS_PATHS)
                headers.setdefault("Content-Security-Policy", DOCS_POLICY if docs else API_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuse bodies over `limit` bytes (`limits` by path) with a 413 problem, declared
    length or not."""

    def __init__(self, app: ASGIApp, limit: int, limits: dict[str, int]) -> None:
        self.app = app
        self.default = limit
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.default)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return
        received = 0
        too_large = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                too_large = True
                return {"type": "http.disconnect"}
            return message

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large and not started:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counting_receive, guarded_send)
        if too_large and not started:
            await self._refuse(scope, send, limit)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        detail = f"The request body is over the {limit:,}-byte limit."
        await send_problem(send, scope["path"], 413, detail)


def install_middleware(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(IgnoredParameters)
    app.add_middleware(ReaderGuard, settings=settings)
    app.add_middleware(
        RateLimit,
        settings=settings,
        verified=app.state.verified_keys,
        is_live_key=partial(key_is_live, app.state.database),
    )
    app.add_middleware(
        BodyLimit,
        limit=settings.max_body_bytes,
        limits={"/v1/imports": settings.import_max_bytes},
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "If-Match",
            "If-None-Match",
            "Idempotency-Key",
        ],
        expose_headers=[
            "ETag",
            "Link",
            "Location",
            "Retry-After",
            "Idempotent-Replayed",
            *HEADER_NAMES,
        ],
        max_age=600,
    )
    app.add_middleware(SecurityHeaders)
    # Outermost, so that rate limits count the address the proxy saw; here rather than in the
    # server, so that no server's default trust (uvicorn's is 127.0.0.1) applies.
    if settings.forwarded_allow_ips:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
