import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, PrimaryKeyConstraint, String, Text, inspect
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.core.database import Base, RecordMixin, child_table
from app.core.identifiers import Identified


class Source(Identified, RecordMixin, Base):
    __tablename__ = "sources"
    __table_args__ = (Index("ix_sources_created_at_id", "created_at", "id"),)

    title: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2048))
    published_at: Mapped[datetime | None]
    kind: Mapped[str] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(35))
    author: Mapped[str | None] = mapped_column(String(300))

    links: Mapped[list["SourceLink"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="SourceLink.position"
    )


class SourceLink(Base):
    """Another address of a source: its PDF, an archive copy, a dataset's files."""

    __tablename__ = "source_links"
    __table_args__ = (PrimaryKeyConstraint("source_id", "position"),)

    source_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    position: Mapped[int]
    url: Mapped[str] = mapped_column(String(2048))
    kind: Mapped[str] = mapped_column(String(16))


class Citation:
    """One citation of a source by a record, with the excerpt that carries the fact."""

    position: Mapped[int]
    source_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sources.id"), index=True)
    excerpt: Mapped[str | None] = mapped_column(Text)


class Cited:
    """Gives a record its own `<table>_citations` table, with real foreign keys both ways."""

    __tablename__: str

    @declared_attr
    def citations(cls) -> Mapped[list[Any]]:
        row = child_table(cls, "citations", Citation, PrimaryKeyConstraint("record_id", "position"))
        return relationship(row, lazy="raise", cascade="all, delete-orphan", order_by=row.position)


def citation_rows(model: type[Cited]) -> Any:
    """The mapped class of `model`'s citations."""
    return inspect(model).relationships["citations"].mapper.class_
