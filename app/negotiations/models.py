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
    stage: Mapped[str | None] = mapped_column(String(32), index=True)
    date: Mapped[dt.date | None] = mapped_column(index=True)
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]
    process_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("negotiation_processes.id"), index=True
    )
    session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("negotiation_sessions.id"), index=True
    )
    # Parties and third parties as the text names them, when not (or not all) as actors.
    parties_described: Mapped[str | None] = mapped_column(Text)
    third_parties_described: Mapped[str | None] = mapped_column(Text)
    countries: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    dataset_fields: Mapped[dict[str, str]] = mapped_column(JSONDocument, default=dict)

    actor_links: Mapped[list["AgreementActor"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="AgreementActor.position"
    )
    related_links: Mapped[list["AgreementRelation"]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="AgreementRelation.position",
        foreign_keys="AgreementRelation.owner_id",
    )

    def _in_role(self, *roles: str) -> list["AgreementActor"]:
        return [link for link in self.actor_links if link.role in roles]

    @property
    def parties(self) -> list[uuid.UUID]:
        return [link.actor_id for link in self._in_role("party")]

    @property
    def guarantors(self) -> list[uuid.UUID]:
        return [link.actor_id for link in self._in_role("guarantor")]

    @property
    def third_parties(self) -> list["AgreementActor"]:
        return self._in_role(*THIRD_PARTY_ROLES)

    @property
    def signatories(self) -> list["AgreementActor"]:
        return self._in_role("signatory")

    @property
    def related(self) -> list["AgreementRelation"]:
        return self.related_links


# The roles of an agreement's third parties other than its guarantors.
THIRD_PARTY_ROLES = ("witness", "mediator", "observer", "facilitator", "other")


class AgreementActor(Base):
    """An actor's part in an agreement: a party, a guarantor or another third party, or a
    person signing it (for the party `on_behalf_of_id`)."""

    __tablename__ = "agreement_actors"
    __table_args__ = (PrimaryKeyConstraint("agreement_id", "position"),)

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    position: Mapped[int]
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("actors.id"), index=True)
    on_behalf_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("actors.id"))
    role: Mapped[str] = mapped_column(String(16))


class AgreementRelation(Base):
    """Another agreement, or a UN resolution (by its symbol), an agreement refers to."""

    __tablename__ = "agreement_relations"
    __table_args__ = (PrimaryKeyConstraint("owner_id", "position"),)

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    agreement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agreements.id"), index=True)
    reference: Mapped[str | None] = mapped_column(String(300))
