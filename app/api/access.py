"""Who is calling, and whether their key allows what they ask.

Reads are public unless REQUIRE_READ_KEY is set; writes need a `write` key; keys need `admin`.
"""

from dataclasses import dataclass
from typing import Annotated

from anyio import to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.core.changelog import CHANGED_BY
from app.core.database import RequestSession, writers_of, writes
from app.core.errors import Forbidden, Unauthorized
from app.keys.models import ApiKey
from app.keys.schemas import SCOPES, Scope
from app.keys.service import live_key

REALM = 'Bearer realm="syria-record-api"'
bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer syr_...`")


@dataclass(frozen=True)
class Caller:
    """The key a request came with (`name` None when anonymous)."""

    key_id: int | None = None
    name: str | None = None
    scope: Scope | None = None

    @property
    def sees_who_changed(self) -> bool:
        """Whether the caller may see which key made a change: desks often name keys after
        their staff, so anonymous readers see only when and what."""
        return self.scope is not None

    def allows(self, scope: Scope) -> bool:
        return self.scope is not None and SCOPES.index(self.scope) >= SCOPES.index(scope)


ANONYMOUS = Caller()


async def caller(
    request: Request,
    session: RequestSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The request's caller; a key that is unknown or revoked is refused outright. (Async:
    an anonymous caller costs no hop to a worker thread.)"""
    if credentials is None:
        return ANONYMOUS
    # A write's lookup runs on the writer threads, as the write will (app.api.writes).
    limiter = writers_of(request) if writes(request) else None
    key = await to_thread.run_sync(
        _live_key, request, session, credentials.credentials, limiter=limiter
    )
    if key is None:
        raise Unauthorized(
            "The API key is unknown or has been revoked.",
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    request.app.state.verified_keys.vouch(key.token_hash)  # its own rate-limit count from now
    session.info[CHANGED_BY] = key.name
    return Caller(key_id=key.id, name=key.name, scope=key.scope)


def _live_key(request: Request, session: Session, token: str) -> ApiKey | None:
    """The live key of the token. A write looks it up in a session of its own: on SQLite, the
    request's session takes the write lock with its first statement, and an idempotency claim
    (in a transaction of its own) must take that lock before the write does."""
    if not writes(request):
        return live_key(session, token)
    with request.app.state.database.sessions() as lookup:
        return live_key(lookup, token)


CallerDep = Annotated[Caller, Depends(caller)]


def admit(who: Caller, scope: Scope) -> Caller:
    """The caller, if their key has `scope` (or a wider one); else 401 or 403."""
    if who.scope is None:
        raise Unauthorized(
            f"This request needs an API key with the `{scope}` scope: "
            "send it as `Authorization: Bearer <key>`.",
            headers={"WWW-Authenticate": REALM},
        )
    if not who.allows(scope):
        raise Forbidden(
            f"This request needs the `{scope}` scope; the key {who.name!r} has only `{who.scope}`.",
            required_scope=scope,
        )
    return who


async def readable(request: Request, who: CallerDep) -> Caller:
    """Admit a read: anyone, unless the service is configured to require a read key."""
    return admit(who, "read") if request.app.state.settings.require_read_key else who


async def writer(who: CallerDep) -> Caller:
    return admit(who, "write")


async def administrator(who: CallerDep) -> Caller:
    return admit(who, "admin")


Reader = Annotated[Caller, Depends(readable)]
Writer = Annotated[Caller, Depends(writer)]
Administrator = Annotated[Caller, Depends(administrator)]
