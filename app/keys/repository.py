from sqlalchemy import select
from sqlalchemy.orm import Session

from app.keys.models import ApiKey


def name_taken(session: Session, name: str) -> bool:
    return session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None


def every_key(session: Session) -> list[ApiKey]:
    """Every key, revoked ones too, oldest first."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


def key_with(session: Session, prefix: str | None = None, name: str | None = None) -> ApiKey | None:
    """The key with this prefix, or else this name."""
    chosen = ApiKey.prefix == prefix if prefix is not None else ApiKey.name == name
    return session.scalar(select(ApiKey).where(chosen))


def unrevoked(session: Session, digest: str) -> ApiKey | None:
    """The unrevoked key whose token has this SHA-256."""
    return session.scalar(
        select(ApiKey).where(ApiKey.token_hash == digest, ApiKey.revoked_at.is_(None))
    )
