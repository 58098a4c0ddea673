"""SQLite, the embedded default, hardened for a public launch, against the service as it runs
(`python -m app serve`, one worker) on a SQLite file of the demo data and 200,000 generated
incidents (`bench/datagen.py`, seed 2017):

- a newsroom's load: 8 editors creating incidents and 16 readers reading at once, for 30 s,
  every request timed by its client, a refused write (any 5xx) counted;
- big pages: 500 incidents with everything embedded, all of them and a busy actor's, one
  client, the median and worst of several.

    python -m bench.hardening [--seconds 30] [--incidents 200000]

writes the "SQLite writers" and "Big pages" sections of bench/RESULTS.md.
"""

import argparse
import asyncio
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import httpx

from app.core.database import build_engine
from bench.datagen import generate
from bench.results import write_section
from tests.servers import served

WRITERS = 8
READERS = 16
READS = [
    "/v1/incidents?limit=50",
    "/v1/actors?q=Jaafari",
    "/v1/statements?q=ceasefire",
    "/v1/incidents?actor=Hezbollah",
    "/v1/stats/incidents?group_by=month",
]


def _app(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "app", *args]
    done = subprocess.run(command, env={**os.environ, **env}, check=True, capture_output=True)
    return done.stdout.decode()


async def _writer(client: httpx.AsyncClient, number: int, until: float, seen: dict) -> None:
    for count in itertools.count():
        if time.monotonic() >= until:
            return
        body = {
            "type": "shelling",
            "start_date": "2017-02-01",
            "place": {"name": "Wadi Barada", "governorate": "Rif Dimashq"},
            "description": f"Shelling reported by editor {number}, report {count}.",
        }
        started = time.perf_counter()
        response = await client.post("/v1/incidents", json=body)
        seen["write"].append(time.perf_counter() - started)
        seen["write statuses"][response.status_code] += 1


async def _reader(client: httpx.AsyncClient, number: int, until: float, seen: dict) -> None:
    for path in itertools.cycle(READS[number % len(READS) :] + READS[: number % len(READS)]):
        if time.monotonic() >= until:
            return
        started = time.perf_counter()
        response = await client.get(path)
        seen["read"].append(time.perf_counter() - started)
        seen["read statuses"][response.status_code] += 1


async def _load(base_url: str, token: str, seconds: float) -> dict:
    seen: dict = {"write": [], "read": [], "write statuses": Counter(), "read statuses": Counter()}
    until = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=WRITERS + READERS)
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=60) as writer,
        httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as reader,
    ):
        await asyncio.gather(
            *(_writer(writer, n, until, seen) for n in range(WRITERS)),
            *(_reader(reader, n, until, seen) for n in range(READERS)),
        )
    return seen


def _percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def measure(seconds: float, incidents: int) -> tuple[list[str], list[str]]:
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/hardening.db"
        env = {"DATABASE_URL": url, "RATE_LIMIT_ANONYMOUS": "0", "RATE_LIMIT_PER_KEY": "0"}
        _app(env, "migrate")
        _app(env, "load-demo")
        engine = build_engine(url)
        busiest = generate(engine, incidents, 0)[0]
        engine.dispose()
        token = _app(env, "keys", "create", "--name", "bench", "--scope", "write").split()[-1]
        with served(env, Path(scratch) / "server.log") as base_url:
            pages = _big_pages(base_url, busiest)
            load_before = os.getloadavg()[0]
            seen = asyncio.run(_load(base_url, token, seconds))
            load_after = os.getloadavg()[0]
    return _writers_table(seen, seconds, load_before, load_after), pages


BIG_PAGE_RUNS = 7


def _big_pages(base_url: str, busiest: uuid.UUID) -> list[str]:
    """Each big page fetched a few times by one client: median and worst, in ms."""
    lines = ["| Page | Rows | Median | Worst | Load (1 min) |", "| --- | --- | --- | --- | --- |"]
    with httpx.Client(base_url=base_url, timeout=60) as client:
        name = client.get(f"/v1/actors/{busiest}").json()["name"]
        by_name = f"/v1/incidents?actor={quote(name)}&limit=500"
        for path in (
            "/v1/incidents?limit=500",
            f"/v1/incidents?actor={busiest}&limit=500",
            by_name,
        ):
            times, rows = [], 0
            for _ in range(BIG_PAGE_RUNS):
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
                rows = len(response.json()["data"])
            lines.append(
                f"| `{path}` | {rows} | {statistics.median(times) * 1000:.0f} ms | "
                f"{max(times) * 1000:.0f} ms | {os.getloadavg()[0]:.1f} |"
            )
    return lines


def _writers_table(seen: dict, seconds: float, load_before: float, load_after: float) -> list[str]:
    refused = sum(n for status, n in seen["write statuses"].items() if status >= 500)
    writes, reads = seen["write"], seen["read"]
    return [
        "| Writers / readers | Writes (per s) | Refused writes | Write p50 | Write p99 | "
        "Reads (per s) | Read p50 | Read p99 | Load (1 min, before / after) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {WRITERS} / {READERS} | {len(writes):,} ({len(writes) / seconds:.1f}) | {refused} | "
        f"{_percentile(writes, 0.5) * 1000:.0f} ms | {_percentile(writes, 0.99) * 1000:.0f} ms | "
        f"{len(reads):,} ({len(reads) / seconds:.1f}) | {_percentile(reads, 0.5) * 1000:.0f} ms | "
        f"{_percentile(reads, 0.99) * 1000:.0f} ms | {load_before:.1f} / {load_after:.1f} |",
        "",
        f"Write statuses: {dict(sorted(seen['write statuses'].items()))}; read statuses: "
        f"{dict(sorted(seen['read statuses'].items()))}.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--incidents", type=int, default=200_000)
    args = parser.parse_args()
    writers, pages = measure(args.seconds, args.incidents)
    print("\n".join([*writers, "", *pages]))
    command = f"python -m bench.hardening --seconds {args.seconds:.0f} --incidents {args.incidents}"
    corpus = (
        f"one worker on a SQLite file of the demo data and {args.incidents:,} generated incidents"
    )
    writers_text = (
        f"{WRITERS} clients creating incidents (with a `write` key) and {READERS} reading "
        f"({', '.join(f'`{path}`' for path in READS)}, in turn), closed loops for "
        f"{args.seconds:.0f} s, against {corpus}; the clients (Python, httpx) share this "
        "2-core machine with the server. Goal: no refused write, write p99 under 1 s.\n\n"
        + "\n".join(writers)
    )
    pages_text = (
        f"one client, {BIG_PAGE_RUNS} requests of each page (everything embedded: actors, "
        f"citations, casualties), against {corpus}, the busiest actor's page by its id and by "
        "its name. Goal: under 1 s.\n\n" + "\n".join(pages)
    )
    write_section("writers", "SQLite writers", command, writers_text)
    write_section("big-pages", "Big pages on SQLite", command, pages_text)


if __name__ == "__main__":
    main()
