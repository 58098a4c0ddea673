"""Per-caller rate limits: a fixed window of requests per API key (or per address for
anonymous callers), counted in Redis when REDIS_URL is set, so every worker and host shares
one count, and in this process otherwise.

Every response says where the caller stands (`RateLimit-*`); over the limit it is a 429
problem with `Retry-After`. If Redis stops answering, this process counts on its own for a
while rather than refusing or failing requests.
"""

import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Protocol

from redis import asyncio as aioredis
from redis.exceptions import RedisError
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import Settings
from app.core.errors import send_problem

logger = logging.getLogger(__name__)

UNLIMITED_PATHS = ("/health",)
HEADER_NAMES = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy")
REDIS_RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class Usage:
    limit: int
    count: int
    reset: int  # seconds until the window ends

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    def headers(self, window: int) -> dict[str, str]:
        remaining = max(self.limit - self.count, 0)
        values = (self.limit, remaining, self.reset, f"{self.limit};w={window}")
        return dict(zip(HEADER_NAMES, map(str, values), strict=True))


class Counter(Protocol):
    async def count(self, bucket: str, window: int) -> int:
        """Count one more request in the bucket's current window; the total so far."""


class LocalCounter:
    """Counts in this process: right for one worker, or when Redis is unreachable."""

    def __init__(self) -> None:
        self.windows: dict[str, tuple[int, int]] = {}

    async def count(self, bucket: str, window: int) -> int:
        current = int(time.time() // window)
        if len(self.windows) > 100_000:  # forget callers of windows gone by
            self.windows = {k: v for k, v in self.windows.items() if v[0] == current}
        started, seen = self.windows.get(bucket, (current, 0))
        seen = seen + 1 if started == current else 1
        self.windows[bucket] = (current, seen)
        return seen


class RedisCounter:
    """Counts in Redis, shared by every worker and host pointing at it."""

    def __init__(self, url: str) -> None:
        self.redis = aioredis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        self.fallback = LocalCounter()
        self.down_until = 0.0

    async def count(self, bucket: str, window: int) -> int:
        if time.monotonic() < self.down_until:
            return await self.fallback.count(bucket, window)
        key = f"ratelimit:{bucket}:{int(time.time() // window)}"
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, window + 1)
                seen, _ = await pipe.execute()
            return int(seen)
        except (RedisError, OSError) as exc:
            logger.warning("rate limits counted in-process for a while: Redis failed: %s", exc)
            self.down_until = time.monotonic() + REDIS_RETRY_SECONDS
            return await self.fallback.count(bucket, window)


class RateLimit:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.window = settings.rate_limit_window_seconds
        self.anonymous_limit = settings.rate_limit_anonymous
        self.key_limit = settings.rate_limit_per_key
        self.counter: Counter = (
            RedisCounter(settings.redis_url) if settings.redis_url else LocalCounter()
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNLIMITED_PATHS):
            await self.app(scope, receive, send)
            return
        bucket, limit = self._bucket(scope)
        if limit == 0:
            await self.app(scope, receive, send)
            return
        count = await self.counter.count(bucket, self.window)
        usage = Usage(limit, count, self.window - int(time.time()) % self.window)
        headers = usage.headers(self.window)
        if usage.exceeded:
            detail = (
                f"Over the limit of {usage.limit} requests per {self.window} s; "
                f"retry in {usage.reset} s."
            )
            retry = {**headers, "Retry-After": str(usage.reset)}
            await send_problem(send, scope["path"], 429, detail, retry)
            return

        async def send_with_usage(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(headers)
            await send(message)

        await self.app(scope, receive, send_with_usage)

    def _bucket(self, scope: Scope) -> tuple[str, int]:
        """Whose count a request adds to, and that caller's limit."""
        authorization = Headers(scope=scope).get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token:
            return "key:" + hashlib.sha256(token.encode()).hexdigest()[:32], self.key_limit
        client = scope.get("client")
        return f"address:{client[0] if client else 'unknown'}", self.anonymous_limit
