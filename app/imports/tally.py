"""What an import wrote and refused, whatever it reads."""

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


class Tally:
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

    def _refuse(self, line: int, reason: str) -> None:
        self.bad += 1
        if len(self.refused) < REPORT_ITEMS:
            self.refused.append(RefusedRow(line=line, reason=reason))

    def finish(self) -> None:
        """Write what had to wait for every row (references to records read later)."""

    def report(self, file_name: str) -> ImportReport:
        raise NotImplementedError

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
