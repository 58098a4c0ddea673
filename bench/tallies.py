"""`count=true` and `facet=` at a million rows: the service (one worker) on the PostgreSQL
corpus of `make bench` (1,000,000 incidents and statements, `bench/datagen.py`, seed 2017), one
client, each request several times: the median and the worst, against the goal of 300 ms.

    python -m bench.tallies [--runs 7]

writes the "Counts and facets" section of bench/RESULTS.md (between its markers).
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from bench.results import write_section
from bench.run import DATABASE
from tests.servers import served

GOAL_MS = 300


def _requests(busiest_actor: str) -> list[str]:
    actor = quote(busiest_actor)
    return [
        "/v1/incidents?count=true&limit=1",
        "/v1/incidents?facet=type&limit=1",
        "/v1/incidents?facet=governorate&limit=1",
        "/v1/incidents?facet=type&facet=governorate&count=true&limit=1",
        f"/v1/incidents?actor={actor}&count=true&facet=type&facet=governorate&limit=1",
        "/v1/incidents?from=2016-01-01&to=2016-12-31&count=true&facet=type&limit=1",
        "/v1/statements?facet=speaker&facet=type&count=true&limit=1",
    ]


def measure(runs: int) -> list[str]:
    env = {"DATABASE_URL": DATABASE, "RATE_LIMIT_ANONYMOUS": "0", "RATE_LIMIT_PER_KEY": "0"}
    with (
        tempfile.TemporaryDirectory() as scratch,
        served(env, Path(scratch) / "server.log") as base_url,
        httpx.Client(base_url=base_url, timeout=120) as client,
    ):
        busiest = client.get("/v1/incidents?facet=actor&limit=1").json()["facets"]["actor"]
        timed = [_timed(client, path, runs) for path in _requests(busiest[0]["value"])]
    return [
        "| Request | Median | Worst | Count | Load (1 min) |",
        "| --- | --- | --- | --- | --- |",
        *timed,
    ]


def _timed(client: httpx.Client, path: str, runs: int) -> str:
    times, body = [], {}
    for _ in range(runs):
        started = time.perf_counter()
        body = client.get(path).json()
        times.append(time.perf_counter() - started)
    median = statistics.median(times) * 1000
    verdict = "met" if median < GOAL_MS else "**not met**"
    count = body.get("count")
    counted = f"{count['value']:,} ({'exact' if count['exact'] else 'estimate'})" if count else ""
    return (
        f"| `{path}` | {median:.0f} ms ({verdict}) | {max(times) * 1000:.0f} ms | {counted} | "
        f"{os.getloadavg()[0]:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    lines = measure(args.runs)
    print("\n".join(lines))
    text = (
        f"the service (one worker) on the PostgreSQL corpus of `make bench`, one client, each "
        f"request {args.runs} times (median and worst). Goal: under {GOAL_MS} ms.\n\n"
        + "\n".join(lines)
    )
    write_section(
        "tallies", "Counts and facets", f"python -m bench.tallies --runs {args.runs}", text
    )


if __name__ == "__main__":
    main()
