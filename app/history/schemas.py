import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.core.changelog import Action
from app.core.schemas import ApiModel

Resource = Literal[
    "sources",
    "actors",
    "statements",
    "incidents",
    "negotiation-processes",
    "negotiation-sessions",
    "agreements",
]


class FieldChange(BaseModel):
    before: Any = Field(description="The value before the change (null when there was none).")
    after: Any = Field(description="The value after the change (null when there is none).")


class ChangeRead(BaseModel):
    cursor: str = Field(description="Pass as `since` to read only the changes after this one.")
    resource: Resource = Field(description="The collection, e.g. `incidents`.")
    id: uuid.UUID = Field(description="The record changed.")
    action: Action = Field(description="`delete` entries are tombstones: the record is gone.")
    version: int = Field(description="The record's version after the change.")
    changed_at: datetime
    changed_by: str | None = Field(
        description="The name of the API key that made the change; shown only to callers "
        "with a key (null for anonymous readers)."
    )
    changes: dict[str, FieldChange] = Field(description="Each field the change touched.")


class ChangesPage(BaseModel):
    data: list[ChangeRead]
    next_cursor: str = Field(
        description="Pass as `since` for what follows; at the end, poll with it for new changes."
    )
    has_more: bool = Field(description="Whether more changes follow right now.")


class HistoryQuery(ApiModel):
    since: str | None = Field(
        None,
        pattern=r"^[0-9]{1,18}$",
        description="A `next_cursor` (or an entry's `cursor`): only later changes are listed.",
    )
    limit: int = Field(100, ge=1, le=1000, description="Changes per page (1 to 1000).")


class ChangesQuery(HistoryQuery):
    resource: Resource | None = Field(None, description="Only this collection's changes.")
