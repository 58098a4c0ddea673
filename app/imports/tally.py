"""What an import wrote and refused, whatever it reads."""

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.imports.schemas import (
    REPORT_ITEMS,
    ActorNames,
    ImportMode,
    ImportReport,
    Missing,
    RefusedRow,
)

WRITES = ("created", "updated", "unchanged", "deleted")


class Tally(ABC):
    """What an import wrote and refused; in all-or-nothing mode, a refusal stops the writes."""

    def __init__(self, session: Session, mode: ImportMode) -> None:
        self.session = session
        self.mode = mode
        self.counts = dict.fromkeys(("rows", *WRITES), 0)
        self.refused: list[RefusedRow] = []
        self.bad = 0

    @property
    def writing(self) -> bool:
        return self.mode == "skip-bad" or self.bad == 0

    def _alone(self) -> AbstractContextManager[Any]:
        """A row's writes: in skip-bad mode on a savepoint, so a refused row leaves nothing."""
        return self.session.begin_nested() if self.mode == "skip-bad" else nullcontext()

    def _refuse(self, line: int, reason: str) -> None:
        self.bad += 1
        if len(self.refused) < REPORT_ITEMS:
            self.refused.append(RefusedRow(line=line, reason=reason))

    @abstractmethod
    def take(self, line: int, row: Any) -> None:
        """Read one row of the file and, while writing, write it; tally a bad one."""

    @abstractmethod
    def finish(self) -> None:
        """Write what had to wait for every row (references to records read later)."""

    @abstractmethod
    def report(self, file_name: str) -> ImportReport:
        """What the import read, wrote and refused."""

    def _report(
        self, form: str, file_name: str, actors: ActorNames, missing: Missing
    ) -> ImportReport:
        """The report; a failed import wrote nothing, so it counts no writes."""
        counts = self.counts if self.writing else self.counts | dict.fromkeys(WRITES, 0)
        return ImportReport(
            format=form,  # type: ignore[arg-type]  # FORMATS and ndjson: every ImportFormat
            file=file_name,
            mode=self.mode,
            status="succeeded" if self.writing else "failed",
            rows=counts["rows"],
            created=counts["created"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
            skipped_deleted=counts["deleted"],
            bad=self.bad,
            bad_rows=self.refused,
            actors=actors,
            missing=missing,
        )


def first(named: dict[str, Any]) -> dict[str, Any]:
    return dict(list(named.items())[:REPORT_ITEMS])


def reasons(exc: ValidationError) -> str:
    """A row's validation errors, each where it is."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'row'}: {error['msg']}"
        for error in exc.errors()
    )
