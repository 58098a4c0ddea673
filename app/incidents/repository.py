from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from app.actors.repository import matching_actor_ids
from app.core.crud import Repository
from app.core.pagination import ListQuery, SortKey
from app.incidents.models import Incident, IncidentActor
from app.incidents.schemas import IncidentQuery
from app.sources.repository import citations_loaded


class IncidentRepository(Repository[Incident]):
    model = Incident
    load_options = (
        selectinload(Incident.violated_agreement),
        selectinload(Incident.actors).selectinload(IncidentActor.actor),
        citations_loaded(Incident),
    )

    def filtered(
        self, statement: Select[tuple[Incident]], query: ListQuery
    ) -> Select[tuple[Incident]]:
        assert isinstance(query, IncidentQuery)
        if query.actor is not None:
            involved = select(IncidentActor.incident_id).where(
                IncidentActor.actor_id.in_(matching_actor_ids([query.actor]))
            )
            statement = statement.where(Incident.id.in_(involved))
        # An incident matches when its span overlaps [from, to]; an ongoing one never ends.
        if query.from_ is not None:
            statement = statement.where(
                or_(Incident.end_date.is_(None), Incident.end_date >= query.from_)
            )
        if query.to is not None:
            statement = statement.where(Incident.start_date <= query.to)
        return statement

    def order(self, query: ListQuery) -> list[SortKey]:
        return [SortKey.of(Incident.start_date), SortKey.of(Incident.id)]
