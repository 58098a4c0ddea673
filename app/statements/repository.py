from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from app.actors.repository import matching_actor_ids
from app.core.crud import Repository
from app.core.pagination import ListQuery, SortKey
from app.sources.repository import citations_loaded
from app.statements.models import Statement, StatementTarget
from app.statements.schemas import StatementQuery


class StatementRepository(Repository[Statement]):
    model = Statement
    load_options = (
        selectinload(Statement.speaker),
        selectinload(Statement.on_behalf_of),
        selectinload(Statement.session),
        selectinload(Statement.target_links).selectinload(StatementTarget.actor),
        selectinload(Statement.topic_links),
        citations_loaded(Statement),
    )

    def filtered(
        self, statement: Select[tuple[Statement]], query: ListQuery
    ) -> Select[tuple[Statement]]:
        assert isinstance(query, StatementQuery)
        if query.speaker is not None:
            statement = statement.where(
                Statement.speaker_id.in_(matching_actor_ids([query.speaker]))
            )
        if query.actor is not None:
            actors = matching_actor_ids([query.actor])
            targeted = select(StatementTarget.statement_id).where(
                StatementTarget.actor_id.in_(actors)
            )
            statement = statement.where(
                or_(Statement.speaker_id.in_(actors), Statement.id.in_(targeted))
            )
        if query.session is not None:
            statement = statement.where(Statement.session_id == query.session)
        if query.from_ is not None:
            statement = statement.where(Statement.date >= query.from_)
        if query.to is not None:
            statement = statement.where(Statement.date <= query.to)
        return statement

    def order(self, query: ListQuery) -> list[SortKey]:
        return [SortKey.of(Statement.date), SortKey.of(Statement.id)]
