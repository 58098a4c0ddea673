"""The change log: every create, update, delete and restore of a record, written in the same
transaction as the change itself, so it commits or vanishes with it (app.history reads it)."""

import uuid
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.database import Base, JSONDocument, utcnow
from app.core.dialect import serialize_changes

Action = Literal["create", "update", "delete", "restore"]
# The session's `info` key naming who writes through it (the HTTP layer sets it from the key).
CHANGED_BY = "changed_by"
SYSTEM = "system"  # who changes records outside the API (the demo loader, the command line)


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


def log_change(
    session: Session,
    resource: str,
    record_id: uuid.UUID,
    version: int,
    action: Action,
    values: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """Log one change of a record, its fields' JSON `values` before and after."""
    serialize_changes(session)
    session.add(
        Change(
            resource=resource,
            record_id=record_id,
            action=action,
            version=version,
            changed_at=utcnow(),
            changed_by=session.info.get(CHANGED_BY, SYSTEM),
            changes=field_changes(*values),
        )
    )
    session.flush()


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each field whose value differs, with its value before and after (JSON values)."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in {**before, **after}
        if before.get(name) != after.get(name)
    }
