import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.database import Base, JSONDocument, RecordMixin
from app.core.identifiers import Identified
from app.sources.models import Cited


class NegotiationProcess(Identified, RecordMixin, Base):
    __tablename__ = "negotiation_processes"
    __table_args__ = (Index("ix_negotiation_processes_created_at_id", "created_at", "id"),)

    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)


class NegotiationSession(Cited, Identified, RecordMixin, Base):
    __tablename__ = "negotiation_sessions"

    process_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("negotiation_processes.id"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    round: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[dt.date | None] = mapped_column(index=True)
    end_date: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(32))
    format: Mapped[str] = mapped_column(String(32))
    agenda: Mapped[list[Any]] = mapped_column(JSONDocument, default=list)
    outcome: Mapped[str | None] = mapped_column(Text)

    participants: Mapped[list["Participant"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="Participant.position"
    )


class Participant(Base):
    __tablename__ = "negotiation_participants"
    __table_args__ = (
        PrimaryKeyConstraint("session_id", "position"),
        Index("ix_negotiation_participants_actor_id_session_id", "actor_id", "session_id"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("negotiation_sessions.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("actors.id"))
    role: Mapped[str] = mapped_column(String(32))
    on_behalf_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("actors.id"))


class Agreement(Cited, Identified, RecordMixin, Base):
    __tablename__ = "agreements"
    __table_args__ = (Index("ix_agreements_created_at_id", "created_at", "id"),)

    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    date: Mapped[dt.date | None] = mapped_column(index=True)
    session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("negotiation_sessions.id"), index=True
    )
    summary: Mapped[str | None] = mapped_column(Text)

    signatories: Mapped[list["AgreementActor"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="AgreementActor.position"
    )

    @property
    def parties(self) -> list[uuid.UUID]:
        return [link.actor_id for link in self.signatories if link.role == "party"]

    @property
    def guarantors(self) -> list[uuid.UUID]:
        return [link.actor_id for link in self.signatories if link.role == "guarantor"]


class AgreementActor(Base):
    """A party to or guarantor of an agreement."""

    __tablename__ = "agreement_actors"
    __table_args__ = (PrimaryKeyConstraint("agreement_id", "position"),)

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    position: Mapped[int]
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("actors.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
