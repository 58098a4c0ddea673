import uuid
from functools import lru_cache

from sqlalchemy import Select, Subquery, case, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.actors.models import Actor, ActorAlias, Affiliation
from app.actors.schemas import ActorQuery, ActorRead
from app.core.names import SKELETON_MARK, match_key
from app.core.pagination import SortKey
from app.core.records import RecordRepository, S, identified
from app.core.search import ids_matching, term_condition, term_rows
from app.core.shapes import Linked, Shape

BY_NAME = [SortKey.of(Actor.name_key), SortKey.of(Actor.id)]
Affiliated = aliased(Actor, name="affiliated")
ACTOR_SHAPE = Shape(
    ActorRead,
    select(Actor.id, Actor.created_at, Actor.updated_at, Actor.version, Actor.name, Actor.kind,
           Actor.country, Actor.description, Actor.external_ids),
    aliases=Linked(
        select(ActorAlias.actor_id, ActorAlias.name, ActorAlias.kind, ActorAlias.language,
               ActorAlias.valid_from, ActorAlias.valid_to),
        [ActorAlias.position],
    ),
    affiliations=Linked(
        select(Affiliation.subject_id, Affiliation.actor_id,
               Affiliated.name.label("actor_name"), Affiliation.kind, Affiliation.title,
               Affiliation.start_date, Affiliation.end_date)
        .join(Affiliated, Affiliated.id == Affiliation.actor_id),
        [Affiliation.position],
    ),
)  # fmt: skip


class ActorRepository(RecordRepository[Actor, ActorQuery]):
    model = Actor
    shape = ACTOR_SHAPE

    def filtered(self, statement: S, query: ActorQuery) -> S:
        statement = identified(statement, Actor, query)
        if query.kind:
            statement = statement.where(Actor.kind.in_(query.kind))
        if query.affiliated_with:
            named = actor_ids(self.session, query.affiliated_with)
            statement = statement.where(Actor.id.in_(_with_affiliates(named)))
        if query.q is None:
            return statement
        ranked = _ranked_matches(query.q)
        return statement.join(ranked, ranked.c.record_id == Actor.id)

    def order(self, query: ActorQuery) -> list[SortKey]:
        if query.q is None:
            return BY_NAME
        return [SortKey("score", _ranked_matches(query.q).c.score, int), *BY_NAME]


def any_actor(session: Session) -> bool:
    """Whether any actor was ever recorded (the database holds data)."""
    return session.scalars(select(Actor.id).limit(1)).first() is not None


def actor_ids(session: Session, texts: list[str]) -> list[uuid.UUID]:
    """Ids of the live actors that any of `texts` names: an id, or a name or alias however
    spelled (case, diacritics, apostrophes, the al- article, transliteration variants).

    Resolved before the main query, so that query runs on plain ids and their indexes."""
    ids = [_as_uuid(text) for text in texts]
    named = [ids_matching(Actor, text) for text, id_ in zip(texts, ids, strict=True) if id_ is None]
    given = [id_ for id_ in ids if id_ is not None]
    chosen = select(Actor.id).where(
        Actor.deleted_at.is_(None),
        or_(Actor.id.in_(given), *(Actor.id.in_(statement) for statement in named)),
    )
    return list(session.scalars(chosen))


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


# Scores of `_ranked_matches`: up to EXACT, the name or an alias exactly; SOUND_ALIKE, only a
# name of the same consonants.
EXACT = 1
SOUND_ALIKE = 4


def best_matches(session: Session, text: str, limit: int = 10) -> list[tuple[uuid.UUID, str, int]]:
    """The live actors `text` names, best first as `q` ranks them: (id, name, score), a score
    up to EXACT meaning the name or an alias is exactly `text` (folded)."""
    ranked = _ranked_matches(text)
    found = (
        select(Actor.id, Actor.name, ranked.c.score)
        .join(ranked, ranked.c.record_id == Actor.id)
        .where(Actor.deleted_at.is_(None))
        .order_by(ranked.c.score, *(key.expression for key in BY_NAME))
        .limit(limit)
    )
    return [(actor_id, name, score) for actor_id, name, score in session.execute(found)]


# Kinds of affiliation that make an actor one of another's people.
MEMBERSHIP = ("member_of", "leads", "represents", "part_of")


def _with_affiliates(named: list[uuid.UUID]) -> Select[tuple[uuid.UUID]]:
    """The actors named, and every actor affiliated to them by membership, at any depth."""
    found = select(Actor.id.label("id")).where(Actor.id.in_(named))
    tree = found.cte("affiliates", recursive=True)
    members = select(Affiliation.subject_id).join(tree, Affiliation.actor_id == tree.c.id)
    tree = tree.union(members.where(Affiliation.kind.in_(MEMBERSHIP)))
    return select(tree.c.id)


@lru_cache(maxsize=256)  # one subquery per text, so the order and the join name the same one
def _ranked_matches(text: str) -> Subquery:
    """Actors matching `text`, each scored by its best match: 0 the exact canonical name,
    1 an exact alias, 2 the last words of a name or alias ("Russian Federation" in "Ministry of
    the Russian Federation"), 3 a word prefix, 4 a sound-alike (skeleton)."""
    row = term_rows(Actor)
    key = match_key(text)
    condition = term_condition(row.term, text)
    exact_name = select(Actor.name_key).where(Actor.id == row.record_id).scalar_subquery()
    exact_alias = (
        select(ActorAlias.actor_id)
        .where(ActorAlias.actor_id == row.record_id, ActorAlias.name_key == key)
        .exists()
    )
    score = case(
        (exact_name == key, 0),
        (exact_alias, 1),
        (row.term == key, 2),
        (row.term.startswith(SKELETON_MARK), SOUND_ALIKE),
        else_=3,
    )
    matches = select(row.record_id, func.min(score).label("score")).group_by(row.record_id)
    return matches.where(condition if condition is not None else false()).subquery("ranked")
