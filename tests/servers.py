"""The service as it really runs: `python -m app serve` in a process of its own."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

STARTUP_SECONDS = 30


@contextmanager
def served(env: dict[str, str], log: Path) -> Iterator[str]:
    """A server on a free port with these settings (added to this process's environment),
    writing its log to `log`: its base URL, until the block ends."""
    port = free_port()
    settings = {**os.environ, **env, "PORT": str(port)}
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "app", "serve"], env=settings, stdout=output, stderr=output
        )
    try:
        wait_until_up(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not come up on port {port}")
