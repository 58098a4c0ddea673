import math
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    SQLColumnExpression,
    and_,
    func,
    literal,
    or_,
    select,
)

from app.actors.models import Actor
from app.actors.repository import actor_ids
from app.core.database import AnySelect
from app.core.dialect import changed_since, month_of, year_of
from app.core.pagination import Part, SortKey
from app.core.records import (
    RANK,
    FacetedRepository,
    S,
    any_of,
    identified,
    searched,
    searched_order,
)
from app.core.search import ids_matching
from app.core.shapes import Linked, Shape
from app.core.stats import GroupPage, facet_values, group_keys, grouped_rows, grouping
from app.incidents.models import CasualtyCount, Incident, IncidentActor
from app.incidents.schemas import CASUALTY_SUMS as SUMMED
from app.incidents.schemas import IncidentFilters, IncidentQuery, IncidentRead, IncidentStatsQuery
from app.negotiations.models import Agreement, NegotiationSession
from app.sources.repository import cited, citing

KM_PER_DEGREE = 111.32
SORTS = {
    None: [SortKey.of(Incident.start_date), SortKey.of(Incident.id)],
    "date": [SortKey.of(Incident.start_date), SortKey.of(Incident.id)],
    "-date": [SortKey.of(Incident.start_date, True), SortKey.of(Incident.id, True)],
    "-killed": [SortKey.of(Incident.killed_rank, True), SortKey.of(Incident.id, True)],
}
# An actor's incidents in date order walk ix_incident_actors_actor_id_start_date.
ACTOR_DATE_SORTS = {
    sort: [SortKey("start_date", IncidentActor.start_date.expression, date, descending),
           SortKey("id", IncidentActor.incident_id.expression, uuid.UUID, descending)]
    for sort, descending in ((None, False), ("date", False), ("-date", True))
}  # fmt: skip
COLUMNS = Incident.__table__.c
UNDATED: list[ColumnElement[bool]] = [Incident.start_date.is_(None)]
INCIDENT_SHAPE = Shape(
    IncidentRead,
    select(Incident.id, Incident.created_at, Incident.updated_at, Incident.version,
           Incident.type, Incident.sub_type, Incident.description, Incident.language,
           Incident.translations, Incident.start_date, Incident.end_date, Incident.date_precision,
           COLUMNS.place_name.label("place.name"), COLUMNS.governorate.label("place.governorate"),
           COLUMNS.district.label("place.district"),
           COLUMNS.subdistrict.label("place.subdistrict"), COLUMNS.latitude.label("place.latitude"),
           COLUMNS.longitude.label("place.longitude"),
           COLUMNS.location_precision.label("place.precision"),
           *(COLUMNS[f"{kind}_{bound}"].label(f"{kind}.{bound}") for kind in ("killed", "injured")
             for bound in ("low", "best", "high")),
           Incident.casualty_notes, Incident.aggregate, Incident.event_count, Incident.weapons,
           Incident.tags, Incident.verification, Incident.violated_agreement_id,
           Agreement.title.label("violated_agreement_title"), Incident.external_ids,
           Incident.dataset_fields)
    .outerjoin(Agreement, Agreement.id == Incident.violated_agreement_id),
    actors=Linked(
        select(IncidentActor.incident_id, IncidentActor.actor_id, Actor.name.label("actor_name"),
               IncidentActor.role, IncidentActor.attribution)
        .join(Actor, Actor.id == IncidentActor.actor_id),
        [IncidentActor.position],
    ),
    casualties=Linked(
        select(CasualtyCount.incident_id, CasualtyCount.category, CasualtyCount.outcome,
               CasualtyCount.low, CasualtyCount.best, CasualtyCount.high),
        [CasualtyCount.position],
    ),
    citations=cited(Incident),
)  # fmt: skip
CASUALTY_SUMS = {
    "count": func.count(Incident.id),
    **{summed: func.sum(COLUMNS[summed]) for summed in SUMMED},
}
# A facet counts, and sums nothing.
COUNTED = {"count": CASUALTY_SUMS["count"]}
# Month and year depend on the engine (see `_group_column`); the rest are plain columns.
GROUP_KEYS: dict[str, SQLColumnExpression[Any]] = {
    "month": Incident.start_date,
    "year": Incident.start_date,
    "type": Incident.type,
    "governorate": COLUMNS.governorate,
    "actor": Actor.name,
    "verification": Incident.verification,
}


class IncidentRepository(FacetedRepository[Incident, IncidentQuery]):
    model = Incident
    shape = INCIDENT_SHAPE

    def filtered(self, statement: S, query: IncidentFilters) -> S:
        involved = self._involvement(query)
        spanning = _span(query, Incident.start_date, Incident.last_day)
        return self._narrowed(statement.where(*involved, *spanning), query)

    def listed(self, query: IncidentQuery) -> tuple[Select[uuid.UUID], list[SortKey]]:
        """An actor's incidents by date are paged from the actor's rows in date order (which
        carry the incident's dates): the index gives each page without visiting the
        incidents it skips. Other lists page the incidents themselves. In date order, the
        incidents of unknown date follow, in a part of their own (`parts`)."""
        sorts = ACTOR_DATE_SORTS.get(query.sort) if query.actor and query.q is None else None
        if sorts is None:
            statement, order = super().listed(query)
            if _by_date(query):
                statement = statement.where(Incident.start_date.is_not(None))
            return statement, order
        rows = (
            select(IncidentActor.incident_id)
            .join(Incident, Incident.id == IncidentActor.incident_id)
            .where(Incident.deleted_at.is_(None), *self._involved(query))
            .where(IncidentActor.start_date.is_not(None))
            .where(*_span(query, IncidentActor.start_date, IncidentActor.last_day))
            .distinct()  # an actor in two roles is one incident
        )
        return self._narrowed(rows, query), sorts

    def parts(self, query: IncidentQuery) -> list[Part]:
        """In date order, the dated incidents, then those of unknown date (by id): no engine
        puts nulls last in both directions from one index."""
        parts = super().parts(query)
        if not self._undated_follow(query):
            return parts
        undated = select(Incident.id).where(Incident.deleted_at.is_(None))
        return [*parts, (self.filtered(undated, query).where(*UNDATED), self._undated_order(query))]

    def exported(
        self, query: IncidentQuery
    ) -> list[tuple[list[ColumnElement[bool]], list[SortKey]]]:
        order = self.order(query)
        if not self._undated_follow(query):
            return [([], order)]
        return [([Incident.start_date.is_not(None)], order), (UNDATED, self._undated_order(query))]

    def _undated_follow(self, query: IncidentQuery) -> bool:
        """Whether the list is in date order with the incidents of unknown date in it (no
        dates asked for, and no search by relevance): they follow the dated ones."""
        return _by_date(query) and self.order(query)[0].name != RANK

    def _undated_order(self, query: IncidentQuery) -> list[SortKey]:
        """The keys of the dated part's order, a date beyond every other standing in for none."""
        descending = self.order(query)[0].descending
        # A parameter of type Date: SQLite would CAST a date's text to the number 9999.
        beyond = literal(date.min if descending else date.max, Date)
        return [
            SortKey("start_date", beyond, date, descending),
            SortKey.of(Incident.id, descending),
        ]

    def _narrowed(self, statement: S, query: IncidentFilters) -> S:
        """Narrowed by every filter but the actors' and the dates'."""
        statement = identified(statement.where(*_where(query), *_what(query)), Incident, query)
        if query.updated_since is not None:
            changed = changed_since(self.session, Incident.updated_at, query.updated_since)
            statement = statement.where(changed)
        if query.source:
            statement = statement.where(Incident.id.in_(citing(Incident, query.source)))
        if query.session:
            statement = statement.where(or_(*self._during_sessions(query.session)))
        return searched(self.session, statement, Incident, query.q)

    def order(self, query: IncidentQuery) -> list[SortKey]:
        """By date or by the dead, or by relevance first when searching with `q` unsorted."""
        return searched_order(self.session, Incident, query.q, query.sort, SORTS)

    def stats(self, query: IncidentStatsQuery) -> tuple[list[str], GroupPage]:
        """Count, killed and injured per group of the incidents the filters find."""
        keys, statement = self.stats_statement(query, query.group_by)
        return keys, grouped_rows(self.session, statement, query)

    def facet(self, query: IncidentFilters, key: str) -> list[dict[str, Any]]:
        """The commonest values of `key` among the records the filters find."""
        _, statement = self.stats_statement(query, key, COUNTED)
        return facet_values(self.session, statement, key)

    def stats_statement(
        self,
        query: IncidentFilters,
        group_by: str,
        measures: Mapping[str, SQLColumnExpression[Any]] = CASUALTY_SUMS,
    ) -> tuple[list[str], AnySelect]:
        """The keys grouped by, and the statement of `stats` (its plan is tested): `measures`
        per group, the casualty sums unless told otherwise."""
        keys = group_keys(group_by, GROUP_KEYS)
        statement = self.filtered(select(Incident).where(Incident.deleted_at.is_(None)), query)
        columns = {key: self._group_column(key) for key in keys}
        if "actor" in keys:
            statement = statement.join(IncidentActor, IncidentActor.incident_id == Incident.id)
            statement = statement.join(Actor, Actor.id == IncidentActor.actor_id)
            columns["actor_id"] = Actor.id
        return keys, grouping(statement, columns, measures)

    def _group_column(self, key: str) -> SQLColumnExpression[Any]:
        if key == "month":
            return month_of(self.session, Incident.start_date)
        if key == "year":
            return year_of(self.session, Incident.start_date)
        return GROUP_KEYS[key]

    def _involvement(self, query: IncidentFilters) -> list[ColumnElement[bool]]:
        """Actor, role and attribution filters hold for the same actor of the incident. The
        actor's rows carry the dates: an actor's incidents of a year are read from its index."""
        involved = self._involved(query)
        if not involved:
            return []
        dated = _span(query, IncidentActor.start_date, IncidentActor.last_day)
        return [Incident.id.in_(select(IncidentActor.incident_id).where(*involved, *dated))]

    def _involved(self, query: IncidentFilters) -> list[ColumnElement[bool]]:
        """What the actor filters ask of one of an incident's actor rows."""
        involved: list[ColumnElement[bool]] = []
        if query.actor:
            involved.append(IncidentActor.actor_id.in_(actor_ids(self.session, query.actor)))
        if query.actor_role:
            involved.append(IncidentActor.role.in_(query.actor_role))
        if query.attribution:
            involved.append(IncidentActor.attribution.in_(query.attribution))
        return involved

    def _during_sessions(self, session_ids: list[uuid.UUID]) -> list[ColumnElement[bool]]:
        spans = self.session.execute(
            select(NegotiationSession.start_date, NegotiationSession.end_date).where(
                NegotiationSession.id.in_(session_ids), NegotiationSession.start_date.is_not(None)
            )
        ).all()
        return [
            and_(
                Incident.start_date <= (end or start),
                or_(Incident.last_day.is_(None), Incident.last_day >= start),
            )
            for start, end in spans
        ] or [Incident.id.is_(None)]


def _what(query: IncidentFilters) -> list[ColumnElement[bool]]:
    conditions = any_of(
        (Incident.type, query.type),
        (Incident.sub_type, query.sub_type),
        (Incident.verification, query.verification),
        (Incident.violated_agreement_id, query.violated_agreement),
    )
    if query.min_killed is not None:
        conditions.append(Incident.killed_rank >= query.min_killed)
    if query.max_killed is not None:
        conditions.append(Incident.killed_rank.between(0, query.max_killed))
    return conditions


def _by_date(query: IncidentQuery) -> bool:
    """Whether the list is sorted by date and asks for no dates."""
    return query.sort != "-killed" and query.from_ is None and query.to is None


def _span(
    query: IncidentFilters,
    start: SQLColumnExpression[date | None],
    last: SQLColumnExpression[date | None],
) -> list[ColumnElement[bool]]:
    """An incident matches when its span overlaps [from, to]; an ongoing one never ends, an
    imprecise one spans its whole week, month or year, and one of unknown date matches none."""
    conditions: list[ColumnElement[bool]] = []
    if query.from_ is not None or query.to is not None:
        conditions.append(start.is_not(None))
    if query.from_ is not None:
        conditions.append(or_(last.is_(None), last >= query.from_))
    if query.to is not None:
        conditions.append(start <= query.to)
    return conditions


def _where(query: IncidentFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.place:
        conditions.append(or_(*(Incident.id.in_(ids_matching(Incident, p)) for p in query.place)))
    if query.governorate:
        conditions.append(COLUMNS.governorate.in_(query.governorate))
    if query.bbox is not None:
        box = query.bbox
        conditions.append(_inside(box.min_lon, box.min_lat, box.max_lon, box.max_lat))
    if query.near is not None:
        conditions.extend(_within(query.near.lat, query.near.lon, query.radius_km))
    return conditions


def _inside(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> ColumnElement[bool]:
    return and_(
        COLUMNS.longitude.between(min_lon, max_lon), COLUMNS.latitude.between(min_lat, max_lat)
    )


def _within(lat: float, lon: float, radius_km: float) -> list[ColumnElement[bool]]:
    """Inside the circle: a bounding box the index serves, then the distance on a local plane
    (equirectangular, exact enough at the scale of a governorate)."""
    lat_span = radius_km / KM_PER_DEGREE
    lon_scale = max(math.cos(math.radians(lat)), 1e-6)
    lon_span = min(lat_span / lon_scale, 180)
    dx = (COLUMNS.longitude - lon) * lon_scale
    dy = COLUMNS.latitude - lat
    return [
        _inside(lon - lon_span, lat - lat_span, lon + lon_span, lat + lat_span),
        dx * dx + dy * dy <= lat_span * lat_span,
    ]
