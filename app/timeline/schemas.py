import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.core.dates import DateRange
from app.core.pagination import Page, PageQuery
from app.incidents.schemas import IncidentRead
from app.negotiations.schemas import SessionRead
from app.statements.schemas import StatementRead

ItemType = Literal["statement", "incident", "negotiation_session"]


class TimelineQuery(DateRange, PageQuery):
    pass


class _Item(BaseModel):
    date: dt.date = Field(description="When: a statement's date, an incident's or session's start.")


class StatementItem(_Item):
    type: Literal["statement"] = Field(description="What the item is.")
    record: StatementRead = Field(description="The whole record.")


class IncidentItem(_Item):
    type: Literal["incident"] = Field(description="What the item is.")
    record: IncidentRead = Field(description="The whole record.")


class SessionItem(_Item):
    type: Literal["negotiation_session"] = Field(description="What the item is.")
    record: SessionRead = Field(description="The whole record.")


# One of the three, told apart by `type`: a client narrows `record` by it.
TimelineItem = Annotated[StatementItem | IncidentItem | SessionItem, Field(discriminator="type")]


class TimelinePage(Page[TimelineItem]):
    """A page of an actor's chronology."""
