import math
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Text,
    and_,
    cast,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import selectinload

from app.actors.models import Actor
from app.actors.repository import actor_ids
from app.core.crud import Repository, by_record
from app.core.dialect import iso_utc, month_of, year_of
from app.core.exports import Columns
from app.core.pagination import ListQuery, SortKey, keyset, ordering, paginate
from app.core.search import ids_matching
from app.core.stats import group_keys, grouped
from app.incidents.models import Incident, IncidentActor
from app.incidents.schemas import IncidentFilters, IncidentQuery, IncidentStatsQuery
from app.negotiations.models import Agreement, NegotiationSession
from app.sources.models import Source
from app.sources.repository import citations_loaded, citations_of, cited_by

KM_PER_DEGREE = 111.32
EXPORT_BATCH = 2_000
ExportBatch = tuple[
    Sequence[Row[Any]], dict[uuid.UUID, list[dict[str, Any]]], dict[uuid.UUID, list[dict[str, Any]]]
]
SORTS = {
    None: [SortKey.of(Incident.start_date), SortKey.of(Incident.id)],
    "date": [SortKey.of(Incident.start_date), SortKey.of(Incident.id)],
    "-date": [SortKey.of(Incident.start_date, True), SortKey.of(Incident.id, True)],
    "-killed": [SortKey.of(Incident.killed_rank, True), SortKey.of(Incident.id, True)],
}


class IncidentRepository(Repository[Incident]):
    model = Incident
    sorts = SORTS
    fulltext = True
    load_options = (
        selectinload(Incident.violated_agreement),
        selectinload(Incident.actors).selectinload(IncidentActor.actor),
        citations_loaded(Incident),
    )

    def conditions(self, query: IncidentFilters) -> list[ColumnElement[bool]]:
        """The SQL conditions of every filter given (all must hold)."""
        conditions = [*self._involvement(query), *self._where(query), *self._what(query)]
        if query.updated_since is not None:
            conditions.append(Incident.updated_at >= query.updated_since)
        if query.source:
            conditions.append(Incident.id.in_(cited_by(Incident, query.source)))
        if query.session:
            conditions.append(or_(*self._during_sessions(query.session)))
        return conditions

    def export_batches(self, query: IncidentQuery) -> Iterator[ExportBatch]:
        """Every matching incident as plain rows, a batch at a time, with the batch's actors and
        citations: the ORM is too slow for a million rows a minute."""
        statement = self.filtered(_plain_rows().where(Incident.deleted_at.is_(None)), query)
        # On the connection, not the session: plain rows, without the ORM's bookkeeping.
        connection = self.session.connection()
        result = connection.execute(
            statement.order_by(*ordering(self.order(query))).execution_options(
                yield_per=EXPORT_BATCH
            )
        )
        for batch in result.partitions():
            yield self._with_links(batch)

    def page_statement(self, query: ListQuery) -> Select[Any]:
        return keyset(self._ids_listed(query), self.order(query), query)

    def page_batch(self, query: IncidentQuery) -> tuple[ExportBatch, str | None]:
        """One page as plain rows: the page's ids through the keyset, then their rows."""
        ids, next_cursor = paginate(self.session, self._ids_listed(query), self.order(query), query)
        found = self.session.connection().execute(_plain_rows().where(Incident.id.in_(ids)))
        by_id = {row.id: row for row in found}
        return self._with_links([by_id[record_id] for record_id in ids]), next_cursor

    def _with_links(self, rows: Sequence[Row[Any]]) -> ExportBatch:
        ids = [row.id for row in rows]
        return rows, self._actors_of(ids), citations_of(self.session, Incident, ids)

    def csv_statement(self, query: IncidentQuery, columns: Columns) -> Select[Any]:
        """A select whose text columns are the CSV cells, for the engine to write (PostgreSQL)."""
        cells = _csv_cells()
        chosen = [cells[path].label(".".join(path)) for path in columns]
        statement = (
            select(*chosen)
            .select_from(Incident)
            .outerjoin(Agreement, Agreement.id == Incident.violated_agreement_id)
        )
        statement = self.filtered(statement.where(Incident.deleted_at.is_(None)), query)
        return statement.order_by(*ordering(self.order(query)))

    def _actors_of(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
        links, actor = IncidentActor.__table__.c, Actor.__table__.c
        found = self.session.connection().execute(
            select(links.incident_id, links.actor_id, actor.name.label("actor_name"),
                   links.role, links.attribution)
            .join_from(IncidentActor.__table__, Actor.__table__, actor.id == links.actor_id)
            .where(links.incident_id.in_(ids))
            .order_by(links.incident_id, links.position)
        )  # fmt: skip
        return by_record(found)

    def stats(self, query: IncidentStatsQuery) -> tuple[list[str], list[dict[str, Any]]]:
        """Count, killed and injured per group of the incidents the filters find."""
        keys = group_keys(query.group_by, GROUP_KEYS)
        statement = self.filtered(self.live(), query)
        columns = {key: self._group_column(key) for key in keys}
        if "actor" in keys:
            statement = statement.join(IncidentActor, IncidentActor.incident_id == Incident.id)
            statement = statement.join(Actor, Actor.id == IncidentActor.actor_id)
            columns["actor_id"] = Actor.id
        return keys, grouped(self.session, statement, columns, CASUALTY_SUMS)

    def _group_column(self, key: str) -> ColumnElement[Any]:
        if key == "month":
            return month_of(self.session, Incident.start_date)
        if key == "year":
            return year_of(self.session, Incident.start_date)
        return GROUP_KEYS[key]

    def _involvement(self, query: IncidentFilters) -> list[ColumnElement[bool]]:
        """Actor, role and attribution filters hold for the same actor of the incident."""
        involved = []
        if query.actor:
            involved.append(IncidentActor.actor_id.in_(actor_ids(self.session, query.actor)))
        if query.actor_role:
            involved.append(IncidentActor.role.in_(query.actor_role))
        if query.attribution:
            involved.append(IncidentActor.attribution.in_(query.attribution))
        if not involved:
            return []
        return [Incident.id.in_(select(IncidentActor.incident_id).where(*involved))]

    def _what(self, query: IncidentFilters) -> list[ColumnElement[bool]]:
        conditions = []
        for column, values in [
            (Incident.type, query.type),
            (Incident.sub_type, query.sub_type),
            (Incident.verification, query.verification),
            (Incident.violated_agreement_id, query.violated_agreement),
        ]:
            if values:
                conditions.append(column.in_(values))
        if query.min_killed is not None:
            conditions.append(Incident.killed_rank >= query.min_killed)
        if query.max_killed is not None:
            conditions.append(Incident.killed_rank.between(0, query.max_killed))
        return conditions

    def _where(self, query: IncidentFilters) -> list[ColumnElement[bool]]:
        conditions = []
        # An incident matches when its span overlaps [from, to]; an ongoing one never ends, and
        # an imprecise one spans its whole week, month or year.
        if query.from_ is not None:
            conditions.append(or_(Incident.last_day.is_(None), Incident.last_day >= query.from_))
        if query.to is not None:
            conditions.append(Incident.start_date <= query.to)
        if query.place:
            conditions.append(
                or_(*(Incident.id.in_(ids_matching(Incident, p)) for p in query.place))
            )
        if query.governorate:
            conditions.append(GOVERNORATE.in_(query.governorate))
        if query.bbox is not None:
            conditions.append(_inside(*query.bbox))  # type: ignore[misc]
        if query.near is not None:
            conditions.extend(_within(*query.near, query.radius_km))  # type: ignore[misc]
        return conditions

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


COLUMNS = Incident.__table__.c
CASUALTY_SUMS = {
    "count": func.count(Incident.id),
    **{
        f"{kind}_{bound}": func.sum(COLUMNS[f"{kind}_{bound}"])
        for kind in ("killed", "injured")
        for bound in ("low", "best", "high")
    },
}
# Month and year depend on the engine (see `_group_column`); the rest are plain columns.
GROUP_KEYS: dict[str, ColumnElement[Any]] = {
    "month": Incident.start_date,
    "year": Incident.start_date,
    "type": Incident.type,
    "governorate": COLUMNS.governorate,
    "actor": Actor.name,
    "verification": Incident.verification,
}
LATITUDE = Incident.__table__.c.latitude
LONGITUDE = Incident.__table__.c.longitude
GOVERNORATE = Incident.__table__.c.governorate


def _inside(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> ColumnElement[bool]:
    return and_(LONGITUDE.between(min_lon, max_lon), LATITUDE.between(min_lat, max_lat))


def _within(lat: float, lon: float, radius_km: float) -> list[ColumnElement[bool]]:
    """Inside the circle: a bounding box the index serves, then the distance on a local plane
    (equirectangular, exact enough at the scale of a governorate)."""
    lat_span = radius_km / KM_PER_DEGREE
    lon_scale = max(math.cos(math.radians(lat)), 1e-6)
    lon_span = min(lat_span / lon_scale, 180)
    dx = (LONGITUDE - lon) * lon_scale
    dy = LATITUDE - lat
    return [
        _inside(lon - lon_span, lat - lat_span, lon + lon_span, lat + lat_span),
        dx * dx + dy * dy <= lat_span * lat_span,
    ]


def _plain_rows() -> Select[Any]:
    """Incidents' own columns and their violated agreement's title, without the ORM."""
    columns = select(Incident.__table__, Agreement.title.label("violated_agreement_title"))
    return columns.select_from(Incident).outerjoin(
        Agreement, Agreement.id == Incident.violated_agreement_id
    )


def _csv_cells() -> dict[tuple[str, ...], ColumnElement[Any]]:
    """Each CSV column as SQL, written exactly as `app.core.exports.csv_text` writes it."""
    as_text = {column.name: cast(column, Text) for column in COLUMNS}
    actors = (
        select(func.string_agg(
            Actor.name + " (" + IncidentActor.role + ", " + IncidentActor.attribution + ")",
            aggregate_order_by(literal_column("'; '"), IncidentActor.position),
        ))
        .select_from(IncidentActor)
        .join(Actor, Actor.id == IncidentActor.actor_id)
        .where(IncidentActor.incident_id == Incident.id)
        .scalar_subquery()
    )  # fmt: skip
    cited = Incident.citations.property.mapper.local_table.c  # type: ignore[attr-defined]
    sources = Source.__table__.c
    citations = (
        select(func.string_agg(
            sources.title + func.coalesce(" (" + cited.excerpt + ")", ""),
            aggregate_order_by(literal_column("'; '"), cited.position),
        ))
        .join_from(cited.record_id.table, Source.__table__, sources.id == cited.source_id)
        .where(cited.record_id == Incident.id)
        .scalar_subquery()
    )  # fmt: skip
    place = ["name", "governorate", "district", "latitude", "longitude", "precision"]
    place_columns = [
        "place_name",
        "governorate",
        "district",
        "latitude",
        "longitude",
        "location_precision",
    ]
    return {
        ("id",): as_text["id"],
        ("created_at",): iso_utc(Incident.created_at),
        ("updated_at",): iso_utc(Incident.updated_at),
        **{(name,): as_text[name] for name in ("version", "type", "sub_type", "description",
                                               "start_date", "end_date", "date_precision")},
        **{("place", field): as_text[column]
           for field, column in zip(place, place_columns, strict=True)},
        ("actors",): actors,
        **{(kind, bound): as_text[f"{kind}_{bound}"] for kind in ("killed", "injured")
           for bound in ("low", "best", "high")},
        **{(name,): as_text[name]
           for name in ("casualty_notes", "verification", "violated_agreement_id")},
        ("violated_agreement_title",): Agreement.title,
        ("citations",): citations,
    }  # fmt: skip
