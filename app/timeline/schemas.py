import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from app.core.dates import DateRange
from app.core.pagination import Page, PageQuery
from app.incidents.schemas import IncidentRead
from app.negotiations.schemas import SessionRead
from app.statements.schemas import StatementRead

ItemType = Literal["statement", "incident", "negotiation_session"]


class TimelineQuery(DateRange, PageQuery):
    pass


class TimelineItem(BaseModel):
    type: ItemType = Field(description="What the item is.")
    date: dt.date = Field(description="When: a statement's date, an incident's or session's start.")
    record: StatementRead | IncidentRead | SessionRead = Field(description="The whole record.")


TimelinePage = Page[TimelineItem]
