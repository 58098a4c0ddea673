"""An import: a dataset's file read row by row and written through the services, so that every
record passes the API's validation and every change is in the history, signed by the import.

Each record keeps its id in the dataset (`external_ids`): a row whose id is stored already
updates that record (and changes nothing if nothing changed), a row of a record deleted here is
skipped, and the records the file lacks are reported, never deleted.

`all-or-nothing` writes in one transaction, and none of it once a row is bad (the rest is still
read and checked, so the report lists the other bad rows it can tell without writing: an
ambiguous actor name shows only while writing); `skip-bad` commits every BATCH rows, each row on a
savepoint of its own, so an interrupted import leaves what the batches before it wrote.
"""

import logging
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.core.changelog import CHANGED_BY
from app.core.database import Database, utcnow
from app.core.dialect import writers_share
from app.core.errors import AppError
from app.core.identifiers import external_id_rows, holders
from app.core.records import RecordService
from app.imports.formats import FORMATS, BadRow, Format, Parsed, rows
from app.imports.models import ImportJob
from app.imports.reconcile import Reconciler
from app.imports.records import PATCHES, SERVICES, RecordLoader
from app.imports.repository import job, record_progress
from app.imports.schemas import (
    REPORT_ITEMS,
    ActorNames,
    ImportFormat,
    ImportJobRead,
    ImportMode,
    ImportReport,
    ImportRequest,
    Missing,
)
from app.imports.tally import Tally, first, reasons
from app.negotiations.service import ProcessService
from app.sources.service import SourceService

logger = logging.getLogger(__name__)
BATCH = 500
Progress = Callable[[int], None]


class Importer(Tally):
    """One import of a dataset's file, on one session."""

    def __init__(self, session: Session, form: Format, mode: ImportMode, pins: dict[str, str]):
        super().__init__(session, mode)
        self.form = form
        self.service = SERVICES[form.collection](session)
        self.update_schema = PATCHES[form.collection]
        self.reconciler = Reconciler(session, pins)
        self.seen: set[str] = set()
        self._source: uuid.UUID | None = None

    def take(self, line: int, row: dict[str, str] | BadRow) -> None:
        """Read one row and, while writing, write it; a bad row is tallied with its reason."""
        self.counts["rows"] += 1
        try:
            if isinstance(row, BadRow):
                raise row
            parsed = self.form.read(row)
            self.seen.add(parsed.external_id[1])
            body = self._with_actors(parsed) if self.writing else parsed.body
            if self.writing:
                self._write_alone(parsed.external_id, body)
            else:
                self.service.create_schema.model_validate(body)
        except (BadRow, AppError) as exc:
            self._refuse(line, str(exc.detail if isinstance(exc, AppError) else exc))
        except ValidationError as exc:
            self._refuse(line, reasons(exc))

    def finish(self) -> None:
        """Nothing waits: a dataset's rows refer only to records made as they are read."""

    def _with_actors(self, parsed: Parsed) -> dict[str, Any]:
        """The body with its actors reconciled and the records it refers to found or made
        (outside the row's savepoint, so that a later row may name them even if this one
        fails), citing the dataset and its own sources."""
        resolved = [(mention, str(actor)) for mention in parsed.mentions
                    if (actor := self.reconciler.actor_for(mention)) is not None]  # fmt: skip
        body = self.form.attach(parsed.body, resolved)
        if parsed.process is not None:
            body["process_id"] = str(self._found_or_made(ProcessService, parsed.process))
        sources = [self.source, *(self._found_or_made(SourceService, s) for s in parsed.sources)]
        return body | {"citations": [{"source_id": str(source)} for source in sources]}

    def _found_or_made(self, service_class: type[RecordService[Any, Any, Any]],
                       body: dict[str, Any]) -> uuid.UUID:  # fmt: skip
        """The record of `service_class` holding the body's one external id, else a new one."""
        service = service_class(self.session)
        (pair,) = body["external_ids"].items()
        held = holders(self.session, service.repository.model, [pair]).get(pair)
        if held is not None:
            return held
        return uuid.UUID(service.create(service.create_schema.model_validate(body))["id"])

    def _write_alone(self, pair: tuple[str, str], body: dict[str, Any]) -> None:
        try:
            with self._alone():
                self._write(pair, body)
        except IntegrityError as exc:
            if self.mode != "skip-bad":
                raise  # the whole import rolls back
            raise BadRow(f"conflicts with data already stored: {exc.orig}") from exc

    def _write(self, pair: tuple[str, str], body: dict[str, Any]) -> None:
        held = holders(self.session, self.service.repository.model, [pair]).get(pair)
        if held is None:
            self.service.create(self.service.create_schema.model_validate(body))
            self.counts["created"] += 1
            return
        current = self.service.repository.locked(held)
        if current is None:
            self.counts["deleted"] += 1
            return
        ours = {citation["source_id"] for citation in body["citations"]}
        kept = [citation.model_dump(mode="json") for citation in
                self.service.snapshot(current).citations
                if str(citation.source_id) not in ours]  # fmt: skip
        patch = self.update_schema.model_validate(body | {"citations": body["citations"] + kept})
        version = current.version
        written = self.service.update(held, patch)
        self.counts["updated" if written["version"] != version else "unchanged"] += 1

    @property
    def source(self) -> uuid.UUID:
        """The dataset itself, as the source every record read from it cites."""
        if self._source is None:
            self._source = self._found_or_made(SourceService, self.form.source)
        return self._source

    def missing(self) -> Missing:
        """The stored records of this dataset that the file lacks."""
        row = external_id_rows(self.service.repository.model)
        stored = self.session.scalars(
            select(row.value).where(row.dataset == self.form.dataset).order_by(row.value)
        )
        lacking = [value for value in stored if value not in self.seen]
        return Missing(count=len(lacking), external_ids=lacking[:REPORT_ITEMS])

    def report(self, file_name: str) -> ImportReport:
        """The report; a failed import names no actor it made (only the kind each new name
        would have had)."""
        names = self.reconciler.report
        created = names.created if self.writing else {
            name: {"kind": made["kind"]} for name, made in names.created.items()
        }  # fmt: skip
        actors = ActorNames(
            matched=first(names.matched), created=first(created),
            ambiguous=first(names.ambiguous), unmatched=first(names.unmatched),
        )  # fmt: skip
        return self._report(self.form.name, file_name, actors, self.missing())


def import_file(
    database: Database,
    lines: Iterable[str],
    form: ImportFormat,
    *,
    file_name: str,
    mode: ImportMode = "all-or-nothing",
    pins: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a dataset's file (its lines of text) and report on it; in `all-or-nothing` mode a
    bad row leaves the database as it was."""
    with database.writer_sessions() as session:
        session.info[CHANGED_BY] = f"import {form}: {file_name}"[:100]
        importer: Importer | RecordLoader
        if form == "ndjson":
            importer = RecordLoader(session, mode)
            items: Iterable[tuple[int, Any]] = enumerate(lines, 1)
        else:
            importer = Importer(session, FORMATS[form], mode, pins or {})
            items = rows(lines, FORMATS[form].renames)
        for line, row in items:
            importer.take(line, row)
            if importer.counts["rows"] % BATCH == 0:
                _end_batch(session, mode, importer.counts["rows"], progress)
        importer.finish()
        report = importer.report(file_name)
        if importer.writing:
            session.commit()
        else:
            session.rollback()
    if progress is not None:
        progress(report.rows)
    return report


def _end_batch(session: Session, mode: ImportMode, done: int, progress: Progress | None) -> None:
    """Commit the batch (skip-bad) or only flush it, and let go of its objects: memory stays
    flat whatever the file's size."""
    if mode == "skip-bad":
        session.commit()
    else:
        session.flush()
    session.expunge_all()
    if progress is not None:
        progress(done)


def submit(session: Session, request: ImportRequest, size: int, by: str | None) -> ImportJob:
    """Queue an import of a file already received (`size` bytes)."""
    queued = ImportJob(format=request.format, mode=request.mode, file_name=request.file_name,
                       size_bytes=size, submitted_by=by)  # fmt: skip
    session.add(queued)
    session.flush()
    return queued


def run_job(database: Database, job_id: uuid.UUID, path: Path, pins: dict[str, str]) -> None:
    """Run a queued import (in a worker thread), its progress and its end kept in its job. An
    error writing the job's state is logged, not raised: the job's clock (`updated_at`) then
    stops, which says it."""
    with database.writer_sessions() as session:
        queued = ImportJobRead.model_validate(job(session, job_id))
    _set(database, job_id, status="running")

    def progress(rows: int) -> None:
        _set(database, job_id, rows=rows)

    # While an all-or-nothing import writes, SQLite lets no other transaction write its job.
    noted = progress if queued.mode == "skip-bad" or writers_share(database.bind) else None
    outcome: dict[str, Any]
    try:
        with path.open(encoding="utf-8-sig", newline="") as text:
            report = import_file(database, text, queued.format, file_name=queued.file_name,
                                 mode=queued.mode, pins=pins, progress=noted)  # fmt: skip
        outcome = {"status": report.status, "rows": report.rows,
                   "report": report.model_dump(mode="json")}  # fmt: skip
    except UnicodeDecodeError as exc:
        outcome = {
            "status": "failed",
            "error": f"not UTF-8 text ({exc.reason} at byte {exc.start})",
        }
    except Exception:
        logger.exception("import %s failed", job_id)
        outcome = {"status": "failed", "error": "An unexpected error stopped the import."}
    _set(database, job_id, finished_at=utcnow(), **outcome)


def _set(database: Database, job_id: uuid.UUID, **values: Any) -> None:
    try:
        with database.writer_sessions() as session:
            record_progress(session, job_id, **values)
            session.commit()
    except SQLAlchemyError:
        logger.exception("the state of import %s could not be written", job_id)
