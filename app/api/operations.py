"""How the operations every resource has are described in the OpenAPI document: their ids,
summaries, tags, the problems each can answer, and the links from one to the next."""

from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from app.api.exports import MEDIA_TYPES
from app.api.openapi import header_refs
from app.core.errors import problem_responses
from app.core.pagination import ListQuery, offered_formats


class Named(Protocol):
    label: str  # how messages name one record, e.g. "negotiation session"
    resource: str  # the collection, e.g. "negotiation-sessions"


WRITE_PROBLEMS = (400, 401, 403, 404, 409, 412, 413, 428)
# A record's answers carry its version.
VERSIONED: dict[str, Any] = {"headers": header_refs("ETag")}
# A create takes no If-Match: no precondition can fail.
CREATE_PROBLEMS = (400, 401, 403, 409, 413)
# What a stats route can answer: the groups as JSON or CSV, or a problem.
STATS_RESPONSES: dict[int | str, dict[str, Any]] = {
    **problem_responses(422, 500, 503),
    200: {"content": {"text/csv": {}}},
}


@dataclass(frozen=True)
class Operations:
    """The operations on one resource's records, named after its service's label and
    collection: `Operations(AgreementService)`."""

    service: type[Named]

    @property
    def singular(self) -> str:
        return self.service.label.replace(" ", "_")

    @property
    def collection(self) -> str:
        return self.service.resource

    def list(self, query: type[ListQuery], page: type[BaseModel]) -> dict[str, Any]:
        exports: dict[str, Any] = {
            MEDIA_TYPES[fmt]: {} for fmt in offered_formats(query) if fmt != "json"
        }
        pages: dict[int | str, Any] = {
            200: {
                "content": exports,
                "description": "A page, or every row as an export.",
                "headers": header_refs("Link"),
            }
        }
        name = self.collection.replace("-", " ")
        listed = self._described(f"list_{self.collection.replace('-', '_')}", f"List {name}", pages)
        return {**listed, "response_model": page}

    def create(self, read: type[BaseModel]) -> dict[str, Any]:
        links: dict[int | str, Any] = {
            201: {
                "links": self._links("read", "update", "delete", "history"),
                "headers": header_refs("ETag", "Location", "Idempotent-Replayed"),
            }
        }
        responses = {**problem_responses(*CREATE_PROBLEMS), **links}
        summary = f"Create {self._a_noun}"
        described = self._described(f"create_{self.singular}", summary, responses)
        return {**described, "status_code": 201, "response_model": read}

    def read(self, read: type[BaseModel]) -> dict[str, Any]:
        responses = {
            **problem_responses(404),
            200: {"links": self._links("update", "delete", "history"), **VERSIONED},
            304: {"description": "Not Modified (If-None-Match)", **VERSIONED},
        }
        described = self._described(f"read_{self.singular}", f"Read {self._a_noun}", responses)
        return {**described, "response_model": read}

    def update(self, read: type[BaseModel]) -> dict[str, Any]:
        written = self._written("update", f"Update part of {self._a_noun}")
        written["responses"][200] = VERSIONED
        return {**written, "response_model": read}

    def delete(self) -> dict[str, Any]:
        return {**self._written("delete", f"Delete {self._a_noun}"), "status_code": 204}

    def restore(self, read: type[BaseModel]) -> dict[str, Any]:
        written = self._written("restore", f"Restore a deleted {self._noun}")
        written["responses"][200] = {
            **VERSIONED,
            "headers": header_refs("ETag", "Idempotent-Replayed"),
        }
        return {**written, "response_model": read}

    def history(self) -> dict[str, Any]:
        summary = f"History of {self._a_noun}"
        return self._described(f"history_{self.singular}", summary, problem_responses(404))

    @property
    def _noun(self) -> str:
        return self.singular.replace("_", " ")

    @property
    def _a_noun(self) -> str:
        """The noun with its article: an incident, a source."""
        return f"{'an' if self._noun[0] in 'aeiou' else 'a'} {self._noun}"

    def _written(self, action: str, summary: str) -> dict[str, Any]:
        return self._described(f"{action}_{self.singular}", summary,
                               problem_responses(*WRITE_PROBLEMS))  # fmt: skip

    def _described(
        self, operation_id: str, summary: str, responses: dict[int | str, Any]
    ) -> dict[str, Any]:
        return {
            "operation_id": operation_id,
            "summary": summary,
            "tags": [self.collection],
            "responses": {**problem_responses(422, 500, 503), **responses},
        }

    def _links(self, *targets: str) -> dict[str, Any]:
        """Links from a response to the operations it leads to (the record's id, and its ETag
        where the next step is a conditional write)."""
        links = {}
        for target in targets:
            parameters = {"record_id": "$response.body#/id"}
            if target in ("update", "delete"):
                parameters["header.if-match"] = "$response.header.ETag"
            links[target] = {"operationId": f"{target}_{self.singular}", "parameters": parameters}
        return links
