from collections.abc import Iterator

from app.actors.models import Actor
from app.core.dates import last_day_of
from app.core.dialect import index_document
from app.core.records import RecordService, set_columns
from app.core.shapes import Column, JsonRow, csv_text
from app.core.stats import GroupPage
from app.negotiations.models import NegotiationSession
from app.sources.service import cite
from app.statements.models import Statement, StatementTarget, StatementTopic
from app.statements.repository import StatementRepository
from app.statements.schemas import StatementCreate, StatementQuery, StatementStatsQuery
from app.statements.snippets import snippet


class StatementService(RecordService[Statement, StatementCreate, StatementQuery]):
    repository_class = StatementRepository
    create_schema = StatementCreate
    label = "statement"
    resource = "statements"
    repository: StatementRepository

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
        self.identify(record, data.external_ids)
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

    def page(self, query: StatementQuery) -> tuple[list[JsonRow], str | None]:
        """A page, each hit of a search with its matching passage."""
        rows, next_cursor = super().page(query)
        return [_with_snippet(row, query.q) for row in rows], next_cursor

    def export(self, query: StatementQuery) -> Iterator[JsonRow]:
        return (_with_snippet(row, query.q) for row in super().export(query))

    def csv(self, query: StatementQuery, columns: list[Column]) -> Iterator[str]:
        if query.q is None:
            return super().csv(query, columns)
        return csv_text(self.export(query), columns)  # snippets are written here, not in SQL

    def stats(self, query: StatementStatsQuery) -> tuple[list[str], GroupPage]:
        return self.repository.stats(query)


def _with_snippet(row: JsonRow, text: str | None) -> JsonRow:
    if text is not None:
        row["snippet"] = snippet(text, row["quote"], row["summary"], row["translation"])
    return row
