import uuid
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from app.actors.models import Actor
from app.actors.repository import actor_ids
from app.core.crud import Repository, by_record
from app.core.dialect import month_of
from app.core.pagination import ListQuery, SortKey, keyset, paginate
from app.core.stats import group_keys, grouped
from app.negotiations.models import NegotiationSession
from app.sources.repository import citations_loaded, citations_of
from app.statements.codes import with_sub_codes
from app.statements.models import Statement, StatementTarget, StatementTopic
from app.statements.schemas import StatementFilters, StatementQuery, StatementStatsQuery

Linked = dict[uuid.UUID, list[dict[str, Any]]]
StatementBatch = tuple[list[Row[Any]], Linked, Linked, Linked]
SORTS = {
    None: [SortKey.of(Statement.date), SortKey.of(Statement.id)],
    "date": [SortKey.of(Statement.date), SortKey.of(Statement.id)],
    "-date": [SortKey.of(Statement.date, True), SortKey.of(Statement.id, True)],
}


class StatementRepository(Repository[Statement]):
    model = Statement
    sorts = SORTS
    fulltext = True
    load_options = (
        selectinload(Statement.speaker),
        selectinload(Statement.on_behalf_of),
        selectinload(Statement.session),
        selectinload(Statement.target_links).selectinload(StatementTarget.actor),
        selectinload(Statement.topic_links),
        citations_loaded(Statement),
    )

    def conditions(self, query: StatementFilters) -> list[ColumnElement[bool]]:
        conditions = _who(self.session, query)
        for column, values in [
            (Statement.session_id, query.session),
            (Statement.type, with_sub_codes(query.type)),
            (Statement.language, query.language),
        ]:
            if values:
                conditions.append(column.in_(values))
        if query.topic:
            topical = select(StatementTopic.statement_id).where(
                StatementTopic.topic.in_(query.topic)
            )
            conditions.append(Statement.id.in_(topical))
        if query.from_ is not None:
            conditions.append(Statement.last_day >= query.from_)
        if query.to is not None:
            conditions.append(Statement.date <= query.to)
        if query.updated_since is not None:
            conditions.append(Statement.updated_at >= query.updated_since)
        return conditions

    def page_statement(self, query: ListQuery) -> Select[Any]:
        return keyset(self._ids_listed(query), self.order(query), query)

    def page_batch(self, query: StatementQuery) -> tuple[StatementBatch, str | None]:
        """One page as plain rows (the ORM is too slow for busy lists): the page's ids through
        the keyset, then their rows, targets, topics and citations, a query each."""
        ids, next_cursor = paginate(self.session, self._ids_listed(query), self.order(query), query)
        connection = self.session.connection()
        by_id = {
            row.id: row for row in connection.execute(_plain_rows().where(Statement.id.in_(ids)))
        }
        targets = connection.execute(
            select(StatementTarget.statement_id, Target.id, Target.name)
            .join(Target, Target.id == StatementTarget.actor_id)
            .where(StatementTarget.statement_id.in_(ids))
            .order_by(StatementTarget.statement_id, StatementTarget.position)
        )
        topics = connection.execute(
            select(StatementTopic.statement_id, StatementTopic.topic)
            .where(StatementTopic.statement_id.in_(ids))
            .order_by(StatementTopic.statement_id, StatementTopic.position)
        )
        batch = (
            [by_id[record_id] for record_id in ids],
            by_record(targets),
            by_record(topics),
            citations_of(self.session, Statement, ids),
        )
        return batch, next_cursor

    def stats(self, query: StatementStatsQuery) -> tuple[list[str], list[dict[str, Any]]]:
        """How many statements per group of those the filters find."""
        keys = group_keys(query.group_by, dict.fromkeys(GROUP_KEYS))
        statement = self.filtered(self.live(), query)
        columns: dict[str, ColumnElement[Any]] = {}
        for key in keys:
            if key == "month":
                columns["month"] = month_of(self.session, Statement.date)
            elif key == "type":
                columns["type"] = Statement.type
            elif key == "speaker":
                statement = statement.outerjoin(Speaker, Speaker.id == Statement.speaker_id)
                columns["speaker"] = func.coalesce(Speaker.name, Statement.speaker_label)
                columns["speaker_id"] = Speaker.id
            elif key == "target":
                statement = statement.join(
                    StatementTarget, StatementTarget.statement_id == Statement.id
                )
                statement = statement.join(Target, Target.id == StatementTarget.actor_id)
                columns |= {"target": Target.name, "target_id": Target.id}
            else:
                statement = statement.join(
                    StatementTopic, StatementTopic.statement_id == Statement.id
                )
                columns["topic"] = StatementTopic.topic
        return keys, grouped(self.session, statement, columns, {"count": func.count(Statement.id)})


GROUP_KEYS = ("month", "type", "speaker", "target", "topic")
Speaker = aliased(Actor, name="speaker")
Target = aliased(Actor, name="target")
OnBehalfOf = aliased(Actor, name="on_behalf_of")


def _plain_rows() -> Select[Any]:
    """Statements' own columns and the names they refer to, without the ORM."""
    return (
        select(
            Statement.__table__,
            Speaker.name.label("speaker_name"),
            OnBehalfOf.name.label("on_behalf_of_name"),
            NegotiationSession.name.label("session_name"),
        )
        .select_from(Statement)
        .outerjoin(Speaker, Speaker.id == Statement.speaker_id)
        .outerjoin(OnBehalfOf, OnBehalfOf.id == Statement.on_behalf_of_id)
        .outerjoin(NegotiationSession, NegotiationSession.id == Statement.session_id)
    )


def _who(session: Session, query: StatementFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.speaker:
        conditions.append(Statement.speaker_id.in_(actor_ids(session, query.speaker)))
    if query.on_behalf_of:
        conditions.append(Statement.on_behalf_of_id.in_(actor_ids(session, query.on_behalf_of)))
    if query.target:
        conditions.append(_targeting(actor_ids(session, query.target)))
    if query.actor:
        actors = actor_ids(session, query.actor)
        conditions.append(or_(Statement.speaker_id.in_(actors), _targeting(actors)))
    return conditions


def _targeting(actors: list[uuid.UUID]) -> ColumnElement[bool]:
    targeted = select(StatementTarget.statement_id).where(StatementTarget.actor_id.in_(actors))
    return Statement.id.in_(targeted)
