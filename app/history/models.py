import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.database import Base, JSONDocument, utcnow


class Change(Base):
    """One create, update, delete or restore of a record: who, when, and each field's before
    and after. `seq` follows commit order, so it is the changes feed's cursor."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_record_id_seq", "record_id", "seq"),)

    # INTEGER on SQLite, where only that spelling makes a rowid alias that counts up by itself.
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    resource: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID]
    action: Mapped[str] = mapped_column(String(10))
    version: Mapped[int]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by: Mapped[str | None] = mapped_column(String(100))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
