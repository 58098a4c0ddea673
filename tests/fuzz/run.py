"""Run Schemathesis against the service as it really runs: a uvicorn server on a fresh
database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set) holding the demo data.

    python -m tests.fuzz.run     (or `make fuzz`)
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.databases import fresh_database_url
from tests.servers import served

HERE = Path(__file__).parent


def main() -> int:
    with fresh_database_url() as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            # Schemathesis sends thousands of requests a minute; limits have their own tests.
            "RATE_LIMIT_ANONYMOUS": "0",
            "RATE_LIMIT_PER_KEY": "0",
        }
        _app(env, "migrate")
        _app(env, "load-demo")
        token = _app(env, "keys", "create", "--name", "schemathesis", "--scope", "write")
        env["ST_KEY"] = token.strip().splitlines()[-1]
        with tempfile.TemporaryDirectory() as scratch:
            log = Path(scratch) / "server.log"
            try:
                with served(env, log) as base_url:
                    return _schemathesis(base_url, env, scratch)
            finally:
                _show_errors(log)


def _app(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "app", *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def _show_errors(log: Path) -> None:
    """The server's own complaints (tracebacks, warnings), without its access log."""
    errors = [line for line in log.read_text().splitlines() if not line.startswith("INFO")]
    if errors:
        print("== server log ==", *errors, sep="\n")


def _schemathesis(base_url: str, env: dict[str, str], scratch: str) -> int:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        f"{base_url}/openapi.json",
    ]
    hooks_env = {**env, "PYTHONPATH": str(HERE)}
    # Run in a scratch directory: Schemathesis and Hypothesis keep their caches where they run.
    return subprocess.run(command, env=hooks_env, cwd=scratch, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
