import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, literal, or_, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.core.database import AnySelect, RecordMixin
from app.core.pagination import SortKey, paginate
from app.incidents.models import Incident, IncidentActor
from app.negotiations.models import NegotiationSession, Participant
from app.statements.models import Statement, StatementTarget
from app.timeline.schemas import ItemType, TimelineQuery


def timeline_page(
    session: Session, actor_id: uuid.UUID, query: TimelineQuery
) -> tuple[list[tuple[ItemType, uuid.UUID]], str | None]:
    """One page of what the actor said or was told, did or suffered, and where it sat, as
    (type, id) in date order, and the next page's cursor."""
    events = _events(actor_id, query).subquery("events")
    order = [SortKey("date", events.c.date, dt.date), SortKey("type", events.c.type, str),
             SortKey("id", events.c.id, uuid.UUID)]  # fmt: skip
    return paginate(session, select(events.c.type, events.c.id), order, query)


def _events(actor_id: uuid.UUID, query: TimelineQuery) -> CompoundSelect[*tuple[Any, ...]]:
    targeted = select(StatementTarget.statement_id).where(StatementTarget.actor_id == actor_id)
    involved = select(IncidentActor.incident_id).where(IncidentActor.actor_id == actor_id)
    seated = select(Participant.session_id).where(Participant.actor_id == actor_id)
    said = _dated(Statement, "statement", Statement.date, Statement.last_day, query)
    did = _dated(Incident, "incident", Incident.start_date, Incident.last_day, query)
    sat = _dated(
        NegotiationSession, "negotiation_session", NegotiationSession.start_date,
        NegotiationSession.end_date, query,
    )  # fmt: skip
    return union_all(
        said.where(or_(Statement.speaker_id == actor_id, Statement.id.in_(targeted))),
        did.where(Incident.id.in_(involved), Incident.start_date.is_not(None)),
        sat.where(NegotiationSession.id.in_(seated), NegotiationSession.start_date.is_not(None)),
    )


def _dated(
    model: type[RecordMixin],
    kind: ItemType,
    first: InstrumentedAttribute[Any],
    last: InstrumentedAttribute[Any],
    query: TimelineQuery,
) -> AnySelect:
    """The live records of `model` as (type, date, id), within the query's dates."""
    conditions: list[ColumnElement[bool]] = [model.deleted_at.is_(None)]
    if query.from_ is not None:
        conditions.append(or_(last.is_(None), last >= query.from_))
    if query.to is not None:
        conditions.append(first <= query.to)
    chosen = select(literal(kind).label("type"), first.label("date"), model.id.label("id"))
    return chosen.where(*conditions)
