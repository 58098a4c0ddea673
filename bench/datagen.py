"""A deterministic synthetic corpus at scale: actors with a realistic skew (a few actors in most
incidents), incidents across Syria and fourteen years, statements, and their full-text documents.

Used by the query-plan test (100,000 incidents) and the benchmark (1,000,000 of each):
    python -m bench.datagen --incidents 1000000 --statements 1000000
writes into DATABASE_URL (migrated first). The same seed always gives the same rows.
"""

import argparse
import datetime as dt
import random
import uuid
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from sqlalchemy import Engine, text

from app.core.config import get_settings
from app.core.database import build_engine, utcnow
from app.core.migrations import upgrade
from app.core.names import match_key, search_terms
from app.models import Base

BATCH = 10_000
ACTORS = 1_000
PLACES = 2_000
FIRST_DAY = dt.date(2011, 3, 15)
DAYS = 14 * 365
TYPES = ["airstrike", "shelling", "clashes", "ground_offensive", "siege", "detention",
         "ied", "assassination", "protest", "looting"]  # fmt: skip
GOVERNORATES = ["Aleppo", "Idlib", "Rif Dimashq", "Damascus", "Homs", "Hama", "Daraa",
                "Deir ez-Zor", "Raqqa", "Hasakah", "Latakia", "Tartus", "Quneitra",
                "As-Suwayda"]  # fmt: skip
WORDS = ["market", "hospital", "school", "convoy", "bakery", "checkpoint", "mosque", "camp",
         "village", "bridge", "rescue", "civilians", "fighters", "barrel", "bombs", "artillery",
         "drone", "tank", "sniper", "ceasefire", "siege", "detainees", "aid", "truce",
         "border"]  # fmt: skip
SYLLABLES = [
    "ba",
    "da",
    "ka",
    "ma",
    "ra",
    "sa",
    "ta",
    "za",
    "li",
    "mi",
    "ni",
    "ri",
    "hu",
    "ku",
    "nu",
]
# Real words first (the most frequent), then made-up ones: a long tail, as in real text.
VOCABULARY = WORDS + [
    SYLLABLES[i % 15] + SYLLABLES[i // 15 % 15] + SYLLABLES[i // 225 % 15] for i in range(3_000)
]
WORD_WEIGHTS = list(accumulate(1 / (rank + 1) for rank in range(len(VOCABULARY))))
STATEMENT_TYPES = ["statement", "accuse", "deny", "demand", "reject", "threaten", "appeal",
                   "praise", "criticize", "express_intent"]  # fmt: skip
TOPICS = ["ceasefire", "detainees", "sieges", "political_transition", "terrorism", "aid"]
TABLES = Base.metadata.tables
# Rounds of talks, three days each, every half year: a statement made on one of their days
# was made at that session.
SESSIONS = 28
SESSION_DAYS = 3


def generate(engine: Engine, incidents: int, statements: int, seed: int = 2017) -> list[uuid.UUID]:
    """Insert the corpus; return the actor ids, most frequent first."""
    rng = random.Random(seed)
    actors = [_uuid(rng) for _ in range(ACTORS)]
    # Zipf-like weights: the first few actors take part in most incidents.
    weights = list(accumulate(1 / (rank + 1) ** 1.2 for rank in range(ACTORS)))
    with engine.begin() as connection:
        _insert(connection, "actors", _actors(actors))
        _insert(connection, "actors_terms", _actor_terms(actors))
        sessions = _sessions(connection, random.Random(seed + 1))
        _insert_with_children(connection, "incidents", _incidents(rng, incidents, actors, weights))
        _insert_with_children(
            connection, "statements", _statements(rng, statements, actors, weights, sessions)
        )
        _documents(connection)
    with engine.connect() as connection:
        # PostgreSQL's index-only scans need the visibility map a vacuum writes.
        postgresql = connection.dialect.name == "postgresql"
        analyze = "VACUUM ANALYZE" if postgresql else "ANALYZE"
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(analyze)
        connection.commit()  # SQLite's connections begin on their own (app.core.database)
    return actors


def a_session(connection: Any) -> str:
    """The id of the corpus's eleventh round of talks."""
    rounds = "SELECT id FROM negotiation_sessions ORDER BY start_date LIMIT 1 OFFSET 10"
    return str(connection.execute(text(rounds)).scalar_one())


def actor_name(rank: int) -> str:
    return f"Faction {rank:04d}"


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _actors(actors: list[uuid.UUID]) -> Iterator[dict[str, Any]]:
    now = utcnow()
    for rank, actor in enumerate(actors):
        name = actor_name(rank)
        yield {"id": actor, "name": name, "name_key": match_key(name), "kind": "armed_group",
               "external_ids": {}, "created_at": now, "updated_at": now, "version": 1}  # fmt: skip


def _actor_terms(actors: list[uuid.UUID]) -> Iterator[dict[str, Any]]:
    for rank, actor in enumerate(actors):
        for term in search_terms(actor_name(rank)):
            yield {"record_id": actor, "term": term}


Children = dict[str, list[dict[str, Any]]]  # rows of the record's child tables, by table


def _incidents(
    rng: random.Random, count: int, actors: list[uuid.UUID], weights: list[float]
) -> Iterator[tuple[dict[str, Any], Children]]:
    now = utcnow()
    places = [f"place {number}" for number in range(PLACES)]
    place_terms = [sorted(search_terms(place)) for place in places]
    governorate_terms = {name: sorted(search_terms(name)) for name in GOVERNORATES}
    for number in range(count):
        record = _uuid(rng)
        start = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        ongoing = rng.random() < 0.03
        end = None if ongoing else start + dt.timedelta(days=rng.choice([0, 0, 0, 0, 1, 3, 14]))
        killed = int(rng.paretovariate(1.3)) - 1
        place, governorate = rng.randrange(PLACES), rng.choice(GOVERNORATES)
        terms = dict.fromkeys(place_terms[place] + governorate_terms[governorate])
        yield (
            {"id": record, "type": rng.choice(TYPES), "sub_type": None,
             "description": _text(rng, 8), "start_date": start,
             "end_date": end, "last_day": end, "date_precision": "day",
             "place_name": places[place], "governorate": governorate,
             "district": None, "latitude": rng.uniform(32.4, 37.2),
             "longitude": rng.uniform(35.8, 42.2),
             "location_precision": "town", "killed_low": killed, "killed_best": killed,
             "killed_high": killed * 2, "injured_low": None, "injured_best": killed * 3,
             "injured_high": None, "killed_rank": killed, "casualty_notes": None,
             "verification": rng.choice(["reported", "reported", "corroborated", "confirmed"]),
             "violated_agreement_id": None, "external_ids": {"acled": f"SYR{number}"},
             "created_at": now, "updated_at": now, "version": 1, "deleted_at": None},
            {"incident_actors": [
                {"incident_id": record, "position": position, "actor_id": actor,
                 "role": "perpetrator" if position == 0 else "target", "attribution": "alleged",
                 "start_date": start, "last_day": end}
                for position, actor in enumerate(_some_actors(rng, actors, weights))],
             "incidents_terms": [{"record_id": record, "term": term} for term in terms],
             "incidents_external_ids": [
                 {"record_id": record, "dataset": "acled", "value": f"SYR{number}"}]},
        )  # fmt: skip


def _sessions(connection: Any, rng: random.Random) -> dict[dt.date, uuid.UUID]:
    """The negotiation sessions, one process's rounds; each of their days, with its session."""
    now = utcnow()
    process = _uuid(rng)
    record = {"created_at": now, "updated_at": now, "version": 1, "deleted_at": None}
    talks = {"id": process, "name": "Talks", "description": None, **record}
    connection.execute(TABLES["negotiation_processes"].insert(), [talks])
    days: dict[dt.date, uuid.UUID] = {}
    rows = []
    for number in range(SESSIONS):
        session = _uuid(rng)
        start = FIRST_DAY + dt.timedelta(days=DAYS * number // SESSIONS)
        end = start + dt.timedelta(days=SESSION_DAYS - 1)
        rows.append({"id": session, "process_id": process, "name": f"Round {number + 1}",
                     "round": str(number + 1), "location": "Geneva", "start_date": start,
                     "end_date": end, "status": "concluded", "format": "direct", "agenda": [],
                     "outcome": None, **record})  # fmt: skip
        days |= {start + dt.timedelta(days=day): session for day in range(SESSION_DAYS)}
    connection.execute(TABLES["negotiation_sessions"].insert(), rows)
    return days


def _statements(
    rng: random.Random,
    count: int,
    actors: list[uuid.UUID],
    weights: list[float],
    sessions: dict[dt.date, uuid.UUID],
) -> Iterator[tuple[dict[str, Any], Children]]:
    now = utcnow()
    for _ in range(count):
        record = _uuid(rng)
        said = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        speaker, *targets = _some_actors(rng, actors, weights)
        yield (
            {"id": record, "speaker_id": speaker, "speaker_label": None, "on_behalf_of_id": None,
             "date": said, "last_day": said, "time": None, "date_precision": "day",
             "location": None, "quote": _text(rng, 12), "summary": None,
             "translation": None, "language": "en", "type": rng.choice(STATEMENT_TYPES),
             "session_id": sessions.get(said), "created_at": now, "updated_at": now, "version": 1,
             "deleted_at": None},
            {"statement_targets": [{"statement_id": record, "position": position, "actor_id": actor}
                                   for position, actor in enumerate(targets)]},
        )  # fmt: skip


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=WORD_WEIGHTS, k=words))


def _some_actors(
    rng: random.Random, actors: list[uuid.UUID], weights: list[float]
) -> list[uuid.UUID]:
    chosen = rng.choices(actors, cum_weights=weights, k=rng.choice([1, 2, 2, 3]))
    return list(dict.fromkeys(chosen))


def _insert(connection: Any, table: str, rows: Iterator[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            connection.execute(TABLES[table].insert(), batch)
            batch = []
    if batch:
        connection.execute(TABLES[table].insert(), batch)


def _insert_with_children(
    connection: Any, parent: str, records: Iterator[tuple[dict[str, Any], Children]]
) -> None:
    parents: list[dict[str, Any]] = []
    children: Children = {}
    for record, rows in records:
        parents.append(record)
        for table, child_rows in rows.items():
            children.setdefault(table, []).extend(child_rows)
        if len(parents) == BATCH:
            _flush(connection, parent, parents, children)
            parents, children = [], {}
    if parents:
        _flush(connection, parent, parents, children)


def _flush(connection: Any, parent: str, parents: list[dict[str, Any]], children: Children) -> None:
    connection.execute(TABLES[parent].insert(), parents)
    for table, rows in children.items():
        connection.execute(TABLES[table].insert(), rows)


def _documents(connection: Any) -> None:
    """The full-text documents, built in the database (the generated text is already folded)."""
    postgresql = connection.dialect.name == "postgresql"
    for table, text_sql in [
        ("incidents", "description || ' ' || place_name || ' ' || lower(governorate)"),
        ("statements", "quote"),
    ]:
        if postgresql:
            columns, values = "record_id, document", f"id, to_tsvector('simple', {text_sql})"
        else:  # rows keyed by their record (app.core.database.fulltext_rowid)
            columns, values = "rowid, record_id, document", f"fulltext_rowid(id), id, {text_sql}"
        unindexed = f"id NOT IN (SELECT record_id FROM {table}_fts)"  # the demo's, say
        rows = f"SELECT {values} FROM {table} WHERE {unindexed}"
        connection.execute(text(f"INSERT INTO {table}_fts ({columns}) {rows}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    engine = build_engine(get_settings().database_url)
    upgrade(engine)
    actors = generate(engine, args.incidents, args.statements, args.seed)
    print(f"generated {args.incidents} incidents, {args.statements} statements; "
          f"most frequent actor: {actor_name(0)} ({actors[0]})")  # fmt: skip


if __name__ == "__main__":
    main()
