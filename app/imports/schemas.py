import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.schemas import ApiModel, Name

ImportFormat = Literal["acled", "ucdp-ged", "pax", "ndjson"]
ImportMode = Literal["all-or-nothing", "skip-bad"]
# How many bad rows, names and missing ids a report lists (it counts them all).
REPORT_ITEMS = 1000


class RefusedRow(BaseModel):
    line: int = Field(description="The line of the file the row starts on (the header is 1).")
    reason: str


class Missing(BaseModel):
    count: int = Field(description="Records of this dataset stored here that the file lacks.")
    external_ids: list[str] = Field(description="Their ids in the dataset (the first ones).")


class ActorNames(BaseModel):
    matched: dict[str, dict[str, str]] = Field(description="Name -> the actor it is.")
    created: dict[str, dict[str, str]] = Field(description="Name -> the actor made for it.")
    ambiguous: dict[str, list[str]] = Field(description="Name -> the actors it could be.")
    unmatched: dict[str, list[str]] = Field(
        description="Names in free text (PA-X's parties) no actor exactly is, kept as the text "
        "gives them -> the actors they come close to."
    )


class ImportReport(BaseModel):
    """What an import read, wrote and refused."""

    format: ImportFormat
    file: str
    mode: ImportMode
    status: Literal["succeeded", "failed"] = Field(
        description="failed: in all-or-nothing mode a row was bad, and nothing was written."
    )
    rows: int = Field(description="Rows read.")
    created: int
    updated: int
    unchanged: int
    skipped_deleted: int = Field(description="Rows of records deleted here: not restored.")
    bad: int = Field(description="Rows refused.")
    bad_rows: list[RefusedRow] = Field(description="The rows refused, with their reasons.")
    actors: ActorNames
    missing: Missing


# `name=actor-id`: a name the file uses, pinned to an actor (the last `=` splits).
Pin = Annotated[str, StringConstraints(pattern=r"^[^\u0000]+=[0-9a-fA-F-]{36}$", max_length=337)]
JobStatus = Literal["queued", "running", "succeeded", "failed"]


class ImportRequest(ApiModel):
    """How to read the file sent as the body."""

    format: ImportFormat = Field(description="The dataset the file comes from.")
    mode: ImportMode = Field(
        "all-or-nothing",
        description="`all-or-nothing`: nothing written if any row is bad; `skip-bad`: the rest.",
    )
    file_name: Name = Field("upload.csv", description="The file's name, for the report.")
    pin: list[Pin] = Field(
        [],
        max_length=20,
        description="`name=actor-id`: the actor a name in the file means "
        "(more names: the mapping file of `python -m app import`).",
    )

    def pins(self) -> dict[str, str]:
        return dict(pair.rsplit("=", 1) for pair in self.pin)


class ImportJobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    format: ImportFormat
    mode: ImportMode
    file_name: str
    size_bytes: int
    status: JobStatus = Field(
        description="queued, running, then succeeded or failed (see `report` and `error`)."
    )
    rows: int = Field(
        description="Rows read so far (on SQLite, an all-or-nothing import's rows show once "
        "it ends: no other transaction may write while it does)."
    )
    submitted_by: str | None = Field(description="The key that sent it.")
    created_at: datetime
    updated_at: datetime = Field(
        description="Moves on with every batch: a running job whose clock stopped lost its worker."
    )
    finished_at: datetime | None
    report: ImportReport | None = Field(description="Once finished: the import's report.")
    error: str | None = Field(description="Why it stopped, if the file could not be read.")
