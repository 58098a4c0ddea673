import uuid

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from app.actors.models import Actor, Affiliation
from app.actors.schemas import ActorQuery
from app.core.crud import Repository
from app.core.pagination import ListQuery, SortKey
from app.core.search import ids_matching


class ActorRepository(Repository[Actor]):
    model = Actor
    load_options = (
        selectinload(Actor.aliases),
        selectinload(Actor.affiliations).selectinload(Affiliation.actor),
    )

    def filtered(self, statement: Select[tuple[Actor]], query: ListQuery) -> Select[tuple[Actor]]:
        assert isinstance(query, ActorQuery)
        if query.q is not None:
            statement = statement.where(Actor.id.in_(matching_actor_ids([query.q])))
        return statement

    def order(self, query: ListQuery) -> list[SortKey]:
        return [SortKey.of(Actor.name_key), SortKey.of(Actor.id)]


def matching_actor_ids(texts: list[str]) -> Select[tuple[uuid.UUID]]:
    """Ids of the live actors that any of `texts` names: an id, or a name or alias however
    spelled (case, diacritics, apostrophes, the al- article, transliteration variants)."""
    ids = [_as_uuid(text) for text in texts]
    named = [ids_matching(Actor, text) for text, id_ in zip(texts, ids, strict=True) if id_ is None]
    given = [id_ for id_ in ids if id_ is not None]
    return select(Actor.id).where(
        Actor.deleted_at.is_(None),
        or_(Actor.id.in_(given), *(Actor.id.in_(statement) for statement in named)),
    )


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
