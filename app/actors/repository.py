import uuid

from sqlalchemy import ColumnElement, Select, literal, or_, select
from sqlalchemy.orm import selectinload

from app.actors.models import Actor, ActorAlias, Affiliation
from app.actors.schemas import ActorQuery
from app.core.crud import Repository
from app.core.names import match_key
from app.core.pagination import ListQuery, SortKey


class ActorRepository(Repository[Actor]):
    model = Actor
    load_options = (
        selectinload(Actor.aliases),
        selectinload(Actor.affiliations).selectinload(Affiliation.actor),
    )

    def filtered(self, statement: Select[tuple[Actor]], query: ListQuery) -> Select[tuple[Actor]]:
        assert isinstance(query, ActorQuery)
        if query.q is not None:
            statement = statement.where(Actor.id.in_(matching_actor_ids(query.q)))
        return statement

    def order(self, query: ListQuery) -> list[SortKey]:
        return [SortKey.of(Actor.name_key), SortKey.of(Actor.id)]


def matching_actor_ids(term: str) -> Select[tuple[uuid.UUID]]:
    """Ids of the live actors that `term` names: an id, or a name or alias however spelled.

    A match is on whole words from the start of any word, after folding case, diacritics,
    apostrophes and the al- article: Ja'afari, Jaafari and al-Jaafari all find Bashar al-Ja'afari.
    """
    live = select(Actor.id).where(Actor.deleted_at.is_(None))
    try:
        return live.where(Actor.id == uuid.UUID(term))
    except ValueError:
        pass
    key = match_key(term)
    if not key:
        return live.where(literal(False))
    aliased = select(ActorAlias.actor_id).where(_starts_a_word(ActorAlias.name_key, key))
    return live.where(or_(_starts_a_word(Actor.name_key, key), Actor.id.in_(aliased)))


def _starts_a_word(column: ColumnElement[str], key: str) -> ColumnElement[bool]:
    return (literal(" ") + column).contains(" " + key, autoescape=True)
