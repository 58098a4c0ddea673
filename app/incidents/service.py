from app.actors.models import Actor
from app.core.dates import last_day_of
from app.core.dialect import index_document
from app.core.records import RecordService, set_columns
from app.core.search import set_terms
from app.core.stats import GroupPage
from app.incidents.models import Casualties, CasualtyCount, Incident, IncidentActor, Place
from app.incidents.repository import IncidentRepository
from app.incidents.schemas import IncidentCreate, IncidentQuery, IncidentStatsQuery
from app.negotiations.models import Agreement
from app.sources.service import cite


class IncidentService(RecordService[Incident, IncidentCreate, IncidentQuery]):
    repository_class = IncidentRepository
    create_schema = IncidentCreate
    label = "incident"
    resource = "incidents"
    repository: IncidentRepository

    def apply(self, record: Incident, data: IncidentCreate) -> None:
        self.require(Agreement, {("violated_agreement_id",): data.violated_agreement_id})
        self.require(
            Actor, {("actors", i, "actor_id"): a.actor_id for i, a in enumerate(data.actors)}
        )
        set_columns(
            record, data, "type", "sub_type", "description", "language", "translations",
            "start_date", "end_date", "date_precision", "casualty_notes", "aggregate",
            "event_count", "weapons", "tags", "verification", "violated_agreement_id",
            "dataset_fields",
        )  # fmt: skip
        record.place = Place(**data.place.model_dump())
        set_terms(record, data.place.name, data.place.district, data.place.governorate)
        record.killed = Casualties(**data.killed.model_dump())
        record.killed_rank = -1 if data.killed.best is None else data.killed.best
        record.last_day = data.end_date and last_day_of(data.end_date, data.date_precision)
        record.injured = Casualties(**data.injured.model_dump())
        record.casualties = [
            CasualtyCount(position=i, **count.model_dump())
            for i, count in enumerate(data.casualties)
        ]
        record.actors = [
            IncidentActor(position=i, start_date=record.start_date, last_day=record.last_day,
                          **actor.model_dump())
            for i, actor in enumerate(data.actors)
        ]  # fmt: skip
        self.identify(record, data.external_ids)
        cite(self, record, data.citations)

    def index(self, record: Incident) -> None:
        place = record.place
        index_document(
            self.session, "incidents", record.id, record.description, *record.translations.values(),
            place.name, place.subdistrict, place.district, place.governorate, record.casualty_notes,
        )  # fmt: skip

    def stats(self, query: IncidentStatsQuery) -> tuple[list[str], GroupPage]:
        return self.repository.stats(query)
