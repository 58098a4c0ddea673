"""Full-text search: the one seam where the engines differ.

Each searchable table has a side table `<table>_fts` of (record_id, document): an FTS5 virtual
table on SQLite, a `tsvector` column under a GIN index on PostgreSQL. Both index the same
folded text (`app.core.names.match_key`: case, diacritics, apostrophes and articles folded;
Arabic letters normalised) and both match every query word as a word prefix, so a query finds
the same records on either engine. Query words are reduced to letters and digits before they
reach the engine, so no query can break its syntax.
"""

import html
import re
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Double,
    TableClause,
    Uuid,
    cast,
    column,
    delete,
    false,
    func,
    insert,
    literal,
    literal_column,
    table,
)
from sqlalchemy.orm import Session

from app.core.names import match_key

SUFFIX = "_fts"
MAX_WORDS = 16


@cache  # one object per table, so a query naming it twice joins it once
def fulltext_table(table_name: str) -> TableClause:
    return table(table_name + SUFFIX, column("record_id", Uuid()), column("document"))


def is_fulltext_table(name: str) -> bool:
    """The side tables (and FTS5's own shadow tables) that live outside the models."""
    return SUFFIX in name


def outside_models(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
    """Alembic's `include_object`: leave the hand-built full-text tables out of comparisons."""
    return not (type_ == "table" and name is not None and is_fulltext_table(name))


def index_document(
    session: Session, table_name: str, record_id: uuid.UUID, *texts: str | None
) -> None:
    """Store (or replace) the searchable text of one record."""
    side = fulltext_table(table_name)
    document = match_key(" ".join(text for text in texts if text))
    value: Any = func.to_tsvector("simple", document) if _postgresql(session) else document
    session.execute(delete(side).where(side.c.record_id == record_id))
    session.execute(insert(side).values(record_id=record_id, document=value))


@dataclass(frozen=True)
class Match:
    """How to find records matching a query: join `side` on the record id, keep `condition`,
    and order by `rank` (ascending: best first)."""

    side: TableClause
    condition: ColumnElement[bool]
    rank: ColumnElement[float]


def match(session: Session, table_name: str, text: str) -> Match:
    side = fulltext_table(table_name)
    words = matching_words(text)
    if not words:
        return Match(side, false(), literal(0.0))
    if _postgresql(session):
        query = func.to_tsquery("simple", " & ".join(f"{word}:*" for word in words))
        # As double precision: a real would come back rounded and break the cursor's equality.
        rank = -cast(func.ts_rank(side.c.document, query), Double)
        return Match(side, side.c.document.op("@@")(query), rank)
    fts = literal_column(side.name)
    query_text = " AND ".join(f'"{word}"*' for word in words)
    return Match(side, fts.op("MATCH")(query_text), func.bm25(fts))


def matching_words(text: str) -> list[str]:
    """The folded words of a query, as the engines match them (prefixes)."""
    return match_key(text).split()[:MAX_WORDS]


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


SNIPPET_WORDS = 30
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def snippet(query_text: str, *texts: str | None) -> str | None:
    """The passage of the first text that matches the query, its matches in `<mark>`."""
    words = matching_words(query_text)
    for text in texts:
        spans = [m for m in _WORD.finditer(text or "") if _matches(m.group(), words)]
        if spans:
            return _passage(text or "", spans)
    return None


def _matches(word: str, query_words: list[str]) -> bool:
    return any(
        part.startswith(query_words_)
        for part in match_key(word).split()
        for query_words_ in query_words
    )


def _passage(text: str, spans: list[re.Match[str]]) -> str:
    every_word = list(_WORD.finditer(text))
    first = next(i for i, w in enumerate(every_word) if w.start() == spans[0].start())
    start_word = max(first - SNIPPET_WORDS // 3, 0)
    end_word = min(start_word + SNIPPET_WORDS, len(every_word)) - 1
    start = every_word[start_word].start() if start_word else 0
    end = every_word[end_word].end() if end_word < len(every_word) - 1 else len(text)
    marked, cursor = [], start
    for span in spans:
        if start <= span.start() and span.end() <= end:
            marked += [
                html.escape(text[cursor : span.start()]),
                f"<mark>{html.escape(span.group())}</mark>",
            ]
            cursor = span.end()
    marked.append(html.escape(text[cursor:end]))
    return ("…" if start else "") + "".join(marked) + ("…" if end < len(text) else "")
