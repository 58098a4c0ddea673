"""The benchmark: one command (`make bench`) on PostgreSQL, with the server and the database on
this machine and the load from a second process (wrk). Writes bench/RESULTS.md.

BENCH_DATABASE_URL names the database (default: syria_bench on the local server); it is filled
with 1,000,000 incidents and 1,000,000 statements (bench/datagen.py) unless it holds them.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.datagen import actor_name

ROWS = 1_000_000
PORT = 8100
BASE = f"http://127.0.0.1:{PORT}"
HERE = Path(__file__).parent
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
    server = _start_server()
    try:
        results = [
            _actor_and_dates(),
            _deep_page(),
            _full_text("common words, each in 1-4% of statements", 30),
            _full_text("rarer words, each in 0.1-0.3% of statements", 1000),
            _one_client(),
            _stats(),
            _csv_export(server),
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    _write(results)


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


def _start_server() -> subprocess.Popen[bytes]:
    # wrk is one address sending thousands of requests: the rate limit would measure itself.
    env = {**os.environ, "DATABASE_URL": DATABASE, "PORT": str(PORT), "WORKERS": "2",
           "DATABASE_POOL_SIZE": "10", "RATE_LIMIT_ANONYMOUS": "0"}  # fmt: skip
    server = subprocess.Popen([sys.executable, "-m", "app", "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    for _ in range(100):
        try:
            if httpx.get(f"{BASE}/health").status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _wrk(paths: list[str], connections: int, seconds: int) -> dict[str, float]:
    script = PERCENTILES + (ROTATE % ", ".join(f'"{p}"' for p in paths) if len(paths) > 1 else "")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    command = ["wrk", f"-t{min(connections, 2)}", f"-c{connections}", f"-d{seconds}s",
               "-s", file.name, BASE + paths[0]]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    values = dict(part.split("=") for part in line.split()[1:])
    return {key: float(value) for key, value in values.items()} | {"command": " ".join(command)}


def _actor_and_dates() -> tuple[str, str, str, str]:
    path = f"/v1/incidents?actor={quote(actor_name(0))}&from=2016-01-01&to=2016-12-31&limit=50"
    _wrk([path], 16, 5)  # warm up
    result = _wrk([path], 16, 30)
    figure = (
        f"median {result['p50'] / 1000:.1f} ms, p99 {result['p99'] / 1000:.1f} ms "
        f"({result['requests']:.0f} requests, {result['errors']:.0f} errors)"
    )
    goal = "median < 15 ms, p99 < 60 ms"
    met = result["p50"] < 15_000 and result["p99"] < 60_000
    return (
        "Incidents by the most frequent actor and a year, 16 clients",
        goal,
        figure + _verdict(met),
        result["command"],
    )


def _deep_page() -> tuple[str, str, str, str]:
    first = "/v1/incidents?limit=50"
    cursor = None
    with httpx.Client(base_url=BASE, timeout=30) as client:
        for _ in range(999):
            cursor = client.get(first + (f"&cursor={cursor}" if cursor else "")).json()[
                "next_cursor"
            ]
    deep = f"{first}&cursor={cursor}"
    first_page = _wrk([first], 1, 10)
    deep_page = _wrk([deep], 1, 10)
    ratio = deep_page["p50"] / first_page["p50"]
    figure = (f"first page median {first_page['p50'] / 1000:.1f} ms, 1,000th page median "
              f"{deep_page['p50'] / 1000:.1f} ms: ratio {ratio:.2f}")  # fmt: skip
    return (
        "The 1,000th page against the first",
        "ratio <= 1.5",
        figure + _verdict(ratio <= 1.5),
        deep_page["command"],
    )


def _full_text(words: str, first: int) -> tuple[str, str, str, str]:
    from bench.datagen import VOCABULARY

    paths = [f"/v1/statements?q={quote(word)}" for word in VOCABULARY[first : first + 100]]
    _wrk(paths, 16, 5)
    result = _wrk(paths, 16, 30)
    figure = (
        f"p95 {result['p95'] / 1000:.1f} ms, median {result['p50'] / 1000:.1f} ms "
        f"({result['requests']:.0f} requests over 100 different words)"
    )
    return (
        f"Full-text `q` on statements, 16 clients, {words}",
        "p95 < 100 ms",
        figure + _verdict(result["p95"] < 100_000),
        result["command"],
    )


def _one_client() -> tuple[str, str, str, str]:
    """The same requests from a single client: what one request costs without queueing."""
    from bench.datagen import VOCABULARY

    actor = quote(actor_name(0))
    paths = {
        "actor and year": f"/v1/incidents?actor={actor}&from=2016-01-01&to=2016-12-31",
        "rarer word": f"/v1/statements?q={VOCABULARY[1050]}",
        "common word": f"/v1/statements?q={VOCABULARY[50]}",
    }
    medians = {name: _wrk([path], 1, 5)["p50"] / 1000 for name, path in paths.items()}
    figure = ", ".join(f"{name} {median:.1f} ms" for name, median in medians.items())
    return ("The same, one client at a time (median)", "context", figure, "wrk -t1 -c1 -d5s ...")


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


def _write(results: list[tuple[str, str, str, str]]) -> None:
    lines = ["| Measure | Goal | Result | Command |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {name} | {goal} | {figure} | `{command}` |" for name, goal, figure, command in results
    ]
    body = "\n".join(lines)
    (HERE / "RESULTS.md").write_text(
        "# Benchmark results\n\n"
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `make bench` "
        "(`python -m bench.run`) on this 2-core machine: PostgreSQL, the server (2 workers) and "
        "wrk all on it; 1,000,000 incidents and 1,000,000 statements from `bench/datagen.py` "
        "(seed 2017).\n\n" + body + "\n"
    )
    print(body)


if __name__ == "__main__":
    main()
