"""The main queries are served by indexes: on 100,000 incidents their plans scan no table whole."""

import re
import uuid

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.core.database import build_engine
from app.core.migrations import upgrade
from app.incidents.repository import IncidentRepository
from app.incidents.schemas import IncidentQuery
from app.statements.repository import StatementRepository
from app.statements.schemas import StatementQuery
from bench.datagen import generate
from tests.databases import fresh_database_url

INCIDENTS = 100_000


@pytest.fixture(scope="module")
def corpus() -> tuple[Engine, list[uuid.UUID]]:
    with fresh_database_url() as url:
        engine = build_engine(url)
        upgrade(engine)
        actors = generate(engine, incidents=INCIDENTS, statements=20_000, seed=7)
        yield engine, actors
        engine.dispose()


def plan(engine: Engine, statement) -> list[str]:
    """The plan of a statement, one line per step (SQLite) or node (PostgreSQL)."""
    sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return [row.detail for row in connection.execute(text("EXPLAIN QUERY PLAN " + sql))]
        (document,) = connection.execute(text("EXPLAIN (FORMAT JSON) " + sql)).scalar_one()
        return list(_nodes(document["Plan"]))


def _nodes(node):
    yield f"{node['Node Type']} {node.get('Relation Name', '')}".strip()
    for child in node.get("Plans", []):
        yield from _nodes(child)


def full_scans(lines: list[str]) -> list[str]:
    sqlite_scan = re.compile(r"^SCAN \w+$")  # "SCAN t USING INDEX ..." walks an index instead
    return [line for line in lines if sqlite_scan.match(line) or line.startswith("Seq Scan")]


def incident_page(engine: Engine, **params):
    with Session(engine) as session:
        return IncidentRepository(session).page_statement(IncidentQuery.model_validate(params))


def statement_page(engine: Engine, **params):
    with Session(engine) as session:
        return StatementRepository(session).page_statement(StatementQuery.model_validate(params))


def test_the_corpus_is_big_enough(corpus):
    engine, _ = corpus
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM incidents")).scalar_one() == INCIDENTS


@pytest.mark.parametrize("rank", [0, 50, 500])
def test_actor_and_date_range(corpus, rank):
    engine, actors = corpus
    query = incident_page(
        engine, actor=[str(actors[rank])], **{"from": "2016-01-01", "to": "2016-06-30"}
    )
    lines = plan(engine, query)
    assert full_scans(lines) == [], lines


def test_actor_by_name(corpus):
    engine, _ = corpus
    lines = plan(engine, incident_page(engine, actor=["Faction 0007"], to="2016-06-30"))
    assert full_scans(lines) == [], lines


def test_bounding_box_and_date(corpus):
    engine, _ = corpus
    query = incident_page(
        engine, bbox="36.1,33.4,36.4,33.6", **{"from": "2015-01-01", "to": "2015-12-31"}
    )
    lines = plan(engine, query)
    assert full_scans(lines) == [], lines


def test_full_text_on_incidents_and_statements(corpus):
    engine, _ = corpus
    for query in (
        incident_page(engine, q="bakery convoy sniper"),
        statement_page(engine, q="bakery truce drone"),
    ):
        lines = plan(engine, query)
        assert full_scans(lines) == [], lines


def test_a_late_page_is_a_range_not_a_skip(corpus):
    engine, _ = corpus
    with Session(engine) as session:
        repository = IncidentRepository(session)
        _, cursor = repository.page(IncidentQuery.model_validate({"limit": 500}))
        statement = repository.page_statement(IncidentQuery.model_validate({"cursor": cursor}))
    lines = plan(engine, statement)
    assert full_scans(lines) == [], lines
    assert "OFFSET" not in str(statement)
