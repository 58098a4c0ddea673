import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.database import Base, RecordMixin, live_ids_index
from app.core.identifiers import Identified
from app.sources.models import Cited


class Statement(Cited, Identified, RecordMixin, Base):
    __tablename__ = "statements"
    __table_args__ = (
        Index("ix_statements_speaker_id_date", "speaker_id", "date"),
        Index("ix_statements_session_id_date", "session_id", "date"),
        Index("ix_statements_date_id", "date", "id"),
        Index("ix_statements_type_date_id", "type", "date", "id"),
        live_ids_index("statements"),
    )

    speaker_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("actors.id"))
    speaker_label: Mapped[str | None] = mapped_column(String(300))
    on_behalf_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("actors.id"), index=True)
    date: Mapped[dt.date]
    # The last day `date` may stand for, given its precision.
    last_day: Mapped[dt.date] = mapped_column(index=True)
    time: Mapped[dt.time | None]
    date_precision: Mapped[str] = mapped_column(String(8))
    location: Mapped[str | None] = mapped_column(String(300))
    quote: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    translation: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(35), index=True)
    type: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("negotiation_sessions.id"))

    target_links: Mapped[list["StatementTarget"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="StatementTarget.position"
    )
    topic_links: Mapped[list["StatementTopic"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="StatementTopic.position"
    )

    @property
    def target_ids(self) -> list[uuid.UUID]:
        return [link.actor_id for link in self.target_links]

    @property
    def topics(self) -> list[str]:
        return [link.topic for link in self.topic_links]


class StatementTarget(Base):
    """An actor a statement is about: accused, praised, addressed or mentioned."""

    __tablename__ = "statement_targets"
    __table_args__ = (
        PrimaryKeyConstraint("statement_id", "position"),
        Index("ix_statement_targets_actor_id_statement_id", "actor_id", "statement_id"),
    )

    statement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("statements.id", ondelete="CASCADE"))
    position: Mapped[int]
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("actors.id"))


class StatementTopic(Base):
    __tablename__ = "statement_topics"
    __table_args__ = (
        PrimaryKeyConstraint("statement_id", "position"),
        Index("ix_statement_topics_topic_statement_id", "topic", "statement_id"),
    )

    statement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("statements.id", ondelete="CASCADE"))
    position: Mapped[int]
    topic: Mapped[str] = mapped_column(String(100))
