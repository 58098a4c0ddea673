"""Query plans, read the same way on both engines, to show a query is served by indexes."""

import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, text

from app.core.database import AnySelect

# The size of the corpus query plans are read on (tests/conftest.py builds it once per run).
CORPUS_INCIDENTS = 100_000


def plan(engine: Engine, statement: AnySelect) -> list[str]:
    """The plan of a statement, one line per step (SQLite) or node (PostgreSQL)."""
    sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return [row.detail for row in connection.execute(text("EXPLAIN QUERY PLAN " + sql))]
        (document,) = connection.execute(text("EXPLAIN (FORMAT JSON) " + sql)).scalar_one()
        return list(_nodes(document["Plan"]))


def _nodes(node: dict[str, Any]) -> Iterator[str]:
    yield f"{node['Node Type']} {node.get('Relation Name', '')}".strip()
    for child in node.get("Plans", []):
        yield from _nodes(child)


def full_scans(lines: list[str]) -> list[str]:
    sqlite_scan = re.compile(r"^SCAN \w+$")  # "SCAN t USING INDEX ..." walks an index instead
    # A search's ranked candidates are a subquery of at most app.core.records.CANDIDATES rows.
    bounded = "SCAN candidates"
    return [
        line
        for line in lines
        if (sqlite_scan.match(line) and line != bounded) or line.startswith("Seq Scan")
    ]
