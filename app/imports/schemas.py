from typing import Literal

from pydantic import BaseModel, Field

ImportFormat = Literal["acled", "ucdp-ged"]
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
