"""Building blocks every domain's request and response schemas share."""

import calendar
import math
import uuid
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    create_model,
    field_validator,
)
from pydantic.json_schema import WithJsonSchema
from pydantic_core import PydanticCustomError, core_schema


def _reject_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL bytes")
    return value


NoNul = AfterValidator(_reject_nul)

# Python's own whitespace (what str.strip removes), spelled for a JSON Schema pattern, so the
# documented rule and the enforced one agree to the character.
_WHITESPACE = "".join(f"\\u{code:04x}" for code in range(0x10000) if chr(code).isspace())
# Not blank, and free of NUL bytes (PostgreSQL refuses them).
TEXT_PATTERN = f"^[^\\u0000]*[^\\u0000{_WHITESPACE}][^\\u0000]*$"


def _trimmed(value: str) -> str:
    _reject_nul(value)
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")
    return value.strip()


def text(max_length: int) -> Any:
    """A string of at most `max_length` characters, not blank and free of NUL bytes, stored
    without its surrounding whitespace."""
    return Annotated[
        str,
        StringConstraints(min_length=1, max_length=max_length),
        AfterValidator(_trimmed),
        WithJsonSchema(
            {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": TEXT_PATTERN}
        ),
    ]


Name = text(300)
Label = text(100)
Url = text(2048)
LongText = text(20_000)
LanguageTag = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35)
]


def _as_utc(value: datetime) -> datetime:
    """A naive time is taken as UTC; an aware one is converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("is out of range once converted to UTC") from exc


def json_time(value: datetime) -> str:
    """A UTC timestamp as responses write it (`...Z`), for rows serialised without pydantic."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _time_as_utc(value: time) -> time:
    if value.tzinfo is None:
        return value
    offset = value.utcoffset() or timedelta()
    moment = datetime.combine(date(2000, 1, 2), value.replace(tzinfo=None)) - offset
    return moment.time()


def _unique(values: list[Any]) -> list[Any]:
    seen = set()
    for index, value in enumerate(values):
        key = value.model_dump_json() if isinstance(value, BaseModel) else value
        if key in seen:
            raise PydanticCustomError("cross_field", f"item {index} repeats an earlier one")
        seen.add(key)
    return values


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
DatePrecision = Literal["day", "week", "month", "year"]


def last_day_of(day: date, precision: str) -> date:
    """The last day a date of this precision may stand for: "January 2017" ends on the 31st."""
    if precision == "week":
        return day + timedelta(days=6)
    if precision == "month":
        return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return date(day.year, 12, 31)
    return day


class _UniqueItems:
    """List metadata: items must differ (checked, and declared as `uniqueItems`)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return core_schema.no_info_after_validator_function(_unique, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        return {**handler(schema), "uniqueItems": True}


Unique = _UniqueItems()

SearchText = text(200)


def _numbers(text: str, count: int) -> list[float]:
    parts = text.split(",")
    if len(parts) != count:
        raise ValueError(f"expected {count} comma-separated numbers")
    try:
        numbers = [float(part) for part in parts]
    except ValueError as exc:
        raise ValueError(f"expected {count} comma-separated numbers") from exc
    if not all(math.isfinite(number) for number in numbers):
        raise ValueError("numbers must be finite")
    return numbers


def _coordinates(lat: float, lon: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("latitude must be within ±90 and longitude within ±180")


def _bounding_box(text: str) -> tuple[float, float, float, float]:
    min_lon, min_lat, max_lon, max_lat = _numbers(text, 4)
    _coordinates(min_lat, min_lon)
    _coordinates(max_lat, max_lon)
    if min_lon > max_lon or min_lat > max_lat:
        raise PydanticCustomError("cross_field", "min must not exceed max")
    return min_lon, min_lat, max_lon, max_lat


def _point(text: str) -> tuple[float, float]:
    lat, lon = _numbers(text, 2)
    _coordinates(lat, lon)
    return lat, lon


_LATITUDE = r"-?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?)"
_LONGITUDE = r"-?(180(\.0+)?|(1[0-7][0-9]|[0-9]{1,2})(\.[0-9]+)?)"
BoundingBox = Annotated[
    str,
    StringConstraints(
        max_length=200, pattern=f"^{_LONGITUDE},{_LATITUDE},{_LONGITUDE},{_LATITUDE}$"
    ),
    AfterValidator(_bounding_box),
]
Point = Annotated[
    str,
    StringConstraints(max_length=100, pattern=f"^{_LATITUDE},{_LONGITUDE}$"),
    AfterValidator(_point),
]


class ApiModel(BaseModel):
    """Request bodies: unknown fields and non-finite numbers are refused, and so are values
    of another JSON type that pydantic would convert: numbers where a date or time is due
    (it would read Unix times), booleans where a number is (it would read 1 and 0)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _json_types(cls, value: Any, info: ValidationInfo) -> Any:
        temporal, numeric = _typed_fields(cls)
        if info.field_name in temporal and _is_number(value):
            raise PydanticCustomError("date_type", "must be an ISO 8601 date or time")
        if info.field_name in numeric and isinstance(value, bool):
            raise PydanticCustomError("number_type", "must be a number")
        return value


def _is_number(value: Any) -> bool:
    """A number, or text of one: pydantic would read either as a Unix time."""
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return isinstance(value, int | float)


@cache
def _typed_fields(model: type[BaseModel]) -> tuple[frozenset[str], frozenset[str]]:
    """The model's fields holding dates or times, and those holding numbers."""

    def named(*kinds: type) -> frozenset[str]:
        fields = model.model_fields.items()
        return frozenset(name for name, info in fields if _holds(info.annotation, kinds))

    return named(date, datetime, time), named(int, float)


def _holds(annotation: Any, kinds: tuple[type, ...]) -> bool:
    if annotation in kinds:
        return True
    return any(_holds(argument, kinds) for argument in get_args(annotation))


class PatchModel(ApiModel):
    """A partial update: only the fields sent are applied."""


def ordered_after(field: str, *earlier: str) -> Any:
    """A validator refusing `field` when it is smaller than any of the `earlier` fields."""

    def check(cls: type, value: Any, info: ValidationInfo) -> Any:
        for other in earlier:
            bound = info.data.get(other)
            if value is not None and bound is not None and value < bound:
                message = f"must not be less than {other.rstrip('_')} ({bound})"
                raise PydanticCustomError("cross_field", message)
        return value

    return field_validator(field)(classmethod(check))  # type: ignore[arg-type]


def patch_model(create_model_cls: type[ApiModel]) -> type[PatchModel]:
    """The PATCH schema of a resource: every field of its create schema, each optional, and
    null only where a new record may have null."""
    fields: dict[str, Any] = {}
    for name, info in create_model_cls.model_fields.items():
        constrained = (
            Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        )
        documented = {"description": info.description, "json_schema_extra": info.json_schema_extra}
        fields[name] = (constrained, Field(None, **documented))
    resource = create_model_cls.__name__.removesuffix("Create")
    return create_model(
        f"{resource}Update",
        __base__=PatchModel,
        __doc__=f"Partial update of a {resource}.",
        **fields,
    )


class ReadPart(BaseModel):
    """A part of a response, built from a stored record's attributes."""

    model_config = ConfigDict(from_attributes=True)


class ReadModel(ReadPart):
    """A whole record as responses show it."""

    id: uuid.UUID = Field(description="Stable identifier of the record.")
    created_at: datetime = Field(description="When the record was created (UTC).")
    updated_at: datetime = Field(description="When the record was last changed (UTC).")
    version: int = Field(
        description="Incremented on every change; used for optimistic concurrency."
    )


class ActorRef(ReadPart):
    """An actor named beside its id, so a frontend can show it without another call."""

    id: uuid.UUID
    name: str


MAX_ITEMS = 200


def many(description: str) -> Any:
    """A bounded list field, empty by default."""
    return Field(default_factory=list, max_length=MAX_ITEMS, description=description)
