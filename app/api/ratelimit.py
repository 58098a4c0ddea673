"""Per-caller rate limits: a fixed window of requests per API key (or per address for
anonymous callers), counted in Redis when REDIS_URL is set, so every worker and host shares
one count, and in this process otherwise.

Every response says where the caller stands (`RateLimit-*`); over the limit it is a 429
problem with `Retry-After`. If Redis stops answering, this process counts on its own for a
while rather than refusing or failing requests.
"""

import ipaddress
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from anyio import to_thread
from redis import asyncio as aioredis
from redis.exceptions import RedisError
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import Settings
from app.core.errors import send_problem
from app.keys.service import token_hash

logger = logging.getLogger(__name__)

UNLIMITED_PATHS = ("/health",)
MAX_LOCAL_BUCKETS = 100_000
VOUCHED_SECONDS = 60.0
HEADER_NAMES = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy")
REDIS_RETRY_SECONDS = 5.0


def address_of(scope: Scope) -> str:
    """Whom a request counts against without a key: its address, or for IPv6 its /64 network
    (one home or host is given a whole /64, and could otherwise rotate through it)."""
    client = scope.get("client")
    if not client:
        return "-"
    try:
        address = ipaddress.ip_address(client[0])
    except ValueError:
        return str(client[0])
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


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
    """Counts in this process: right for one worker, or when Redis is unreachable. It keeps
    the callers seen most recently, a bounded number of them."""

    def __init__(self) -> None:
        self.windows: OrderedDict[str, tuple[int, int]] = OrderedDict()

    async def count(self, bucket: str, window: int) -> int:
        current = int(time.time() // window)
        started, seen = self.windows.pop(bucket, (current, 0))
        seen = seen + 1 if started == current else 1
        self.windows[bucket] = (current, seen)
        if len(self.windows) > MAX_LOCAL_BUCKETS:
            self.windows.popitem(last=False)
        return seen


class VerifiedKeys:
    """The keys the service has lately found live (by their tokens' hashes). Only these get a
    count of their own: any other token counts against its caller's address, so inventing
    tokens buys no extra requests."""

    def __init__(self) -> None:
        self.until: OrderedDict[str, float] = OrderedDict()

    def vouch(self, digest: str) -> None:
        self.until.pop(digest, None)
        self.until[digest] = time.monotonic() + VOUCHED_SECONDS
        if len(self.until) > MAX_LOCAL_BUCKETS:
            self.until.popitem(last=False)

    def __contains__(self, digest: object) -> bool:
        return isinstance(digest, str) and self.until.get(digest, 0.0) > time.monotonic()


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
    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        verified: VerifiedKeys,
        is_live_key: Callable[[str], bool],
    ) -> None:
        self.app = app
        self.verified = verified
        self.is_live_key = is_live_key
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
        usage = await self._usage(scope)
        if usage is None:
            await self.app(scope, receive, send)
            return
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

    async def _usage(self, scope: Scope) -> Usage | None:
        """Count the request against its key, if that key is known live, else against its
        address; None when that count has no limit."""
        scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
        digest = token_hash(token) if scheme.lower() == "bearer" and token else None
        if digest in self.verified:
            return await self._count(f"key:{digest}", self.key_limit)
        usage = await self._count(f"address:{address_of(scope)}", self.anonymous_limit)
        # Over the address's limit, a real key still gets its own count (one lookup to know).
        if (
            usage
            and usage.exceeded
            and digest
            and await to_thread.run_sync(self.is_live_key, token)
        ):
            self.verified.vouch(digest)
            return await self._count(f"key:{digest}", self.key_limit)
        return usage

    async def _count(self, bucket: str, limit: int) -> Usage | None:
        if limit == 0:
            return None
        count = await self.counter.count(bucket, self.window)
        return Usage(limit, count, self.window - int(time.time()) % self.window)
