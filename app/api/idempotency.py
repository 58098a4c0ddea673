"""`Idempotency-Key` on POST: a retried request gets the first one's response instead of
writing twice (as Stripe's API does).

A request claims its key in a committed transaction of its own before it writes, so a
concurrent repeat finds the claim (409) instead of writing too; the claim must outlive the
request's own transaction, which rolls back if the write fails. Each claim carries a token of
its own: only its holder may complete or release it, and a claim abandoned by a request that
died is taken over by exactly one retry. The response is stored in the write's transaction, so
it exists exactly when the write does. Keys belong to the API key that sent them and are kept
for a day.
"""

import hashlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

from anyio import CancelScope, to_thread
from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel
from sqlalchemy import ColumnElement, ForeignKey, Integer, String, Text, delete, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.api.access import Caller, Writer
from app.api.conditional import written
from app.api.links import public_link
from app.core.database import (
    Base,
    Database,
    JSONDocument,
    RequestSession,
    utcnow,
    writers_of,
)
from app.core.dialect import bound_lock_waits
from app.core.errors import Conflict, Unprocessable
from app.core.shapes import JsonRow

logger = logging.getLogger(__name__)

KEPT_FOR = timedelta(hours=24)
# A claim never completed this long after it was made belonged to a request that died.
ABANDONED_AFTER = timedelta(minutes=2)
REPLAYED_HEADERS = ("Location", "ETag")
IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Any unique string (a UUID, say): a retry with the same key and body "
        "returns the first response instead of writing again. Kept 24 hours.",
    ),
]
# How long a release waits for a lock before leaving the claim to count as abandoned.
RELEASE_WAIT_SECONDS = 2.0
STILL_RUNNING = "A request with this Idempotency-Key is still running; retry shortly."


class IdempotentRequest(Base):
    __tablename__ = "idempotent_requests"

    api_key_id: Mapped[int] = mapped_column(
        ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    # Which request holds the claim: only it may complete or release it.
    claim: Mapped[str] = mapped_column(String(32))
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Null while the first request runs.
    status_code: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)


@dataclass
class Claim:
    """A request's hold on its idempotency key."""

    database: Database
    api_key_id: int
    key: str
    token: str

    def complete(self, session: Session, response: Response) -> None:
        """Store the response beside the write, in its transaction (so it exists exactly when
        the write does); refuse the write if a retry took the claim over meanwhile."""
        stored = session.connection().execute(
            update(IdempotentRequest)
            .where(*self._mine())
            .values(
                status_code=response.status_code,
                body=bytes(response.body).decode(),
                headers={
                    name: response.headers[name]
                    for name in REPLAYED_HEADERS
                    if name in response.headers
                },
            )
        )
        if stored.rowcount != 1:
            raise Conflict("This request took so long that a retry took its place.")

    def release(self) -> None:
        """Give the key up after a failed write, so a retry may run. If the database is what
        failed, the claim stays until it counts as abandoned."""
        try:
            with self.database.writer_sessions() as session:
                bound_lock_waits(session, RELEASE_WAIT_SECONDS)
                unfinished = IdempotentRequest.status_code.is_(None)
                session.execute(delete(IdempotentRequest).where(*self._mine(), unfinished))
                session.commit()
        except SQLAlchemyError:
            logger.warning("idempotency key %r left claimed until abandoned", self.key)

    def _mine(self) -> tuple[ColumnElement[bool], ...]:
        return _held(self.api_key_id, self.key, self.token)


class Idempotency:
    """Runs a request's write once per Idempotency-Key, and replays its response to retries."""

    def __init__(self, request: Request, session: Session, who: Caller, key: str | None) -> None:
        self.request = request
        self.session = session
        self.database: Database = request.app.state.database
        self.api_key_id = who.key_id
        self.key = key
        self.claim: Claim | None = None

    def create(self, body: BaseModel, write: Callable[[], JsonRow]) -> Response:
        """A create: 201, with the new record's address."""
        return self._once(body.model_dump_json(), lambda: self._created(write()))

    def restore(self, write: Callable[[], JsonRow]) -> Response:
        return self._once("", lambda: written(write()))

    def _created(self, shown: JsonRow) -> Response:
        response = written(shown, 201)
        location = f"{self.request.url.path}/{shown['id']}"
        response.headers["Location"] = public_link(self.request, location)
        return response

    def _addressed(self, replayed: Response) -> Response:
        """A replay's `Location` as this service hands it out now: one stored before links
        were relative may name the Host its first request forged."""
        location = replayed.headers.get("Location")
        if location is not None:
            replayed.headers["Location"] = public_link(self.request, urlsplit(location).path)
        return replayed

    def give_up(self) -> None:
        """After a failed write: roll its transaction back, then free its claim."""
        assert self.claim is not None
        self.session.rollback()
        self.claim.release()

    def _once(self, payload: str, write: Callable[[], Response]) -> Response:
        if self.key is None or self.api_key_id is None:
            return write()
        # Claimed before the request's own session has begun: on SQLite that session holds the
        # write lock from its first statement to its commit, and the claim needs the lock first.
        assert not self.session.in_transaction(), "claim before the request's session begins"
        fingerprint = _fingerprint(self.request, payload)
        claimed = _claim(self.database, self.api_key_id, self.key, fingerprint)
        if isinstance(claimed, Response):
            return self._addressed(claimed)
        self.claim = claimed
        response = write()
        claimed.complete(self.session, response)
        return response


async def idempotency(
    request: Request,
    session: RequestSession,
    who: Writer,
    idempotency_key: IdempotencyKey = None,
) -> AsyncIterator[Idempotency]:
    """The request's Idempotency-Key, for a write (it needs a `write` key).

    Scoped to the request, not the handler: its exit runs after the handler's session has
    committed or rolled back. A failed write's claim is given up only once that write's
    transaction is gone: it holds the claim's row (and on SQLite the lock the release needs),
    and a cancelled request may not have rolled it back yet."""
    once = Idempotency(request, session, who, idempotency_key)
    try:
        yield once
    except BaseException:
        if once.claim is not None:
            with CancelScope(shield=True):
                await to_thread.run_sync(once.give_up, limiter=writers_of(request))
        raise


Idempotent = Annotated[Idempotency, Depends(idempotency)]


def _claim(database: Database, api_key_id: int, key: str, fingerprint: str) -> Claim | Response:
    """Claim the key for this request in a transaction of its own, committed at once, so a
    concurrent repeat finds it; or the stored response to replay."""
    while True:
        with database.writer_sessions() as session:
            claimed = _attempt(session, api_key_id, key, fingerprint)
        if isinstance(claimed, Response):
            return claimed
        if claimed is not None:
            return Claim(database, api_key_id, key, claimed)


def _attempt(
    session: Session, api_key_id: int, key: str, fingerprint: str
) -> str | Response | None:
    """One try at the claim: its token, the response to replay, or None to try again (the
    key was freed meanwhile)."""
    now = utcnow()
    session.execute(delete(IdempotentRequest).where(IdempotentRequest.created_at < now - KEPT_FOR))
    token = secrets.token_hex(16)
    session.add(
        IdempotentRequest(
            api_key_id=api_key_id, key=key, claim=token, fingerprint=fingerprint, created_at=now
        )
    )
    try:
        session.commit()
        return token
    except IntegrityError:
        session.rollback()
    earlier = session.get(IdempotentRequest, (api_key_id, key), populate_existing=True)
    if earlier is None:  # released in the meantime: this request may go ahead
        return None
    if earlier.fingerprint != fingerprint:
        raise Unprocessable.at(
            ("header", "idempotency-key"),
            "was already used for a different request; use a new key for a new request",
            "idempotency_key_reused",
        )
    if earlier.status_code is not None:
        return _replayed(earlier)
    if now - earlier.created_at < ABANDONED_AFTER or not _took_over(session, earlier):
        raise Conflict(STILL_RUNNING, headers={"Retry-After": "1"})
    return None


def _took_over(session: Session, abandoned: IdempotentRequest) -> bool:
    """Remove an abandoned claim; false if another retry removed it first."""
    unfinished = IdempotentRequest.status_code.is_(None)
    held = _held(abandoned.api_key_id, abandoned.key, abandoned.claim)
    removed = session.connection().execute(delete(IdempotentRequest).where(*held, unfinished))
    session.commit()
    return removed.rowcount == 1


def _held(api_key_id: int, key: str, token: str) -> tuple[ColumnElement[bool], ...]:
    """The claim of `key` that `token` holds."""
    return (
        IdempotentRequest.api_key_id == api_key_id,
        IdempotentRequest.key == key,
        IdempotentRequest.claim == token,
    )


def _replayed(earlier: IdempotentRequest) -> Response:
    headers = {**(earlier.headers or {}), "Idempotent-Replayed": "true"}
    return Response(
        earlier.body,
        status_code=earlier.status_code or 200,
        headers=headers,
        media_type="application/json",
    )


def _fingerprint(request: Request, payload: str) -> str:
    signed = f"{request.method} {request.url.path}\n{payload}"
    return hashlib.sha256(signed.encode()).hexdigest()
