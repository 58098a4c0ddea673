from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from app.core.schemas import ApiModel, Label, ReadPart

TOKEN_PREFIX = "syr_"
# A key's prefix as lists show it: its first twelve characters.
PREFIX_PATTERN = r"^syr_[A-Za-z0-9_-]{8}$"

Scope = Literal["read", "write", "admin"]
# Each scope includes the ones before it.
SCOPES: tuple[Scope, ...] = ("read", "write", "admin")


class KeyCreate(ApiModel):
    name: Label = Field(
        description="Who or what uses the key; it signs every change they make. It may not "
        "look like a key (start with `syr_`).",
        json_schema_extra={"not": {"pattern": "^syr_"}},
    )
    scope: Scope = Field(description="read: reads; write: reads and writes; admin: also keys.")

    @field_validator("name")
    @classmethod
    def _unlike_a_key(cls, name: str) -> str:
        if name.startswith(TOKEN_PREFIX):
            raise ValueError(f"must not start with {TOKEN_PREFIX}, as keys do")
        return name


class KeyRead(ReadPart):
    name: str
    prefix: str = Field(description="The token's first characters, to tell keys apart.")
    scope: Scope
    created_at: datetime
    revoked_at: datetime | None


class KeyCreated(KeyRead):
    token: str = Field(description="The key itself, shown only now: send it as a Bearer token.")
