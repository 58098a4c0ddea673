"""Query plans, read the same way on both engines, to show a query is served by indexes."""

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from typing import Any

from sqlalchemy import Engine, text

from app.core.database import AnySelect
from bench.datagen import a_session

# The size of the corpus query plans are read on (tests/conftest.py builds it once per run).
CORPUS_INCIDENTS = 100_000
CORPUS_STATEMENTS = 20_000


def corpus_session(engine: Engine) -> str:
    with engine.connect() as connection:
        return a_session(connection)


def plan(engine: Engine, statement: AnySelect) -> list[str]:
    """The plan of a statement, one line per step (SQLite) or node (PostgreSQL)."""
    sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return [row.detail for row in connection.execute(text("EXPLAIN QUERY PLAN " + sql))]
        (document,) = connection.execute(text("EXPLAIN (FORMAT JSON) " + sql)).scalar_one()
        return list(_nodes(document["Plan"]))


def work(engine: Engine, statement: AnySelect) -> int:
    """What running a statement costs, in each engine's own unit: the rows PostgreSQL's table
    and index reads look at (kept or filtered out), or the steps of SQLite's virtual machine.
    Counted, not timed: the same on a busy machine as on an idle one."""
    sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            analyzed = "EXPLAIN (ANALYZE, FORMAT JSON) " + sql
            (document,) = connection.execute(text(analyzed)).scalar_one()
        return _rows_looked_at(document["Plan"])
    steps = 0

    def count() -> bool:
        nonlocal steps
        steps += STEPS_PER_CALL
        return False  # go on

    # A connection of its own: the engine's carry a progress handler already (the deadline).
    with closing(sqlite3.connect(str(engine.url.database))) as connection:
        connection.set_progress_handler(count, STEPS_PER_CALL)
        connection.execute(sql).fetchall()
    return steps


STEPS_PER_CALL = 100
# What a first page of 50 may cost, a fraction of what a walk past every row of its table
# costs: on PostgreSQL, looking at a tenth as many rows as the table holds (an incident's search
# terms are several rows each); on SQLite, half the steps of walking an index past every row
# (about 6 a row), room to sort the matches of a filter that keeps one row in 14.
BUDGETS = {"postgresql": 0.1, "sqlite": 3.0}  # per row of the table


def over_budget(engine: Engine, statement: AnySelect, rows: int = CORPUS_INCIDENTS) -> int:
    """How much more than its budget the statement costs on a table of `rows` (0: within)."""
    return max(work(engine, statement) - int(BUDGETS[engine.dialect.name] * rows), 0)


# The nodes that read a table or an index (a bitmap's rows are counted once, by its heap scan).
READING = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}


def _rows_looked_at(node: dict[str, Any]) -> int:
    """Rows the plan's table and index reads return or filter out (not those a join drops)."""
    own = 0
    if node["Node Type"] in READING:
        removed = node.get("Rows Removed by Filter", 0) + node.get(
            "Rows Removed by Index Recheck", 0
        )
        own = (node["Actual Rows"] + removed) * node["Actual Loops"]
    return own + sum(_rows_looked_at(child) for child in node.get("Plans", []))


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
