"""`Idempotency-Key` on POST: a retried request gets the first one's response instead of
writing twice (as Stripe's API does).

A request claims its key in a committed transaction of its own before it writes, so a
concurrent repeat finds the claim (409) instead of writing too. Each claim carries a token of
its own: only its holder may complete or release it, and a claim abandoned by a request that
died is taken over by exactly one retry. The response is stored in the write's transaction, so
it exists exactly when the write does. Keys belong to the API key that sent them and are kept
for a day.
"""

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Header, Request, Response
from sqlalchemy import ForeignKey, Integer, String, Text, delete, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.database import Base, JSONDocument, utcnow
from app.core.errors import Conflict, Unprocessable

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

    session: Session
    api_key_id: int
    key: str
    token: str

    def complete(self, response: Response) -> None:
        """Store the response beside the write, in its transaction (the caller commits);
        refuse the write if the claim was taken over meanwhile."""
        stored = self.session.execute(
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
        if stored.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("This request took so long that a retry took its place.")

    def release(self) -> None:
        """Give the key up after a failed write, so a retry may run. If the database is what
        failed, the claim stays until it counts as abandoned."""
        self.session.rollback()
        try:
            self.session.execute(delete(IdempotentRequest).where(*self._mine()))
            self.session.commit()
        except SQLAlchemyError:
            logger.warning("idempotency key %r left claimed until abandoned", self.key)

    def _mine(self) -> tuple[Any, ...]:
        return (
            IdempotentRequest.api_key_id == self.api_key_id,
            IdempotentRequest.key == self.key,
            IdempotentRequest.claim == self.token,
        )


def idempotent(
    request: Request,
    session: Session,
    api_key_id: int | None,
    key: str | None,
    payload: str,
    write: Callable[[], Response],
) -> Response:
    """The response of `write`, run once per idempotency key, then replayed."""
    if key is None or api_key_id is None:
        response = write()
        session.commit()
        return response
    claim_or_replay = _claim(session, api_key_id, key, _fingerprint(request, payload))
    if isinstance(claim_or_replay, Response):
        return claim_or_replay
    claim = claim_or_replay
    try:
        response = write()
        claim.complete(response)
        session.commit()
    except BaseException:
        claim.release()
        raise
    return response


def _claim(session: Session, api_key_id: int, key: str, fingerprint: str) -> Claim | Response:
    """Claim the key for this request and commit; or the stored response to replay."""
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
        return Claim(session, api_key_id, key, token)
    except IntegrityError:
        session.rollback()
    earlier = session.get(IdempotentRequest, (api_key_id, key), populate_existing=True)
    if earlier is None:  # released in the meantime: this request may go ahead
        return _claim(session, api_key_id, key, fingerprint)
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
    return _claim(session, api_key_id, key, fingerprint)


def _took_over(session: Session, abandoned: IdempotentRequest) -> bool:
    """Remove an abandoned claim; false if another retry removed it first."""
    removed = session.execute(
        delete(IdempotentRequest).where(
            IdempotentRequest.api_key_id == abandoned.api_key_id,
            IdempotentRequest.key == abandoned.key,
            IdempotentRequest.claim == abandoned.claim,
            IdempotentRequest.status_code.is_(None),
        )
    )
    session.commit()
    return removed.rowcount == 1  # type: ignore[attr-defined]


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
