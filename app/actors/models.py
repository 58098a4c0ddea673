import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.database import Base, RecordMixin
from app.core.identifiers import Identified
from app.core.search import Termed


class Actor(Termed, Identified, RecordMixin, Base):
    __tablename__ = "actors"
    __table_args__ = (Index("ix_actors_name_key_id", "name_key", "id"),)

    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)

    aliases: Mapped[list["ActorAlias"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ActorAlias.position"
    )
    affiliations: Mapped[list["Affiliation"]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="Affiliation.position",
        foreign_keys="Affiliation.subject_id",
    )


class ActorAlias(Base):
    __tablename__ = "actor_aliases"
    __table_args__ = (PrimaryKeyConstraint("actor_id", "position"),)

    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    # The name folded as queries are (app.core.names.match_key): an exact alias ranks first.
    name_key: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(35))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]


class Affiliation(Base):
    """The subject actor is `kind` (member_of, leads, represents...) of the object actor."""

    __tablename__ = "actor_affiliations"
    __table_args__ = (PrimaryKeyConstraint("subject_id", "position"),)

    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    position: Mapped[int]
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("actors.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
