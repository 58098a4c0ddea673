import uuid
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.core.database import utcnow
from app.imports.models import ImportJob


def job(session: Session, job_id: uuid.UUID) -> ImportJob | None:
    return session.get(ImportJob, job_id)


def record_progress(session: Session, job_id: uuid.UUID, **values: Any) -> None:
    """Set the job's state (its clock moves on with it)."""
    changed = update(ImportJob).where(ImportJob.id == job_id)
    session.execute(changed.values(updated_at=utcnow(), **values))
