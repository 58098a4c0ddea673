"""Reading the change log back: a record's history, or the feed of every change."""

import uuid
from typing import Protocol

from sqlalchemy.orm import Session

from app.core.changelog import Change
from app.core.errors import NotFound
from app.history.repository import changes_after
from app.history.schemas import ChangeRead, ChangesPage, ChangesQuery, HistoryQuery


class Recorded(Protocol):
    """A resource's service, as far as its records' history needs it."""

    session: Session
    label: str
    resource: str

    def exists(self, record_id: uuid.UUID) -> bool: ...


def feed(session: Session, query: ChangesQuery, names_shown: bool) -> ChangesPage:
    """Every change after `since`, oldest first, of every collection or of one; which key
    made each only if `names_shown`."""
    return _page(session, query, names_shown, query.resource)


def history_of(
    service: Recorded, record_id: uuid.UUID, query: HistoryQuery, names_shown: bool
) -> ChangesPage:
    """The changes of one record after `since`, oldest first; 404 if it never existed."""
    if not service.exists(record_id):
        raise NotFound(f"No {service.label} with id {record_id}.")
    return _page(service.session, query, names_shown, service.resource, record_id)


def _page(
    session: Session,
    query: HistoryQuery,
    names_shown: bool,
    resource: str | None,
    record_id: uuid.UUID | None = None,
) -> ChangesPage:
    since = int(query.since or 0)
    rows = changes_after(session, since, query.limit + 1, resource, record_id)
    shown = rows[: query.limit]
    return ChangesPage(
        data=[_read(change, names_shown) for change in shown],
        next_cursor=str(shown[-1].seq if shown else since),
        has_more=len(rows) > query.limit,
    )


def _read(change: Change, names_shown: bool) -> ChangeRead:
    return ChangeRead.model_validate(
        {
            "cursor": str(change.seq),
            "resource": change.resource,
            "id": change.record_id,
            "action": change.action,
            "version": change.version,
            "changed_at": change.changed_at,
            "changed_by": change.changed_by if names_shown else None,
            "changes": change.changes,
        }
    )
