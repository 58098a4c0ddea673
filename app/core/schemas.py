"""Building blocks every domain's request and response schemas share."""

import uuid
from collections.abc import Callable
from datetime import date, datetime, time
from functools import cache
from typing import Annotated, Any, TypeVar, get_args

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

from app.core.names import INVISIBLE, without_invisible


def _reject_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL bytes")
    return value


NoNul = AfterValidator(_reject_nul)

# Python's own whitespace (what str.strip removes), spelled for a JSON Schema pattern, so the
# documented rule and the enforced one agree to the character.
_WHITESPACE = "".join(f"\\u{code:04x}" for code in range(0x10000) if chr(code).isspace())
# Not blank (once invisible characters are gone), and free of NUL bytes (PostgreSQL refuses
# them).
TEXT_PATTERN = f"^[^\\u0000]*[^\\u0000{_WHITESPACE}{INVISIBLE}][^\\u0000]*$"


def _trimmed(value: str) -> str:
    _reject_nul(value)
    visible = without_invisible(value).strip()
    if not visible:
        raise PydanticCustomError("blank", "must not be blank")
    return visible


def _length(max_length: int) -> StringConstraints:
    return StringConstraints(min_length=1, max_length=max_length)


def _text_schema(max_length: int) -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": TEXT_PATTERN}
    )


# Text of at most so many characters, not blank and free of NUL bytes, stored without its
# surrounding whitespace.
_Trimmed = AfterValidator(_trimmed)
Name = Annotated[str, _length(300), _Trimmed, _text_schema(300)]
Label = Annotated[str, _length(100), _Trimmed, _text_schema(100)]
Url = Annotated[str, _length(2048), _Trimmed, _text_schema(2048)]
LongText = Annotated[str, _length(20_000), _Trimmed, _text_schema(20_000)]
SearchText = Annotated[str, _length(200), _Trimmed, _text_schema(200)]
LanguageTag = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35)
]
# A dataset's name, as `external_ids` keys records by it: acled, ucdp_ged, pax, wikidata...
ExternalKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$"), NoNul]
ExternalIds = dict[ExternalKey, Label]
# `dataset:column`: a dataset's own field that has no field of ours (acled:disorder_type).
DatasetFieldKey = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}:[A-Za-z][A-Za-z0-9_]{0,63}$"), NoNul
]
DatasetFields = dict[DatasetFieldKey, LongText]
# `dataset:id`, as the `external_id` filter takes it.
ExternalIdRef = Annotated[
    str,
    StringConstraints(max_length=133, pattern=f"^[a-z][a-z0-9_]{{0,31}}:{TEXT_PATTERN[1:]}"),
]


def keyed_field(description: str, example: dict[str, str], max_length: int) -> Any:
    """An object field of values by key (a dict whose keys have a pattern), empty by default."""
    return Field(
        default_factory=dict,
        max_length=max_length,
        description=description,
        examples=[example],
        json_schema_extra={"additionalProperties": False},  # keys must match the pattern
    )


def external_ids_field() -> Any:
    """A record's `external_ids`: its id in each dataset it comes from or appears in."""
    return keyed_field(
        "The record's id in other datasets, keyed by dataset: acled, ucdp_ged, pax, "
        "wikidata... Each id names one record of a kind.",
        {"acled": "SYR1234"},
        max_length=20,
    )


def dataset_fields_field() -> Any:
    """A record's `dataset_fields`: what the datasets it came from say that no field holds."""
    return keyed_field(
        "Each dataset's own fields that no field here holds, as `dataset:column` and the value "
        "as the dataset gives it: kept so that nothing an import reads is lost.",
        {"acled:disorder_type": "Political violence", "acled:source_scale": "National"},
        max_length=300,
    )


class ExternalIdFilter(BaseModel):
    """The filter every list has: records by their id in another dataset."""

    external_id: list[ExternalIdRef] = Field(
        [],
        max_length=20,
        description="`dataset:id`, e.g. `acled:SYR1234`: the record with that id there.",
    )

    def external_pairs(self) -> list[tuple[str, str]]:
        """The filter's (dataset, id) pairs."""
        pairs = (ref.partition(":") for ref in self.external_id)
        return [(dataset, value.strip()) for dataset, _, value in pairs]


def _unique(values: list[Any]) -> list[Any]:
    seen = set()
    for index, value in enumerate(values):
        key = value.model_dump_json() if isinstance(value, BaseModel) else value
        if key in seen:
            raise PydanticCustomError("cross_field", f"item {index} repeats an earlier one")
        seen.add(key)
    return values


class _UniqueItems:
    """List metadata: items must differ (checked, and declared as `uniqueItems`)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return core_schema.no_info_after_validator_function(_unique, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        return {**handler(schema), "uniqueItems": True}


Unique = _UniqueItems()


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

    return field_validator(field)(classmethod(check))


P = TypeVar("P", bound=PatchModel)


def patch_of(create_schema: type[ApiModel]) -> Callable[[type[P]], type[P]]:
    """Makes a class the PATCH schema of a resource: every field of its create schema, each
    optional, and null only where a new record may have null."""

    def build(patch: type[P]) -> type[P]:
        fields: dict[str, Any] = {}
        for name, info in create_schema.model_fields.items():
            constrained = (
                Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            )
            documented = Field(
                None, description=info.description, json_schema_extra=info.json_schema_extra
            )
            fields[name] = (constrained, documented)
        return create_model(patch.__name__, __base__=patch, __doc__=patch.__doc__, **fields)

    return build


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


MAX_ITEMS = 200


def many(description: str) -> Any:
    """A bounded list field, empty by default."""
    return Field(default_factory=list, max_length=MAX_ITEMS, description=description)
