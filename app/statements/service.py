from typing import Any

from pydantic import BaseModel

from app.actors.models import Actor
from app.core.crud import Service, set_columns
from app.core.dialect import index_document
from app.core.pagination import ListQuery
from app.core.schemas import last_day_of
from app.core.snippets import snippet
from app.negotiations.models import NegotiationSession
from app.sources.service import cite
from app.statements.models import Statement, StatementTarget, StatementTopic
from app.statements.repository import StatementRepository
from app.statements.schemas import (
    StatementCreate,
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
