"""Loads the demo dataset (the seed article, `seed.json`) through the services, so it passes
the same validation as the API. Records refer to each other as `@key`; the loader swaps each
key for the id of the record it created."""

import json
import uuid
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from app.actors.repository import any_actor
from app.actors.schemas import ActorUpdate
from app.actors.service import ActorService
from app.core.records import RecordService
from app.incidents.service import IncidentService
from app.negotiations.service import AgreementService, ProcessService, SessionService
from app.sources.service import SourceService
from app.statements.service import StatementService

# In dependency order: a record refers only to kinds loaded before it.
SERVICES: dict[str, type[RecordService[Any, Any, Any]]] = {
    "sources": SourceService,
    "actors": ActorService,
    "negotiation_processes": ProcessService,
    "negotiation_sessions": SessionService,
    "agreements": AgreementService,
    "statements": StatementService,
    "incidents": IncidentService,
}


def demo_dataset() -> dict[str, list[dict[str, Any]]]:
    text = resources.files("app.demo").joinpath("seed.json").read_text(encoding="utf-8")
    dataset: dict[str, list[dict[str, Any]]] = json.loads(text)
    return dataset


def load_demo_if_empty(session: Session) -> dict[str, int] | None:
    """Load the demo dataset unless the database already holds actors; None if skipped."""
    if any_actor(session):
        return None
    return load_demo(session)


def load_demo(session: Session) -> dict[str, int]:
    """Create every record of the demo dataset (the caller commits); return counts per kind."""
    dataset = demo_dataset()
    ids: dict[str, str] = {}
    for kind, service_class in SERVICES.items():
        service = service_class(session)
        for raw in dataset.get(kind, []):
            # Actors may be affiliated to actors listed after them: linked once all exist.
            body = {
                name: value for name, value in raw.items() if name not in ("@id", "affiliations")
            }
            record = service.create(service.create_schema.model_validate(_resolve(body, ids)))
            ids[raw["@id"]] = record["id"]
        if kind == "actors":
            _affiliate(ActorService(session), dataset["actors"], ids)
    return {kind: len(dataset.get(kind, [])) for kind in SERVICES}


def _affiliate(service: ActorService, actors: list[dict[str, Any]], ids: dict[str, str]) -> None:
    for raw in actors:
        if raw.get("affiliations"):
            patch = ActorUpdate.model_validate({"affiliations": _resolve(raw["affiliations"], ids)})
            service.update(uuid.UUID(ids[raw["@id"]]), patch)


def _resolve(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        return ids[value[1:]]
    if isinstance(value, list):
        return [_resolve(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: _resolve(item, ids) for key, item in value.items()}
    return value
