import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Float, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, composite, mapped_column, relationship

from app.core.database import Base, JSONDocument, RecordMixin, live_ids_index
from app.core.identifiers import Identified
from app.core.search import Termed
from app.sources.models import Cited


@dataclass
class Place:
    name: str | None = None
    governorate: str | None = None
    district: str | None = None
    subdistrict: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    precision: str | None = None


@dataclass
class Casualties:
    low: int | None = None
    best: int | None = None
    high: int | None = None


def _casualty_columns(prefix: str) -> list[Mapped[int | None]]:
    return [mapped_column(f"{prefix}_{bound}", Integer) for bound in ("low", "best", "high")]


class Incident(Cited, Termed, Identified, RecordMixin, Base):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_start_date_id", "start_date", "id"),
        Index("ix_incidents_killed_rank_id", "killed_rank", "id"),
        Index("ix_incidents_longitude_latitude", "longitude", "latitude"),
        # A list of one type or one governorate, in date order, read straight from the index.
        Index("ix_incidents_type_start_date_id", "type", "start_date", "id"),
        Index("ix_incidents_governorate_start_date_id", "governorate", "start_date", "id"),
        live_ids_index("incidents"),
    )

    type: Mapped[str] = mapped_column(String(64))
    sub_type: Mapped[str | None] = mapped_column(String(64), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    # Null when the date is unknown (date_precision "unknown").
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    # The last day end_date may stand for, given the precision; null while ongoing.
    last_day: Mapped[date | None] = mapped_column(index=True)
    date_precision: Mapped[str] = mapped_column(String(8))
    place: Mapped[Place] = composite(
        mapped_column("place_name", String(300)),
        mapped_column("governorate", String(100)),
        mapped_column("district", String(100)),
        mapped_column("subdistrict", String(100)),
        mapped_column("latitude", Float),
        mapped_column("longitude", Float),
        mapped_column("location_precision", String(16)),
    )
    killed: Mapped[Casualties] = composite(*_casualty_columns("killed"))
    injured: Mapped[Casualties] = composite(*_casualty_columns("injured"))
    # A record summing many events (a country-year aggregate), and how many, when known.
    aggregate: Mapped[bool] = mapped_column(default=False)
    event_count: Mapped[int | None]
    weapons: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    tags: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    # The language of `description`, and the description in other languages, by language.
    language: Mapped[str | None] = mapped_column(String(35))
    translations: Mapped[dict[str, str]] = mapped_column(JSONDocument, default=dict)
    dataset_fields: Mapped[dict[str, str]] = mapped_column(JSONDocument, default=dict)
    # killed.best, or -1 when unknown: a non-null key for sorting by the dead, most first.
    killed_rank: Mapped[int] = mapped_column(default=-1)
    casualty_notes: Mapped[str | None] = mapped_column(Text)
    verification: Mapped[str] = mapped_column(String(16), index=True)
    violated_agreement_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agreements.id"), index=True
    )

    actors: Mapped[list["IncidentActor"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="IncidentActor.position"
    )
    casualties: Mapped[list["CasualtyCount"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="CasualtyCount.position"
    )


class IncidentActor(Base):
    """An actor's part in an incident, and how firmly it is attributed.

    It repeats the incident's start and last day so that one index serves "this actor's
    incidents in date order, overlapping these dates" without visiting the incidents it skips
    (the service writes them with the incident's own)."""

    __tablename__ = "incident_actors"
    __table_args__ = (
        PrimaryKeyConstraint("incident_id", "position"),
        Index("ix_incident_actors_actor_id_incident_id", "actor_id", "incident_id"),
        Index(
            "ix_incident_actors_actor_id_start_date",
            "actor_id",
            "start_date",
            "incident_id",
            "last_day",
        ),
    )

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    position: Mapped[int]
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("actors.id"))
    role: Mapped[str] = mapped_column(String(16), index=True)
    attribution: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date | None]
    last_day: Mapped[date | None]


class CasualtyCount(Base):
    """The people of one category (civilians, one side, unknown, rescue workers...) killed or
    injured in an incident, as a range: a part of its totals."""

    __tablename__ = "incident_casualties"
    __table_args__ = (PrimaryKeyConstraint("incident_id", "position"),)

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    position: Mapped[int]
    category: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(16))
    low: Mapped[int | None]
    best: Mapped[int | None]
    high: Mapped[int | None]
