"""Dates and times as the service takes and gives them: UTC throughout, and imprecise dates
("January 2017") that stand for every day of their period."""

import calendar
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, WithJsonSchema

from app.core.schemas import ApiModel, ordered_after

DatePrecision = Literal["day", "week", "month", "year"]


def _as_utc(value: datetime) -> datetime:
    """A naive time is taken as UTC; an aware one is converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("is out of range once converted to UTC") from exc


def _time_as_utc(value: time) -> time:
    if value.tzinfo is None:
        return value
    offset = value.utcoffset() or timedelta()
    moment = datetime.combine(date(2000, 1, 2), value.replace(tzinfo=None)) - offset
    return moment.time()


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]
UtcTime = Annotated[time, AfterValidator(_time_as_utc)]
# A time of day as responses write it (UTC, without an offset, so not JSON Schema's `time`).
ClockTime = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?$",
            "description": "Time of day in UTC, e.g. 11:25:00.",
        }
    ),
]


def json_time(value: datetime) -> str:
    """A UTC timestamp as responses write it (`...Z`), for rows serialised without pydantic."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def last_day_of(day: date, precision: str) -> date:
    """The last day a date of this precision may stand for: "January 2017" ends on the 31st."""
    if precision == "week":
        return day + timedelta(days=6)
    if precision == "month":
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return date(day.year, 12, 31)
    return day


class DateRange(ApiModel):
    """Filters by an inclusive date range."""

    from_: date | None = Field(None, alias="from", description="On or after this date.")
    to: date | None = Field(None, description="On or before this date.")

    _to_after_from = ordered_after("to", "from_")
