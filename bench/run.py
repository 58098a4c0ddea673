"""The benchmark: one command (`make bench`) on PostgreSQL, with the server and the database on
this machine and the load from a second process (wrk). Writes bench/RESULTS.md.

Each request is measured on the service and on the raw floor (bench/floor.py: the service's
SQL and row shaping on asyncpg, without the framework), interleaved (service, floor, service,
floor) so that the machine's load falls on both alike; list requests are also replayed as SQL
alone by pgbench. Every run notes the load average it met.

BENCH_DATABASE_URL names the database (default: syria_bench on the local server); it is filled
with 1,000,000 incidents and 1,000,000 statements (bench/datagen.py) unless it holds them.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app.core.database import build_engine, session_options
from app.core.migrations import upgrade
from bench.datagen import VOCABULARY, a_session, actor_name
from bench.results import RESULTS, separate_sections

ROWS = 1_000_000
PORT = 8100
FLOOR_PORT = 8200
BASE = f"http://127.0.0.1:{PORT}"
SECONDS = 15  # each run; a scenario is four runs
# wrk is one address sending thousands of requests: the limit is set out of its reach, but
# every request is still counted, in Redis as production's workers must share the count.
SERVICE_ENV = {"WORKERS": "2", "DATABASE_POOL_SIZE": "10", "RATE_LIMIT_ANONYMOUS": "1000000000",
               "REDIS_URL": "redis://127.0.0.1:6379/0"}  # fmt: skip
FLOOR_COMMAND = [sys.executable, "-m", "uvicorn", "bench.floor:app", "--workers", "2",
                 "--port", str(FLOOR_PORT), "--no-access-log"]  # fmt: skip
HERE = Path(__file__).parent
# SQLite: the same file served by the service and by Datasette 0.65, from a venv of its own.
SQLITE_FILE = HERE.parent / "data" / "bench-1m.db"
DATASETTE = "datasette==0.65.*"
DATASETTE_VENV = HERE.parent / "data" / "datasette-venv"
DATASETTE_PORT = 8300
DATABASE = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/syria_bench"
)
PERCENTILES = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT p50=%d p95=%d p99=%d requests=%d errors=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""
ROTATE = """
paths = {%s}
i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def main() -> None:
    _ensure_data()
    ids = _incident_ids(200)
    actor_path = (f"/v1/incidents?actor={quote(actor_name(0))}&from=2016-01-01&to=2016-12-31"
                  "&limit=50")  # fmt: skip
    rare, common = _words(1000), _words(30)
    pages = [actor_path, *rare, *common]
    service = _start([sys.executable, "-m", "app", "serve"], PORT, SERVICE_ENV)
    floor = _start(FLOOR_COMMAND, FLOOR_PORT, {"BENCH_PAGE_PATHS": json.dumps(pages)})
    try:
        _same_bytes([f"/v1/incidents/{ids[0]}", actor_path, rare[0], common[0]])
        results = [
            _versus("`GET /v1/incidents/{id}`, 16 clients", [f"/v1/incidents/{i}" for i in ids],
                    16),
            _versus("Incidents by actor and a year, 50 a page, 16 clients", [actor_path], 16,
                    pgbench=[actor_path]),
            _versus("The same, one client", [actor_path], 1, pgbench=[actor_path]),
            _versus("Full-text `q` on statements, rarer words (0.1-0.3% of statements), "
                    "16 clients", rare, 16, pgbench=rare),
            _versus("Full-text `q` on statements, common words (1-4% of statements), "
                    "16 clients", common, 16, pgbench=common),
        ]  # fmt: skip
        others = [_deep_page(), _stats(), _csv_export(service)]
    finally:
        for server in (service, floor):
            server.terminate()
            server.wait(timeout=30)
    lists = _other_lists()
    results += _versus_datasette(actor_path)
    _write(results, others, lists)


def _ensure_data() -> None:
    url = make_url(DATABASE)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    engine = create_engine(url)
    with engine.connect() as connection:
        try:
            count = connection.scalar(text("SELECT count(*) FROM incidents"))
        except Exception:
            count = 0
    if count < ROWS:
        env = {**os.environ, "DATABASE_URL": DATABASE}
        subprocess.run([sys.executable, "-m", "bench.datagen", "--incidents", str(ROWS),
                        "--statements", str(ROWS)], check=True, env=env)  # fmt: skip
    upgrade(engine)  # data generated before a migration gets its indexes


def _start(command: list[str], port: int, extra: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": DATABASE, "BENCH_DATABASE_URL": DATABASE,
           "PORT": str(port), **extra}  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    for _ in range(150):
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/incidents/{uuid.uuid4()}")
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{command} did not start")


def _incident_ids(count: int) -> list[str]:
    with create_engine(DATABASE).connect() as connection:
        rows = connection.execute(text("SELECT id FROM incidents TABLESAMPLE SYSTEM (1) "
                                       "REPEATABLE (2017) LIMIT :n"), {"n": count})  # fmt: skip
        return [str(row[0]) for row in rows]


def _words(first: int) -> list[str]:
    return [f"/v1/statements?q={quote(word)}" for word in VOCABULARY[first : first + 100]]


def _same_bytes(paths: list[str]) -> None:
    """The floor is a floor only if it answers with the service's very bytes."""
    for path in paths:
        ours = httpx.get(BASE + path, timeout=30).content
        floor = httpx.get(f"http://127.0.0.1:{FLOOR_PORT}{path}", timeout=30).content
        if ours != floor:
            raise RuntimeError(f"the floor's answer to {path} differs from the service's")


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _wrk(port: int, paths: list[str], connections: int, seconds: int) -> dict[str, Any]:
    script = PERCENTILES + (ROTATE % ", ".join(f'"{p}"' for p in paths) if len(paths) > 1 else "")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s",
               "-s", file.name, f"http://127.0.0.1:{port}{paths[0]}"]  # fmt: skip
    load = _load()
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    values = {key: float(value) for key, value in (p.split("=") for p in line.split()[1:])}
    return values | {"rate": values["requests"] / seconds, "load": max(load, _load())}


def _pgbench(paths: list[str], clients: int, seconds: int) -> dict[str, Any]:
    """The SQL the service runs for these requests, replayed by pgbench (one transaction per
    request: its page of ids, then its rows)."""
    from bench.floor import sql_of_first_page

    scripts = []
    for path in paths:
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as file:
            file.write(";\n".join(sql_of_first_page(path)) + ";\n")
        scripts += ["-f", file.name]
    url = make_url(DATABASE)
    logs = tempfile.mkdtemp()
    command = ["pgbench", "-n", "-h", url.host or "127.0.0.1", "-U", url.username or "postgres",
               "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds),
               "-l", f"--log-prefix={logs}/tx", *scripts,
               url.database or "syria_bench"]  # fmt: skip
    load = _load()
    env = {**os.environ, "PGOPTIONS": session_options()}  # the service's session settings
    subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    latencies = sorted(int(line.split()[2]) for log in Path(logs).iterdir()
                       for line in log.read_text().splitlines())  # fmt: skip
    return {
        "rate": len(latencies) / seconds,
        "p50": latencies[len(latencies) // 2],
        "p95": latencies[int(len(latencies) * 0.95)],
        "p99": latencies[int(len(latencies) * 0.99)],
        "load": max(load, _load()),
    }


def _versus(
    name: str, paths: list[str], clients: int, pgbench: list[str] | None = None
) -> dict[str, Any]:
    """The service and the floor, A B A B, on the same requests; then pgbench."""
    result = _interleaved(name, clients, (PORT, paths), (FLOOR_PORT, paths))
    if pgbench:
        result["pgbench"] = _pgbench(pgbench, clients, SECONDS)
    return result


def _interleaved(
    name: str, clients: int, service: tuple[int, list[str]], other: tuple[int, list[str]]
) -> dict[str, Any]:
    """The service and another server (in the floor's column), warmed up, then A B A B.
    Warming reads every distinct request once (the database's pages they touch are then in
    its cache for both), then runs each server for a few seconds."""
    for port, paths in (service, other):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for path in dict.fromkeys(paths):
                client.get(path)
        _wrk(port, paths, clients, 3)
    runs: dict[str, list[dict[str, Any]]] = {"service": [], "floor": []}
    for _ in range(2):
        runs["service"].append(_wrk(*service, clients, SECONDS))
        runs["floor"].append(_wrk(*other, clients, SECONDS))
    result: dict[str, Any] = {name_: _combined(found) for name_, found in runs.items()}
    result["ratio"] = result["service"]["rate"] / result["floor"]["rate"]
    result["name"] = name
    print(name, json.dumps(result, default=str))
    return result


def _combined(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Two runs as one figure: the mean rate and percentiles, the highest load."""
    keys = ("rate", "p50", "p95", "p99")
    combined = {key: statistics.mean(run[key] for run in runs) for key in keys}
    return combined | {"load": max(run["load"] for run in runs),
                       "rates": [run["rate"] for run in runs]}  # fmt: skip


def _versus_datasette(path: str) -> list[dict[str, Any]]:
    """The actor-and-year page on SQLite (1,000,000 incidents), the service (1 worker, its
    default, then 2) against Datasette on the same file running the same page as one SQL query
    (the page's ids, then those incidents with their actors as JSON), A B A B."""
    url = f"sqlite:///{SQLITE_FILE}"
    if not SQLITE_FILE.exists():
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "bench.datagen", "--incidents", str(ROWS),
                        "--statements", "1000"], check=True, env=env)  # fmt: skip
    upgrade(build_engine(url))
    if not (DATASETTE_VENV / "bin" / "datasette").exists():
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        subprocess.run([DATASETTE_VENV / "bin" / "pip", "install", "--quiet", DATASETTE],
                       check=True)  # fmt: skip
    query = f"/{SQLITE_FILE.stem}.json?_shape=array&sql={quote(_datasette_sql(url, path))}"
    datasette = subprocess.Popen(
        [DATASETTE_VENV / "bin" / "datasette", "serve", str(SQLITE_FILE), "--port",
         str(DATASETTE_PORT), "--setting", "sql_time_limit_ms", "10000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    results = []
    try:
        for workers in ("1", "2"):
            service = _start([sys.executable, "-m", "app", "serve"], PORT,
                             {**SERVICE_ENV, "DATABASE_URL": url, "WORKERS": workers})  # fmt: skip
            try:
                _same_ids(path, query)
                name = (f"SQLite: incidents by actor and a year, the service ({workers} "
                        f"worker{'s' if workers == '2' else ''}) against Datasette 0.65 (one "
                        "process, in the floor's column), 16 clients")  # fmt: skip
                results.append(_interleaved(name, 16, (PORT, [path]),
                                            (DATASETTE_PORT, [query])))  # fmt: skip
            finally:
                service.terminate()
                service.wait(timeout=30)
    finally:
        datasette.terminate()
        datasette.wait(timeout=30)
    return results


def _datasette_sql(url: str, path: str) -> str:
    """The page as one query: the service's own page of ids, then those incidents with their
    fields and their actors (id, name, role, attribution) as JSON."""
    from sqlalchemy.orm import Session

    from app.incidents.repository import IncidentRepository
    from app.incidents.schemas import IncidentQuery
    from bench.floor import _params

    query = IncidentQuery.model_validate(_params(IncidentQuery, path.partition("?")[2]))
    with Session(build_engine(url)) as session:
        page = IncidentRepository(session).page_statement(query).subquery()
        ids = select(next(iter(page.c))).compile(
            session.get_bind(), compile_kwargs={"literal_binds": True}
        )
    actors = ("SELECT json_group_array(json_object('actor_id', a.actor_id, 'actor_name', n.name, "
              "'role', a.role, 'attribution', a.attribution)) FROM incident_actors a "
              "JOIN actors n ON n.id = a.actor_id WHERE a.incident_id = incidents.id")  # fmt: skip
    return (
        f"SELECT incidents.*, ({actors}) AS actors FROM incidents "
        f"WHERE incidents.id IN ({ids}) "
        f"ORDER BY incidents.start_date, incidents.id LIMIT {query.limit}"
    )


def _same_ids(path: str, query: str) -> None:
    ours = [row["id"].replace("-", "") for row in httpx.get(BASE + path, timeout=60).json()["data"]]
    theirs = httpx.get(f"http://127.0.0.1:{DATASETTE_PORT}{query}", timeout=60).json()
    if ours != [row["id"] for row in theirs]:
        raise RuntimeError("Datasette's page is not the service's")


def _other_lists() -> list[tuple[str, float]]:
    """Every other list the README shows, its first page's SQL alone: the median execution
    time PostgreSQL reports (EXPLAIN ANALYZE) of five runs, after one to warm the cache."""
    from bench.floor import sql_of_first_page, sql_of_stats

    engine = build_engine(DATABASE)  # the service's session settings
    with engine.connect() as connection:
        session = a_session(connection)
    busy, year = quote(actor_name(3)), "from=2016-01-01&to=2016-12-31"
    paths = [f"/v1/incidents?{query}" for query in (
        "place=place%201999", "place=Idlib", "governorate=Idlib", "bbox=36.1,33.4,36.4,33.6",
        "near=33.5,36.3&radius_km=10", "type=siege", "verification=confirmed",
        f"session={session}", "updated_since=2100-01-01T00:00:00Z", "sort=-killed",
    )] + [f"/v1/statements?{query}" for query in (
        f"speaker={busy}", f"target={busy}", "type=accuse", f"session={session}",
        "updated_since=2100-01-01T00:00:00Z",
    )]  # fmt: skip
    timed = [(path, sql_of_first_page(path)) for path in paths]
    for query in (f"actor={busy}&{year}", f"governorate=Idlib&{year}"):
        query = f"group_by=month,type&{query}"
        timed.append((f"/v1/stats/incidents?{query}", [sql_of_stats(query)]))
    with engine.connect() as connection:
        return [(path, _median_execution(connection, statements)) for path, statements in timed]


def _median_execution(connection: Any, statements: list[str]) -> float:
    """Milliseconds: the median over five runs of the statements' summed execution times."""
    totals = []
    for _ in range(6):
        total = 0.0
        for sql in statements:
            (plan,) = connection.execute(text("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)).scalar()
            total += plan["Execution Time"]
        totals.append(total)
    return statistics.median(totals[1:])


def _deep_page() -> tuple[str, str, str, str]:
    first = "/v1/incidents?limit=50"
    cursor = None
    with httpx.Client(base_url=BASE, timeout=30) as client:
        for _ in range(999):
            cursor = client.get(first + (f"&cursor={cursor}" if cursor else "")).json()[
                "next_cursor"
            ]
    deep = f"{first}&cursor={cursor}"
    first_page = _wrk(PORT, [first], 1, 10)
    deep_page = _wrk(PORT, [deep], 1, 10)
    ratio = deep_page["p50"] / first_page["p50"]
    figure = (f"first page median {first_page['p50'] / 1000:.1f} ms, 1,000th page median "
              f"{deep_page['p50'] / 1000:.1f} ms: ratio {ratio:.2f}")  # fmt: skip
    return (
        "The 1,000th page against the first",
        "ratio <= 1.5",
        figure + _verdict(ratio <= 1.5),
        f"wrk -t1 -c1 -d10s {deep}",
    )


def _stats() -> tuple[str, str, str, str]:
    timings = []
    with httpx.Client(base_url=BASE, timeout=60) as client:
        for _ in range(5):
            started = time.perf_counter()
            assert client.get("/v1/stats/incidents?group_by=month,type").status_code == 200
            timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    figure = f"median {median * 1000:.0f} ms, slowest {max(timings) * 1000:.0f} ms (5 runs)"
    return (
        "Stats by month and type over all incidents",
        "< 1 s",
        figure + _verdict(max(timings) < 1),
        "GET /v1/stats/incidents?group_by=month,type",
    )


def _csv_export(server: subprocess.Popen[bytes]) -> tuple[str, str, str, str]:
    workers = _children(server.pid)
    before = sum(_rss(pid) for pid in workers)
    peak = [before]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], sum(_rss(pid) for pid in workers))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.perf_counter()
    rows = 0
    with httpx.stream("GET", f"{BASE}/v1/incidents?format=csv", timeout=None) as response:
        for _ in response.iter_lines():
            rows += 1
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    rate = (rows - 1) / elapsed
    growth = (peak[0] - before) / 1024
    figure = (
        f"{rows - 1:,} rows in {elapsed:.1f} s: {rate:,.0f} rows/s; "
        f"server memory growth {growth:.0f} MB"
    )
    met = rate > 50_000 and growth < 100
    return (
        "CSV export of every incident",
        "> 50,000 rows/s, < 100 MB growth",
        figure + _verdict(met),
        "GET /v1/incidents?format=csv",
    )


def _children(pid: int) -> list[int]:
    found = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        found += _children(int(child))
    return found


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _verdict(met: bool) -> str:
    return " — met" if met else " — **not met**"


def _write(
    results: list[dict[str, Any]],
    others: list[tuple[str, str, str, str]],
    lists: list[tuple[str, float]],
) -> None:
    lines = [
        "| Request | The service | Raw floor | pgbench (SQL alone) | Service / floor |",
        "| --- | --- | --- | --- | --- |",
    ]
    for result in results:
        sql = _figure(result["pgbench"], "tx/s") if "pgbench" in result else ""
        lines.append(f"| {result['name']} | {_figure(result['service'], 'req/s')} | "
                     f"{_figure(result['floor'], 'req/s')} | {sql} | "
                     f"{result['ratio']:.2f} |")  # fmt: skip
    other = ["| Measure | Goal | Result | Command |", "| --- | --- | --- | --- |"]
    other += [f"| {name} | {goal} | {figure} | `{command}` |"
              for name, goal, figure, command in others]  # fmt: skip
    listed = ["| Every other list's first page (50) | SQL alone, median of 5 (goal < 50 ms) |",
              "| --- | --- |"]  # fmt: skip
    listed += [f"| `{path}` | {ms:.1f} ms{_verdict(ms < 50)} |" for path, ms in lists]
    kept = separate_sections(RESULTS.read_text() if RESULTS.exists() else "")
    RESULTS.write_text(
        "# Benchmark results\n\n"
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `make bench` "
        "(`python -m bench.run`) on this 2-core machine: PostgreSQL, the service (2 workers), "
        "the floor (2 workers) and wrk or pgbench all on it; 1,000,000 incidents and "
        "1,000,000 statements from `bench/datagen.py` (seed 2017). Each figure is two runs of "
        f"{SECONDS} s, interleaved service, floor, service, floor; `load` is the highest "
        "1-minute load average seen around a scenario's runs. The floor answers with the "
        "service's very bytes (checked before the runs).\n\n"
        + "\n".join(lines)
        + "\n\n"
        + "\n".join(other)
        + "\n\n"
        + "\n".join(listed)
        + "\n"
        + NOTES
        + kept
    )
    print("\n".join([*lines, "", *other, "", *listed]))


def _figure(result: dict[str, Any], unit: str) -> str:
    rates = result.get("rates")
    runs = f" ({' and '.join(f'{rate:,.0f}' for rate in rates)})" if rates else ""
    return (f"{result['rate']:,.0f} {unit}{runs}, p50 {result['p50'] / 1000:.1f} ms, "
            f"p95 {result['p95'] / 1000:.1f} ms, p99 {result['p99'] / 1000:.1f} ms, "
            f"load {result['load']:.1f}")  # fmt: skip


NOTES = (HERE / "NOTES.md").read_text()  # what the changes bought, written by hand


if __name__ == "__main__":
    main()
