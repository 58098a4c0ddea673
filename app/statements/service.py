from typing import Any

from pydantic import BaseModel

from app.actors.models import Actor
from app.core.crud import Service, set_columns
from app.core.dialect import index_document
from app.core.pagination import ListQuery
from app.core.schemas import json_time, last_day_of
from app.core.snippets import snippet
from app.negotiations.models import NegotiationSession
from app.sources.service import cite
from app.statements.models import Statement, StatementTarget, StatementTopic
from app.statements.repository import StatementRepository
from app.statements.schemas import (
    StatementCreate,
    StatementQuery,
    StatementRead,
    StatementStatsQuery,
    StatementUpdate,
)


class StatementService(Service[Statement, StatementCreate]):
    repository_class = StatementRepository
    create_schema = StatementCreate
    update_schema = StatementUpdate
    read_schema = StatementRead
    label = "statement"
    resource = "statements"

    def apply(self, record: Statement, data: StatementCreate) -> None:
        self.require(NegotiationSession, {("session_id",): data.session_id})
        self.require(
            Actor,
            {
                ("speaker_id",): data.speaker_id,
                ("on_behalf_of_id",): data.on_behalf_of_id,
                **{("target_ids", i): actor_id for i, actor_id in enumerate(data.target_ids)},
            },
        )
        set_columns(
            record, data, "speaker_id", "speaker_label", "on_behalf_of_id", "date", "time",
            "date_precision", "location", "quote", "summary", "translation", "language", "type",
            "session_id",
        )  # fmt: skip
        record.last_day = last_day_of(data.date, data.date_precision)
        record.target_links = [
            StatementTarget(position=i, actor_id=actor_id)
            for i, actor_id in enumerate(data.target_ids)
        ]
        record.topic_links = [
            StatementTopic(position=i, topic=topic) for i, topic in enumerate(data.topics)
        ]
        cite(self, record, data.citations)

    def index(self, record: Statement) -> None:
        index_document(
            self.session, "statements", record.id, record.quote, record.summary, record.translation
        )

    def present(self, record: Statement, query: ListQuery | None = None) -> BaseModel:
        shown = StatementRead.model_validate(record)
        text = getattr(query, "q", None)
        if text is not None:
            shown.snippet = snippet(text, record.quote, record.summary, record.translation)
        return shown

    def stats(self, query: StatementStatsQuery) -> tuple[list[str], list[dict[str, Any]]]:
        return self.repository.stats(query)

    def page(self, query: ListQuery) -> tuple[list[dict[str, Any]], str | None]:
        assert isinstance(query, StatementQuery)
        (rows, targets, topics, citations), next_cursor = self.repository.page_batch(query)
        page = []
        for row in rows:
            shown = _row_json(row, targets.get(row.id, []), citations.get(row.id, []))
            shown["topics"] = [item["topic"] for item in topics.get(row.id, [])]
            if query.q is not None:
                shown["snippet"] = snippet(query.q, row.quote, row.summary, row.translation)
            page.append(shown)
        return page, next_cursor


def _row_json(
    row: Any, targets: list[dict[str, Any]], citations: list[dict[str, Any]]
) -> dict[str, Any]:
    """A statement row as StatementRead serialises it (a test holds the two to the same)."""
    return {
        "id": str(row.id), "created_at": json_time(row.created_at),
        "updated_at": json_time(row.updated_at), "version": row.version,
        "speaker_id": row.speaker_id and str(row.speaker_id), "speaker_name": row.speaker_name,
        "speaker_label": row.speaker_label,
        "on_behalf_of_id": row.on_behalf_of_id and str(row.on_behalf_of_id),
        "on_behalf_of_name": row.on_behalf_of_name, "date": row.date.isoformat(),
        "time": row.time and row.time.isoformat(), "date_precision": row.date_precision,
        "location": row.location, "quote": row.quote, "summary": row.summary,
        "translation": row.translation, "language": row.language, "type": row.type,
        "target_ids": [target["id"] for target in targets], "targets": targets, "topics": [],
        "session_id": row.session_id and str(row.session_id), "session_name": row.session_name,
        "citations": citations, "snippet": None,
    }  # fmt: skip
