"""Forgiving name search that any engine serves from a B-tree index.

A record that can be found by name (an actor by its name and aliases, an incident by its place)
gets a `<table>_terms` table of its search terms (see `app.core.names.search_terms`). A query
matches a term it is a prefix of, or whose skeleton it equals word for word: both are range
scans on the `(term, record_id)` index, in binary order on every engine.
"""

import uuid
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Index,
    PrimaryKeyConstraint,
    Select,
    String,
    and_,
    inspect,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.core.database import child_table
from app.core.names import (
    SKELETON_MARK,
    SKELETON_MIN_LETTERS,
    match_key,
    search_terms,
    skeleton,
)

# Binary order makes `term >= q AND term < q + TOP` a prefix range on PostgreSQL as on SQLite.
TermText = String(300).with_variant(String(300, collation="C"), "postgresql")
TOP = "\U0010ffff"


class Term:
    term: Mapped[str] = mapped_column(TermText)


class Termed:
    """Gives a record a `<table>_terms` table of the terms it is found by."""

    __tablename__: str

    @declared_attr
    def terms(cls) -> Mapped[list[Any]]:
        index = Index(f"ix_{cls.__tablename__}_terms_term_record_id", "term", "record_id")
        row = child_table(cls, "terms", Term, PrimaryKeyConstraint("record_id", "term"), index)
        return relationship(row, lazy="raise", cascade="all, delete-orphan")


def term_rows(model: type[Termed]) -> Any:
    """The mapped class of `model`'s search terms."""
    return inspect(model).relationships["terms"].mapper.class_


def set_terms(record: Termed, *texts: str | None) -> None:
    """Replace the terms a record is found by with those of `texts`."""
    row = term_rows(type(record))
    terms = set().union(*(search_terms(text) for text in texts if text))
    record.terms = [row(term=term) for term in sorted(terms)]


def term_condition(term: ColumnElement[str], text: str) -> ColumnElement[bool] | None:
    """Whether a stored term matches the query `text`; None when `text` folds to nothing."""
    key = match_key(text)
    if not key:
        return None
    prefix = and_(term >= key, term < key + TOP)
    if len(key.replace(" ", "")) < SKELETON_MIN_LETTERS:
        return prefix
    bones = SKELETON_MARK + skeleton(key)
    return or_(prefix, term == bones, and_(term >= bones + " ", term < bones + " " + TOP))


def ids_matching(model: type[Termed], text: str) -> Select[tuple[uuid.UUID]]:
    """Ids of the records of `model` that `text` names (possibly none), for the right side of
    an IN: a record named by several of its terms appears once for each."""
    row = term_rows(model)
    condition = term_condition(row.term, text)
    # No DISTINCT: as the right side of IN it is a semi-join, which PostgreSQL may run from
    # either side (a common name is best checked row by row along the list's order).
    statement = select(row.record_id)
    return statement.where(condition if condition is not None else row.record_id.is_(None))
