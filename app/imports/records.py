"""Our own records back in, as `format=ndjson` exports write them: each with its id, its times
and its version, so that a database filled from the exports answers as the one they came from.

A file holds one collection (told by its fields); collections refer to those before them, so
they are imported in the order of SERVICES. References within a collection (an actor's
affiliations, an agreement's related agreements) may point to a record later in the file: they
are written once every record is in.
"""

import json
import uuid
from datetime import datetime
from typing import Any, get_args

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session

from app.actors.schemas import ActorUpdate
from app.actors.service import ActorService
from app.core.errors import AppError
from app.core.records import RecordService
from app.core.schemas import PatchModel
from app.core.shapes import plain_type
from app.imports.formats import BadRow
from app.imports.schemas import ActorNames, ImportMode, ImportReport, Missing
from app.imports.tally import Tally, reasons
from app.incidents.schemas import IncidentUpdate
from app.incidents.service import IncidentService
from app.negotiations.schemas import AgreementUpdate, ProcessUpdate, SessionUpdate
from app.negotiations.service import AgreementService, ProcessService, SessionService
from app.sources.schemas import SourceUpdate
from app.sources.service import SourceService
from app.statements.schemas import StatementUpdate
from app.statements.service import StatementService

SERVICES: dict[str, type[RecordService[Any, Any, Any]]] = {
    "sources": SourceService,
    "actors": ActorService,
    "negotiation-processes": ProcessService,
    "negotiation-sessions": SessionService,
    "agreements": AgreementService,
    "statements": StatementService,
    "incidents": IncidentService,
}
PATCHES: dict[str, type[PatchModel]] = {
    "sources": SourceUpdate,
    "actors": ActorUpdate,
    "negotiation-processes": ProcessUpdate,
    "negotiation-sessions": SessionUpdate,
    "agreements": AgreementUpdate,
    "statements": StatementUpdate,
    "incidents": IncidentUpdate,
}
DEFERRED = {"actors": ("affiliations",), "agreements": ("related",)}
# Fields a read may leave out (a statement's snippet is only there with `q`).
OPTIONAL = {"snippet"}


def collection_of(record: dict[str, Any]) -> str:
    """The collection whose read schema has exactly these fields."""
    fields = set(record)
    for collection, service in SERVICES.items():
        shown = set(service.repository_class.shape.read.model_fields)
        if shown - OPTIONAL <= fields <= shown:
            return collection
    raise BadRow("not a record of any collection: export whole records (no `fields=`)")


def writable(schema: type[BaseModel], value: dict[str, Any]) -> dict[str, Any]:
    """A read record as the create schema takes it: the fields a write gives, nested ones too."""
    return {name: _writable_value(info.annotation, value[name])
            for name, info in schema.model_fields.items() if name in value}  # fmt: skip


def _writable_value(annotation: Any, value: Any) -> Any:
    kind = plain_type(annotation)
    if isinstance(value, list) and get_args(kind):
        return [_writable_value(get_args(kind)[0], item) for item in value]
    if isinstance(value, dict) and isinstance(kind, type) and issubclass(kind, BaseModel):
        return writable(kind, value)
    return value


class RecordLoader(Tally):
    """One NDJSON file of our records, on one session."""

    def __init__(self, session: Session, mode: ImportMode) -> None:
        super().__init__(session, mode)
        self.collection: str | None = None
        self._deferred: list[tuple[int, Stamps, dict[str, Any]]] = []

    def take(self, line: int, text: str) -> None:
        self.counts["rows"] += 1
        try:
            self._take(line, json.loads(text))
        except json.JSONDecodeError as exc:
            self._refuse(line, f"not JSON: {exc.msg}")
        except (BadRow, AppError) as exc:
            self._refuse(line, str(exc.detail if isinstance(exc, AppError) else exc))
        except ValidationError as exc:
            self._refuse(line, reasons(exc))

    def _take(self, line: int, record: dict[str, Any]) -> None:
        if not isinstance(record, dict):
            raise BadRow("not a record (a JSON object)")
        collection = collection_of(record)
        if self.collection not in (None, collection):
            raise BadRow(f"a record of {collection} in a file of {self.collection}")
        self.collection = collection
        service = SERVICES[collection](self.session)
        stamps = Stamps.model_validate(record)
        body = writable(service.create_schema, record)
        later = {name: body.pop(name) for name in DEFERRED.get(collection, ()) if body.get(name)}
        validated = service.create_schema.model_validate(body)
        if not self.writing:
            return
        with self._alone():
            if service.exists(stamps.id):
                written = service.update(stamps.id, PATCHES[collection].model_validate(body))
                changed = written["version"] != stamps.version
                self.counts["updated" if changed else "unchanged"] += 1
            else:
                service.create(validated, record_id=stamps.id)
                self.counts["created"] += 1
            _restamp(service, stamps)
        if later:
            self._deferred.append((line, stamps, later))

    def finish(self) -> None:
        """Each record's references to records later in the file, its times kept."""
        if self.collection is None or not self.writing:
            return
        service = SERVICES[self.collection](self.session)
        for line, stamps, later in self._deferred:
            try:
                with self._alone():
                    service.update(stamps.id, PATCHES[self.collection].model_validate(later))
                    _restamp(service, stamps)
            except AppError as exc:
                self._refuse(line, exc.detail)
            except ValidationError as exc:
                self._refuse(line, reasons(exc))

    def report(self, file_name: str) -> ImportReport:
        nobody = ActorNames(matched={}, created={}, ambiguous={}, unmatched={})
        return self._report("ndjson", file_name, nobody, Missing(count=0, external_ids=[]))


class Stamps(BaseModel):
    """A record's identity, times and version, as the export wrote them."""

    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int = Field(ge=1, le=2**31 - 1)


def _restamp(service: RecordService[Any, Any, Any], stamps: Stamps) -> None:
    service.repository.restamp(stamps.id, stamps.created_at, stamps.updated_at, stamps.version)
