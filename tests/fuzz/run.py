"""Run Schemathesis against the service as it really runs: a uvicorn server on a fresh
database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set) holding the demo data.

    python -m tests.fuzz.run     (or `make fuzz`)
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.databases import fresh_database_url

HERE = Path(__file__).parent
STARTUP_SECONDS = 30


def main() -> int:
    with fresh_database_url() as url:
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "PORT": str(port),
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
            with log.open("w") as output:
                server = subprocess.Popen(
                    [sys.executable, "-m", "app", "serve"], env=env, stdout=output, stderr=output
                )
            try:
                _wait_until_up(port)
                return _schemathesis(port, env, scratch)
            finally:
                server.terminate()
                server.wait(timeout=10)
                _show_errors(log)


def _app(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "app", *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def _show_errors(log: Path) -> None:
    """The server's own complaints (tracebacks, warnings), without its access log."""
    errors = [line for line in log.read_text().splitlines() if not line.startswith("INFO")]
    if errors:
        print("== server log ==", *errors, sep="\n")


def _schemathesis(port: int, env: dict[str, str], scratch: str) -> int:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        f"http://127.0.0.1:{port}/openapi.json",
    ]
    hooks_env = {**env, "PYTHONPATH": str(HERE)}
    # Run in a scratch directory: Schemathesis and Hypothesis keep their caches where they run.
    return subprocess.run(command, env=hooks_env, cwd=scratch, check=False).returncode


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not come up on port {port}")


if __name__ == "__main__":
    sys.exit(main())
