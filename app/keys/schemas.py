from datetime import datetime
from typing import Literal

from pydantic import Field

from app.core.schemas import ApiModel, Label, ReadPart

Scope = Literal["read", "write", "admin"]
# Each scope includes the ones before it.
SCOPES: tuple[Scope, ...] = ("read", "write", "admin")


class KeyCreate(ApiModel):
    name: Label = Field(description="Who or what uses the key; it signs every change they make.")
    scope: Scope = Field(description="read: reads; write: reads and writes; admin: also keys.")


class KeyRead(ReadPart):
    name: str
    prefix: str = Field(description="The token's first characters, to tell keys apart.")
    scope: Scope
    created_at: datetime
    revoked_at: datetime | None


class KeyCreated(KeyRead):
    token: str = Field(description="The key itself, shown only now: send it as a Bearer token.")
