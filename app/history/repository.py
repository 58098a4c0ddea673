import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.changelog import Change


def changes_after(
    session: Session,
    since: int,
    limit: int,
    resource: str | None = None,
    record_id: uuid.UUID | None = None,
) -> list[Change]:
    """Up to `limit` changes after the `since` entry, oldest first: of one collection, or of
    one record of it, if given."""
    statement = select(Change).where(Change.seq > since).order_by(Change.seq)
    if resource is not None:
        statement = statement.where(Change.resource == resource)
    if record_id is not None:
        statement = statement.where(Change.record_id == record_id)
    return list(session.scalars(statement.limit(limit)))
