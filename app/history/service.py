"""Recording every change, and reading them back: a record's history, or the feed of all."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.database import utcnow
from app.core.dialect import serialize_changes
from app.history.models import Change
from app.history.schemas import Action, ChangeRead, ChangesPage, ChangesQuery, HistoryQuery

SYSTEM = "system"  # who changes records outside the API (the demo loader, the command line)


def record_change(
    session: Session,
    resource: str,
    record_id: uuid.UUID,
    version: int,
    action: Action,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """Log one change in the writing transaction: it commits, or vanishes, with the write."""
    caller = session.info.get("caller")
    serialize_changes(session)
    session.add(
        Change(
            resource=resource,
            record_id=record_id,
            action=action,
            version=version,
            changed_at=utcnow(),
            changed_by=caller.name if caller is not None else SYSTEM,
            changes=field_changes(before, after),
        )
    )
    session.flush()


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each field whose value differs, with its value before and after (JSON values)."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in {**before, **after}
        if before.get(name) != after.get(name)
    }


def changes_page(
    session: Session,
    query: HistoryQuery,
    *,
    record: tuple[str, uuid.UUID] | None = None,
) -> ChangesPage:
    """The changes after `since`, oldest first: every resource's, or one record's."""
    since = int(query.since or 0)
    statement = select(Change).where(Change.seq > since).order_by(Change.seq)
    if isinstance(query, ChangesQuery) and query.resource is not None:
        statement = statement.where(Change.resource == query.resource)
    if record is not None:
        statement = statement.where(Change.resource == record[0], Change.record_id == record[1])
    rows = list(session.scalars(statement.limit(query.limit + 1)))
    shown = rows[: query.limit]
    return ChangesPage(
        data=[_read(change) for change in shown],
        next_cursor=str(shown[-1].seq if shown else since),
        has_more=len(rows) > query.limit,
    )


def _read(change: Change) -> ChangeRead:
    return ChangeRead(
        cursor=str(change.seq),
        resource=change.resource,
        id=change.record_id,
        action=change.action,  # type: ignore[arg-type]
        version=change.version,
        changed_at=change.changed_at,
        changed_by=change.changed_by,
        changes=change.changes,  # type: ignore[arg-type]
    )
