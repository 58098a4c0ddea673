import math
import re
import uuid
from dataclasses import dataclass, fields
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from app.core.dates import DateRange, UtcDateTime
from app.core.pagination import ListQuery, fields_field, format_field, page_of
from app.core.schemas import (
    ApiModel,
    DatasetFields,
    ExternalIdFilter,
    ExternalIds,
    Label,
    LanguageTag,
    LongText,
    Name,
    PatchModel,
    ReadModel,
    ReadPart,
    SearchText,
    Unique,
    dataset_fields_field,
    external_ids_field,
    keyed_field,
    many,
    ordered_after,
    patch_of,
)
from app.core.stats import (
    StatsQuery,
    count_field,
    facet_field,
    group_by_field,
    stats_of,
    tally_fields,
)
from app.sources.schemas import CitationIn, CitationRead, citations_field

ActorRole = Literal["perpetrator", "target", "victim", "side"]
Attribution = Literal["confirmed", "alleged", "claimed", "denied"]
Verification = Literal["reported", "corroborated", "confirmed", "disputed", "retracted"]
LocationPrecision = Literal["exact", "near", "town", "district", "governorate", "region", "country"]
CasualtyOutcome = Literal["killed", "injured"]
# An incident's date may be unknown: it then has none, and no date range finds it.
IncidentDatePrecision = Literal["day", "week", "month", "year", "unknown"]
MAX_CASUALTIES = 10_000_000
CasualtyNumber = Annotated[int, Field(ge=0, le=MAX_CASUALTIES)]


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


def _spelled(value: Any, max_length: int, pattern: str) -> str:
    """Text of this length and pattern, refused as pydantic refuses text."""
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "Input should be a valid string")
    if len(value) > max_length:
        raise PydanticCustomError(
            "string_too_long",
            "String should have at most {max_length} characters",
            {"max_length": max_length},
        )
    if not re.match(pattern, value):
        raise PydanticCustomError(
            "string_pattern_mismatch",
            "String should match pattern '{pattern}'",
            {"pattern": pattern},
        )
    return value


_LATITUDE = r"-?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?)"
_LONGITUDE = r"-?(180(\.0+)?|(1[0-7][0-9]|[0-9]{1,2})(\.[0-9]+)?)"


@dataclass(frozen=True)
class _Spelled:
    """Numbers a journalist types as one parameter, `PATTERN` of at most `MAX_LENGTH`
    characters, read into the dataclass's fields in order; the OpenAPI document gives the
    spelling."""

    MAX_LENGTH: ClassVar[int]
    PATTERN: ClassVar[str]

    @classmethod
    def read(cls, value: Any) -> Any:
        numbers = _numbers(_spelled(value, cls.MAX_LENGTH, cls.PATTERN), len(fields(cls)))
        read = cls(*numbers)
        read.check()
        return read

    def check(self) -> None:
        """Refuse numbers out of range."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(cls.read)

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "maxLength": cls.MAX_LENGTH, "pattern": cls.PATTERN}


@dataclass(frozen=True)
class BoundingBox(_Spelled):
    """`min_lon,min_lat,max_lon,max_lat`."""

    MAX_LENGTH = 200
    PATTERN = f"^{_LONGITUDE},{_LATITUDE},{_LONGITUDE},{_LATITUDE}$"
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def check(self) -> None:
        _coordinates(self.min_lat, self.min_lon)
        _coordinates(self.max_lat, self.max_lon)
        if self.min_lon > self.max_lon or self.min_lat > self.max_lat:
            raise PydanticCustomError("cross_field", "min must not exceed max")


@dataclass(frozen=True)
class Point(_Spelled):
    """`lat,lon`."""

    MAX_LENGTH = 100
    PATTERN = f"^{_LATITUDE},{_LONGITUDE}$"
    lat: float
    lon: float

    def check(self) -> None:
        _coordinates(self.lat, self.lon)


class PlaceIn(ApiModel):
    model_config = ConfigDict(from_attributes=True)

    name: Name | None = Field(None, description="Place name as reported.", examples=["Wadi Barada"])
    governorate: Label | None = Field(None, description="Governorate (muhafazah).")
    district: Label | None = Field(None, description="District (mintaqah).")
    subdistrict: Label | None = Field(None, description="Sub-district (nahiyah; ACLED's admin3).")
    latitude: float | None = Field(None, ge=-90, le=90, description="WGS 84 latitude.")
    longitude: float | None = Field(None, ge=-180, le=180, description="WGS 84 longitude.")
    precision: LocationPrecision | None = Field(None, description="How precise the point is.")

    @model_validator(mode="after")
    def _both_coordinates(self) -> "PlaceIn":
        if (self.latitude is None) != (self.longitude is None):
            raise PydanticCustomError("cross_field", "give both latitude and longitude, or neither")
        return self


class CasualtiesIn(ApiModel):
    model_config = ConfigDict(from_attributes=True)

    low: CasualtyNumber | None = Field(None, description="Lowest credible count.")
    best: CasualtyNumber | None = Field(None, description="Best estimate.")
    high: CasualtyNumber | None = Field(None, description="Highest credible count.")

    _best_in_range = ordered_after("best", "low")
    _high_in_range = ordered_after("high", "low", "best")


class CasualtyCountIn(ApiModel):
    """The people of one category killed or injured: a part of the incident's totals."""

    model_config = ConfigDict(from_attributes=True)

    category: Label = Field(
        description="Who: `civilians`, `side_a` and `side_b` (the first and second actor in the "
        "role `side`), `unknown`, or any group such as `rescue_workers`.",
        examples=["civilians"],
    )
    outcome: CasualtyOutcome = Field("killed", description="Killed or injured.")
    low: CasualtyNumber | None = Field(None, description="Lowest credible count.")
    best: CasualtyNumber | None = Field(None, description="Best estimate.")
    high: CasualtyNumber | None = Field(None, description="Highest credible count.")

    _best_in_range = ordered_after("best", "low")
    _high_in_range = ordered_after("high", "low", "best")


class IncidentActorIn(ApiModel):
    actor_id: uuid.UUID = Field(description="The actor involved.")
    role: ActorRole = Field(description="Its part in the incident.")
    attribution: Attribution = Field("alleged", description="How firmly the part is attributed.")


class IncidentCreate(ApiModel):
    type: Label = Field(description="What happened: airstrike, shelling, clashes...")
    sub_type: Label | None = Field(None, description="Finer type, e.g. double_tap_strike.")
    description: LongText | None = Field(None, description="What happened, in words.")
    language: LanguageTag | None = Field(None, description="The description's language.")
    translations: dict[LanguageTag, LongText] = keyed_field(
        "The description in other languages, by BCP 47 tag.",
        {"ar": "قصف على وادي بردى"},
        max_length=20,
    )
    start_date: date | None = Field(
        None, description="First day (or first day of the period if imprecise); null only when "
        "`date_precision` is `unknown`.",
    )  # fmt: skip
    end_date: date | None = Field(None, description="Last day; null while ongoing.")
    date_precision: IncidentDatePrecision = Field(
        "day", description="How precise the dates are; `unknown`: the incident has no dates."
    )
    place: PlaceIn = Field(default_factory=PlaceIn, description="Where it happened.")
    actors: Annotated[list[IncidentActorIn], Unique] = many(
        "Actors involved, with role and attribution."
    )
    killed: CasualtiesIn = Field(default_factory=CasualtiesIn, description="People killed.")
    injured: CasualtiesIn = Field(default_factory=CasualtiesIn, description="People injured.")
    casualties: list[CasualtyCountIn] = many(
        "The totals by category: civilians, each side, unknown... (each category and outcome "
        "once; they need not add up to the totals)."
    )
    casualty_notes: LongText | None = Field(None, description="Who the casualties were.")
    aggregate: bool = Field(
        False, description="Whether the record sums many events (a country-year total, say)."
    )
    event_count: int | None = Field(
        None, ge=2, le=MAX_CASUALTIES, description="For an aggregate: how many events it sums."
    )
    weapons: Annotated[list[Label], Unique] = many("Weapons used: chemical_weapons, sarin...")
    tags: Annotated[list[Label], Unique] = many("Labels: a dataset's tags, a collection's name.")
    verification: Verification = Field("reported", description="How well it is established.")
    violated_agreement_id: uuid.UUID | None = Field(None, description="Agreement it violated.")
    external_ids: ExternalIds = external_ids_field()
    dataset_fields: DatasetFields = dataset_fields_field()
    citations: list[CitationIn] = citations_field()

    _end_after_start = ordered_after("end_date", "start_date")

    @model_validator(mode="after")
    def _dated_unless_unknown(self) -> "IncidentCreate":
        unknown = self.date_precision == "unknown"
        if unknown and (self.start_date is not None or self.end_date is not None):
            raise PydanticCustomError("cross_field", "an unknown date has no start or end date")
        if not unknown and self.start_date is None:
            raise PydanticCustomError(
                "cross_field", "give start_date, or date_precision unknown for no date"
            )
        return self

    @model_validator(mode="after")
    def _each_category_once(self) -> "IncidentCreate":
        seen = set()
        for index, count in enumerate(self.casualties):
            if (count.category, count.outcome) in seen:
                message = f"casualties {index} repeats {count.category} {count.outcome}"
                raise PydanticCustomError("cross_field", message)
            seen.add((count.category, count.outcome))
        if self.event_count is not None and not self.aggregate:
            raise PydanticCustomError("cross_field", "event_count is for an aggregate record")
        return self


@patch_of(IncidentCreate)
class IncidentUpdate(PatchModel):
    """Partial update of a Incident."""


class IncidentActorRead(ReadPart):
    actor_id: uuid.UUID
    actor_name: str
    role: ActorRole
    attribution: Attribution


class PlaceRead(ReadPart):
    name: str | None
    governorate: str | None
    district: str | None
    subdistrict: str | None
    latitude: float | None
    longitude: float | None
    precision: LocationPrecision | None


class CasualtiesRead(ReadPart):
    low: int | None
    best: int | None
    high: int | None


class CasualtyCountRead(ReadPart):
    category: str
    outcome: CasualtyOutcome
    low: int | None
    best: int | None
    high: int | None


class IncidentRead(ReadModel):
    type: str
    sub_type: str | None
    description: str | None
    language: str | None
    translations: dict[str, str]
    start_date: date | None
    end_date: date | None
    date_precision: IncidentDatePrecision
    place: PlaceRead
    actors: list[IncidentActorRead]
    killed: CasualtiesRead
    injured: CasualtiesRead
    casualties: list[CasualtyCountRead]
    casualty_notes: str | None
    aggregate: bool
    event_count: int | None
    weapons: list[str]
    tags: list[str]
    verification: Verification
    violated_agreement_id: uuid.UUID | None
    violated_agreement_title: str | None
    external_ids: dict[str, str]
    dataset_fields: dict[str, str]
    citations: list[CitationRead]


class IncidentFilters(DateRange, ExternalIdFilter):
    """Every incident filter. Repeat a parameter for OR within it; different ones combine (AND)."""

    actor: list[Name] = Field([], max_length=20, description="Actor involved: id, name or alias.")
    actor_role: list[ActorRole] = Field(
        [], description="The actor's role (with `actor`: its role)."
    )
    attribution: list[Attribution] = Field([], description="How firmly the role is attributed.")
    type: list[Label] = Field([], max_length=20, description="Incident type.")
    sub_type: list[Label] = Field([], max_length=20, description="Incident sub-type.")
    place: list[Name] = Field(
        [], max_length=20, description="Place, district or governorate, forgiving of spelling."
    )
    governorate: list[Label] = Field([], max_length=20, description="Governorate, as stored.")
    bbox: BoundingBox | None = Field(
        None, description="`min_lon,min_lat,max_lon,max_lat`: incidents located inside."
    )
    near: Point | None = Field(None, description="`lat,lon`: incidents within `radius_km`.")
    radius_km: float = Field(10, gt=0, le=1000, description="Radius around `near`, in km.")
    min_killed: int | None = Field(
        None, ge=0, le=MAX_CASUALTIES, description="killed.best >= this."
    )
    max_killed: int | None = Field(
        None, ge=0, le=MAX_CASUALTIES, description="killed.best <= this."
    )
    verification: list[Verification] = Field([], description="Verification status.")
    violated_agreement: list[uuid.UUID] = Field([], max_length=20, description="Agreement id.")
    session: list[uuid.UUID] = Field(
        [], max_length=20, description="Negotiation session id: incidents during its dates."
    )
    source: list[uuid.UUID] = Field([], max_length=20, description="Cited source id.")
    updated_since: UtcDateTime | None = Field(None, description="Changed at or after this time.")
    q: SearchText | None = Field(None, description="Full text over description, place and notes.")

    _max_after_min = ordered_after("max_killed", "min_killed")


# What `facet=` counts the values of: the keys stats group by.
IncidentFacet = Literal["type", "governorate", "actor", "verification", "year", "month"]


class IncidentQuery(IncidentFilters, ListQuery):
    sort: Literal["date", "-date", "-killed"] | None = Field(
        None, description="`date` (default), `-date` or `-killed`; relevance first with `q`."
    )
    fields: str | None = fields_field(IncidentRead)
    format: Literal["json", "csv", "ndjson", "geojson", "atom"] | None = format_field(
        "csv", "ndjson", "geojson", "atom"
    )
    count: bool = count_field()
    facet: list[IncidentFacet] = facet_field(*get_args(IncidentFacet))


IncidentPage = page_of(IncidentRead, **tally_fields())


# What stats sum per group, besides counting.
CASUALTY_SUMS = tuple(
    f"{kind}_{bound}" for kind in ("killed", "injured") for bound in ("low", "best", "high")
)
IncidentStats = stats_of(
    "IncidentStats",
    **dict.fromkeys(("month", "year", "type", "governorate", "actor", "verification"), str),
    actor_id=uuid.UUID,
    **dict.fromkeys(CASUALTY_SUMS, int),
)


class IncidentStatsQuery(IncidentFilters, StatsQuery):
    """`group_by`: month, year, type, governorate, actor, verification (one or two)."""

    group_by: str = group_by_field("month", "year", "type", "governorate", "actor", "verification")
