"""The import's speed, side by side with each engine's own bulk load of the same rows in the same
run: PostgreSQL's COPY into a plain table of text columns, and SQLite's `executemany` into one.
The import runs as the command line does (`python -m app import FILE --format acled`), in a
process of its own, into an empty migrated database; its peak memory is that process's.

    python -m bench.imports --rows 500000

writes the "Import" section of bench/RESULTS.md (between its markers; `make bench` keeps it).
"""

import argparse
import csv
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from app.imports.mappings import ACLED_SUB_EVENT_TYPES
from bench.datagen import GOVERNORATES, actor_name
from bench.results import write_section

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip
EVENT_TYPES = {"Armed clash": "Battles", "Air/drone strike": "Explosions/Remote violence",
               "Shelling/artillery/missile attack": "Explosions/Remote violence",
               "Attack": "Violence against civilians", "Peaceful protest": "Protests"}  # fmt: skip


def acled_file(path: Path, rows: int, seed: int = 2017) -> None:
    """An ACLED export of `rows` events in today's layout, the same for the same seed."""
    rng = random.Random(seed)
    # Names no other is a word prefix of: a prefix would make a name ambiguous to reconcile.
    actors = [f"Military Forces of Syria ({2000 + n}-2024)" if n < 5 else actor_name(n)
              for n in range(300)]  # fmt: skip
    assert set(EVENT_TYPES) <= set(ACLED_SUB_EVENT_TYPES)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(rows):
            sub_event = rng.choice(list(EVENT_TYPES))
            day = (
                f"{rng.randrange(2011, 2025)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            )
            writer.writerow([
                f"SYR{number}", day, day[:4], "1", "Political violence", EVENT_TYPES[sub_event],
                sub_event, rng.choice(actors), "", "State forces", rng.choice(actors), "",
                "Rebel group", "State forces-Rebel group", "", "760", "Middle East", "Syria",
                rng.choice(GOVERNORATES), f"district {rng.randrange(60)}", "",
                f"place {rng.randrange(2000)}", f"{rng.uniform(32.4, 37.2):.4f}",
                f"{rng.uniform(35.8, 42.2):.4f}", "1", "SOHR", "National",
                f"On {day}, fighting was reported near place {rng.randrange(2000)}.",
                str(rng.randrange(10)), "", str(1618951712 + number),
            ])  # fmt: skip


def copied_by_postgresql(url: str, path: Path) -> float:
    """Rows per second of COPY into a plain table of text columns."""
    columns = ", ".join(f"{name} text" for name in HEADER)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"CREATE TABLE plain ({columns})"))
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            started = time.perf_counter()
            with (
                path.open("rb") as handle,
                cursor.copy("COPY plain FROM STDIN WITH (FORMAT csv, HEADER)") as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            elapsed = time.perf_counter() - started
            count = connection.execute(text("SELECT count(*) FROM plain")).scalar_one()
    finally:
        engine.dispose()
    return count / elapsed


def inserted_by_sqlite(path: Path, database: Path) -> float:
    """Rows per second of one executemany into a plain table, committed."""
    connection = sqlite3.connect(database)
    try:
        connection.execute(f"CREATE TABLE plain ({', '.join(HEADER)})")
        started = time.perf_counter()
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            marks = ", ".join("?" * len(HEADER))
            connection.executemany(f"INSERT INTO plain VALUES ({marks})", reader)
        connection.commit()
        elapsed = time.perf_counter() - started
        (count,) = connection.execute("SELECT count(*) FROM plain").fetchone()
    finally:
        connection.close()
    return int(count) / elapsed


def imported(url: str, path: Path) -> dict[str, float]:
    """The import of the file into `url`, run in a process of its own: rows per second and
    that process's peak memory."""
    child = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--child", url, str(path)],
        capture_output=True, text=True, check=True,
        env={**os.environ, "DATABASE_URL": url},
    )  # fmt: skip
    figures: dict[str, float] = json.loads(child.stdout.splitlines()[-1])
    return figures


def _child(url: str, path: Path) -> None:
    from app.core.database import Database, build_engine
    from app.core.migrations import upgrade
    from app.imports.service import import_file

    engine = build_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as lines:
        report = import_file(Database(engine), lines, "acled", file_name=path.name)
    elapsed = time.perf_counter() - started
    engine.dispose()
    assert report.status == "succeeded" and report.bad == 0, report.bad_rows[:3]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows_per_second": report.rows / elapsed, "peak_mb": peak}))


def _postgresql_database() -> tuple[str, str]:
    name = f"bench_import_{uuid.uuid4().hex[:8]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return name, SERVER.rsplit("/", 1)[0] + f"/{name}"


def _drop(name: str) -> None:
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def measure(rows: int) -> list[str]:
    """Each engine: its own bulk load, then the import, of the same file; the table's lines."""
    lines = ["| Engine | Bulk load of the same rows | The import | Import / bulk | "
             "Import's peak memory | Load |", "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "acled.csv"
        acled_file(path, rows)
        for engine in ("postgresql", "sqlite"):
            if engine == "postgresql":
                plain_name, plain_url = _postgresql_database()
                ours_name, ours_url = _postgresql_database()
                try:
                    bulk = copied_by_postgresql(plain_url, path)
                    ours = imported(ours_url, path)
                finally:
                    _drop(plain_name)
                    _drop(ours_name)
                label = "PostgreSQL `COPY`"
            else:
                bulk = inserted_by_sqlite(path, Path(directory) / "plain.db")
                ours = imported(f"sqlite:///{directory}/ours.db", path)
                label = "SQLite `executemany`"
            rate, peak = ours["rows_per_second"], ours["peak_mb"]
            fast = " — met" if rate >= bulk / 3 else " — **not met** (goal 1/3)"
            small = " — met" if peak < 300 else " — **not met** (goal < 300 MB)"
            lines.append(f"| {engine} | {label}: {bulk:,.0f} rows/s | {rate:,.0f} rows/s | "
                         f"{rate / bulk:.4f}{fast} | {peak:.0f} MB{small} | "
                         f"{os.getloadavg()[0]:.1f} |")  # fmt: skip
    return lines


def write(lines: list[str], rows: int) -> None:
    text = (
        f"a generated ACLED file of {rows:,} rows (today's layout, 300 actors), loaded by each "
        "engine's own bulk path and then by the import (`python -m app import --format acled`, "
        "all-or-nothing) into an empty migrated database, one after the other on this 2-core "
        "machine.\n\n" + "\n".join(lines)
    )
    write_section("import", "Import", f"python -m bench.imports --rows {rows}", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return
    lines = measure(args.rows)
    print("\n".join(lines))
    write(lines, args.rows)


if __name__ == "__main__":
    main()
