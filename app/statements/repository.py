import uuid
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, func, null, or_, select
from sqlalchemy.orm import aliased

from app.actors.models import Actor
from app.actors.repository import actor_ids
from app.core.database import AnySelect
from app.core.dialect import changed_since, month_of
from app.core.pagination import SortKey
from app.core.records import (
    FacetedRepository,
    S,
    any_of,
    identified,
    searched,
    searched_order,
)
from app.core.shapes import IdsOf, Linked, Shape
from app.core.stats import GroupPage, facet_values, group_keys, grouped_rows, grouping
from app.negotiations.models import NegotiationSession
from app.sources.repository import cited
from app.statements.codes import with_sub_codes
from app.statements.models import Statement, StatementTarget, StatementTopic
from app.statements.schemas import (
    StatementFilters,
    StatementQuery,
    StatementRead,
    StatementStatsQuery,
)

SORTS = {
    None: [SortKey.of(Statement.date), SortKey.of(Statement.id)],
    "date": [SortKey.of(Statement.date), SortKey.of(Statement.id)],
    "-date": [SortKey.of(Statement.date, True), SortKey.of(Statement.id, True)],
}
GROUP_KEYS = ("month", "type", "speaker", "target", "topic")
Speaker = aliased(Actor, name="speaker")
Target = aliased(Actor, name="target")
OnBehalfOf = aliased(Actor, name="on_behalf_of")
STATEMENT_SHAPE = Shape(
    StatementRead,
    select(Statement.id, Statement.created_at, Statement.updated_at, Statement.version,
           Statement.speaker_id, Speaker.name.label("speaker_name"), Statement.speaker_label,
           Statement.on_behalf_of_id, OnBehalfOf.name.label("on_behalf_of_name"),
           Statement.date, Statement.time, Statement.date_precision, Statement.location,
           Statement.quote, Statement.summary, Statement.translation, Statement.language,
           Statement.type, Statement.session_id, NegotiationSession.name.label("session_name"),
           Statement.external_ids, null().label("snippet"))
    .outerjoin(Speaker, Speaker.id == Statement.speaker_id)
    .outerjoin(OnBehalfOf, OnBehalfOf.id == Statement.on_behalf_of_id)
    .outerjoin(NegotiationSession, NegotiationSession.id == Statement.session_id),
    target_ids=IdsOf("targets"),
    targets=Linked(
        select(StatementTarget.statement_id, Target.id, Target.name)
        .join(Target, Target.id == StatementTarget.actor_id),
        [StatementTarget.position],
    ),
    topics=Linked(
        select(StatementTopic.statement_id, StatementTopic.topic), [StatementTopic.position]
    ),
    citations=cited(Statement),
)  # fmt: skip


class StatementRepository(FacetedRepository[Statement, StatementQuery]):
    model = Statement
    shape = STATEMENT_SHAPE

    def filtered(self, statement: S, query: StatementFilters) -> S:
        statement = statement.where(*self._who(query), *_what(query))
        if query.updated_since is not None:
            changed = changed_since(self.session, Statement.updated_at, query.updated_since)
            statement = statement.where(changed)
        statement = identified(statement, Statement, query)
        return searched(self.session, statement, Statement, query.q)

    def order(self, query: StatementQuery) -> list[SortKey]:
        """By date, or by relevance first when searching with `q` unsorted."""
        return searched_order(self.session, Statement, query.q, query.sort, SORTS)

    def stats(self, query: StatementStatsQuery) -> tuple[list[str], GroupPage]:
        """How many statements per group of those the filters find."""
        keys, statement = self.stats_statement(query, query.group_by)
        return keys, grouped_rows(self.session, statement, query)

    def facet(self, query: StatementFilters, key: str) -> list[dict[str, Any]]:
        """The commonest values of `key` among the records the filters find."""
        _, statement = self.stats_statement(query, key)
        return facet_values(self.session, statement, key)

    def stats_statement(
        self, query: StatementFilters, group_by: str
    ) -> tuple[list[str], AnySelect]:
        """The keys grouped by, and the statement of `stats`."""
        keys = group_keys(group_by, dict.fromkeys(GROUP_KEYS))
        statement = self.filtered(select(Statement).where(Statement.deleted_at.is_(None)), query)
        columns: dict[str, SQLColumnExpression[Any]] = {}
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
        return keys, grouping(statement, columns, {"count": func.count(Statement.id)})

    def _who(self, query: StatementFilters) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.speaker:
            conditions.append(Statement.speaker_id.in_(actor_ids(self.session, query.speaker)))
        if query.on_behalf_of:
            named = actor_ids(self.session, query.on_behalf_of)
            conditions.append(Statement.on_behalf_of_id.in_(named))
        if query.target:
            conditions.append(_targeting(actor_ids(self.session, query.target)))
        if query.actor:
            actors = actor_ids(self.session, query.actor)
            conditions.append(or_(Statement.speaker_id.in_(actors), _targeting(actors)))
        return conditions


def _what(query: StatementFilters) -> list[ColumnElement[bool]]:
    conditions = any_of(
        (Statement.session_id, query.session),
        (Statement.type, with_sub_codes(query.type)),
        (Statement.language, query.language),
    )
    if query.topic:
        topical = select(StatementTopic.statement_id).where(StatementTopic.topic.in_(query.topic))
        conditions.append(Statement.id.in_(topical))
    if query.from_ is not None:
        conditions.append(Statement.last_day >= query.from_)
    if query.to is not None:
        conditions.append(Statement.date <= query.to)
    return conditions


def _targeting(actors: list[uuid.UUID]) -> ColumnElement[bool]:
    targeted = select(StatementTarget.statement_id).where(StatementTarget.actor_id.in_(actors))
    return Statement.id.in_(targeted)
