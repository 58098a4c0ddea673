"""One chronology of an actor: what it said or was told, what it did or suffered, where it sat."""

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, literal, or_, select, union_all
from sqlalchemy.orm import Session

from app.actors.service import ActorService
from app.core.pagination import DateRange, Page, PageQuery, SortKey, paginate
from app.incidents.models import Incident, IncidentActor
from app.incidents.schemas import IncidentRead
from app.incidents.service import IncidentService
from app.negotiations.models import NegotiationSession, Participant
from app.negotiations.schemas import SessionRead
from app.negotiations.service import SessionService
from app.statements.models import Statement, StatementTarget
from app.statements.schemas import StatementRead
from app.statements.service import StatementService

ItemType = Literal["statement", "incident", "negotiation_session"]


class TimelineQuery(DateRange, PageQuery):
    pass


class TimelineItem(BaseModel):
    type: ItemType = Field(description="What the item is.")
    date: dt.date = Field(description="When: a statement's date, an incident's or session's start.")
    record: StatementRead | IncidentRead | SessionRead = Field(description="The whole record.")


TimelinePage = Page[TimelineItem]
SERVICES = {
    "statement": StatementService,
    "incident": IncidentService,
    "negotiation_session": SessionService,
}


def timeline(session: Session, actor_id: uuid.UUID, query: TimelineQuery) -> TimelinePage:
    ActorService(session).get(actor_id)  # 404 for an unknown actor
    events = _events(actor_id, query).subquery("events")
    order = [SortKey("date", events.c.date, dt.date), SortKey("type", events.c.type, str),
             SortKey("id", events.c.id, uuid.UUID)]  # fmt: skip
    rows, next_cursor = paginate(session, select(events.c.type, events.c.id), order, query)
    return TimelinePage(data=_items(session, rows), next_cursor=next_cursor)


def _events(actor_id: uuid.UUID, query: TimelineQuery) -> Select[tuple[str, dt.date, uuid.UUID]]:
    targeted = select(StatementTarget.statement_id).where(StatementTarget.actor_id == actor_id)
    involved = select(IncidentActor.incident_id).where(IncidentActor.actor_id == actor_id)
    seated = select(Participant.session_id).where(Participant.actor_id == actor_id)
    said = _dated(Statement, "statement", Statement.date, Statement.last_day, query).where(
        or_(Statement.speaker_id == actor_id, Statement.id.in_(targeted))
    )
    did = _dated(Incident, "incident", Incident.start_date, Incident.last_day, query)
    sat = _dated(
        NegotiationSession, "negotiation_session", NegotiationSession.start_date,
        NegotiationSession.end_date, query,
    )  # fmt: skip
    return union_all(
        said,
        did.where(Incident.id.in_(involved)),
        sat.where(NegotiationSession.id.in_(seated), NegotiationSession.start_date.is_not(None)),
    )  # type: ignore[return-value]


def _dated(model, kind, first, last, query: TimelineQuery) -> Select:  # type: ignore[no-untyped-def]
    """The live records of `model` as (type, date, id), within the query's dates."""
    conditions: list[ColumnElement[bool]] = [model.deleted_at.is_(None)]
    if query.from_ is not None:
        conditions.append(or_(last.is_(None), last >= query.from_))
    if query.to is not None:
        conditions.append(first <= query.to)
    chosen = select(literal(kind).label("type"), first.label("date"), model.id.label("id"))
    return chosen.where(*conditions)


def _items(session: Session, rows: list[tuple[str, uuid.UUID]]) -> list[TimelineItem]:
    """The page's records, each loaded whole by its own domain, in the timeline's order."""
    shown = {}
    for kind, service_class in SERVICES.items():
        ids = [record_id for row_kind, record_id in rows if row_kind == kind]
        if ids:
            service = service_class(session)
            for record in service.repository.all_of(ids):
                shown[record.id] = (kind, service.present(record))
    items = [shown[record_id] for _, record_id in rows]
    return [TimelineItem(type=kind, date=_date_of(record), record=record) for kind, record in items]


def _date_of(record: StatementRead | IncidentRead | SessionRead) -> dt.date:
    if isinstance(record, StatementRead):
        return record.date
    assert record.start_date is not None  # undated sessions are left out of timelines
    return record.start_date
