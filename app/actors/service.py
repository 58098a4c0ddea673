from app.actors.models import Actor, ActorAlias, Affiliation
from app.actors.repository import ActorRepository
from app.actors.schemas import ActorCreate, ActorQuery
from app.core.names import match_key
from app.core.records import RecordService, set_columns
from app.core.search import set_terms


class ActorService(RecordService[Actor, ActorCreate, ActorQuery]):
    repository_class = ActorRepository
    create_schema = ActorCreate
    label = "actor"
    resource = "actors"

    def apply(self, record: Actor, data: ActorCreate) -> None:
        self.require(
            Actor,
            {("affiliations", i, "actor_id"): a.actor_id for i, a in enumerate(data.affiliations)},
        )
        set_columns(record, data, "name", "kind", "country", "description")
        self.identify(record, data.external_ids)
        record.name_key = match_key(data.name)
        record.aliases = [
            ActorAlias(position=i, name_key=match_key(alias.name), **alias.model_dump())
            for i, alias in enumerate(data.aliases)
        ]
        set_terms(record, data.name, *(alias.name for alias in data.aliases))
        record.affiliations = [
            Affiliation(position=i, **affiliation.model_dump())
            for i, affiliation in enumerate(data.affiliations)
        ]
