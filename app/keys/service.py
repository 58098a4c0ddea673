"""Creating, listing, revoking and recognising API keys."""

import hashlib
import secrets

from sqlalchemy.orm import Session

from app.core.database import Database, utcnow
from app.core.errors import Conflict, NotFound
from app.keys.models import ApiKey
from app.keys.repository import every_key, key_with, name_taken, unrevoked
from app.keys.schemas import TOKEN_PREFIX, KeyCreate

SHOWN_CHARACTERS = 12


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_key(session: Session, data: KeyCreate) -> tuple[ApiKey, str]:
    """A new key and its token, which exists nowhere else once returned."""
    if name_taken(session, data.name):
        raise Conflict(f"A key named {data.name!r} already exists.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        name=data.name,
        scope=data.scope,
        prefix=token[:SHOWN_CHARACTERS],
        token_hash=token_hash(token),
        created_at=utcnow(),
    )
    session.add(key)
    session.flush()
    return key, token


def list_keys(session: Session) -> list[ApiKey]:
    return every_key(session)


def revoke_key(session: Session, prefix: str | None = None, name: str | None = None) -> ApiKey:
    """Revoke the key with this prefix (or name); it stops working at once."""
    key = key_with(session, prefix=prefix, name=name)
    if key is None:
        raise NotFound(f"No key {'starting' if prefix else 'named'} {prefix or name!r}.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
    return key


def live_key(session: Session, token: str) -> ApiKey | None:
    """The unrevoked key this token belongs to, if any."""
    return unrevoked(session, token_hash(token))


def key_is_live(database: Database, token: str) -> bool:
    """Whether the token is a live key's, in a session of its own (for middleware)."""
    with database.sessions() as session:
        return live_key(session, token) is not None
