"""One chronology of an actor: what it said or was told, what it did or suffered, where it sat.
Each record is shown by its own domain."""

import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.actors.service import ActorService
from app.core.shapes import JsonRow
from app.incidents.service import IncidentService
from app.negotiations.service import SessionService
from app.statements.service import StatementService
from app.timeline.repository import timeline_page
from app.timeline.schemas import ItemType, TimelineQuery

SERVICES: dict[ItemType, type[StatementService | IncidentService | SessionService]] = {
    "statement": StatementService,
    "incident": IncidentService,
    "negotiation_session": SessionService,
}


def timeline(session: Session, actor_id: uuid.UUID, query: TimelineQuery) -> dict[str, Any]:
    """A page of the actor's timeline, as JSON; 404 for an unknown actor."""
    ActorService(session).read(actor_id)
    rows, next_cursor = timeline_page(session, actor_id, query)
    shown: dict[uuid.UUID, JsonRow] = {}
    for kind, service in SERVICES.items():
        ids = [record_id for row_kind, record_id in rows if row_kind == kind]
        if ids:
            shown |= {uuid.UUID(row["id"]): row for row in service(session).shown(ids)}
    items = [_item(kind, shown[record_id]) for kind, record_id in rows]
    return {"data": items, "next_cursor": next_cursor}


def _item(kind: ItemType, record: JsonRow) -> JsonRow:
    # Undated sessions are left out of timelines: every item has a date.
    return {"type": kind, "date": record["date"] if kind == "statement" else record["start_date"],
            "record": record}  # fmt: skip
