import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.database import Base, JSONDocument, utcnow


class ImportJob(Base):
    """An import sent over HTTP, run in the background by the worker that took it: its state
    is here, so that any worker or host answers for it."""

    __tablename__ = "import_jobs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    format: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(300))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    # queued, running, succeeded (the report says what was written) or failed.
    status: Mapped[str] = mapped_column(String(16), default="queued")
    rows: Mapped[int] = mapped_column(default=0)
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Moves on with every batch: a running job whose clock stopped lost its worker.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    report: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    error: Mapped[str | None] = mapped_column(Text)
