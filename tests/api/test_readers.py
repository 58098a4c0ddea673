"""Slow and greedy readers, against the service as it really runs (a server process and real
sockets): stalled exports never starve ordinary requests of database connections."""

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.servers import served

STALL_SECONDS = 3
EXPORT = "/v1/incidents?format=ndjson"


@pytest.fixture
def server(big_corpus, tmp_path) -> Iterator[tuple[str, int]]:
    """The test's own server on the 100,000-incident corpus (exports far larger than any
    socket's buffers): its base URL and port."""
    engine, _ = big_corpus
    env = {
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "EXPORT_STALL_SECONDS": str(STALL_SECONDS),
        "EXPORTS_AT_ONCE": "4",
        "EXPORTS_PER_ADDRESS": "2",
        "DATABASE_POOL_SIZE": "5",
        "RATE_LIMIT_ANONYMOUS": "0",
    }
    with served(env, tmp_path / "server.log") as base_url:
        yield base_url, int(base_url.rsplit(":", 1)[1])


def stalled_reader(
    port: int, address: str, path: str = EXPORT, accept: str = "*/*"
) -> tuple[socket.socket, int]:
    """A client from `address` that asks for an export, reads 2 KB of the answer and stops
    reading: its socket and the status it got."""
    reader = socket.socket()
    reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    reader.bind((address, 0))
    reader.connect(("127.0.0.1", port))
    reader.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\nAccept: {accept}\r\n\r\n".encode())
    received = b""
    while b"\r\n" not in received:
        received += reader.recv(2048)
    return reader, int(received.split(b" ", 2)[1])


def test_32_stalled_export_readers_leave_ordinary_reads_answering(server):
    base_url, port = server
    readers = [stalled_reader(port, "127.0.0.40") for _ in range(2)]
    readers.append(stalled_reader(port, "127.0.0.40", "/v1/incidents", accept="text/csv"))
    readers += [stalled_reader(port, f"127.0.1.{n // 2}") for n in range(29)]
    try:
        statuses = [status for _, status in readers]
        assert statuses[:3] == [200, 200, 429]
        assert statuses.count(200) == 4
        assert statuses.count(503) == 27
        with httpx.Client(base_url=base_url, timeout=1.0) as client:
            for _ in range(10):
                assert client.get("/v1/incidents", params={"limit": 20}).status_code == 200
                assert client.get("/v1/actors").status_code == 200
    finally:
        for reader, _ in readers:
            reader.close()


def test_a_stalled_reader_is_cut_off_and_its_place_freed(server):
    _, port = server
    readers = [stalled_reader(port, f"127.0.2.{n}") for n in range(4)]
    try:
        assert [status for _, status in readers] == [200] * 4
        refused, status = stalled_reader(port, "127.0.2.9")
        refused.close()
        assert status == 503
        time.sleep(STALL_SECONDS + 2)
        late, status = stalled_reader(port, "127.0.2.10")
        late.close()
        assert status == 200
    finally:
        for reader, _ in readers:
            reader.close()


def test_no_banner_names_the_software(server):
    base_url, _ = server
    response = httpx.get(f"{base_url}/v1/actors")
    assert response.status_code == 200
    assert "server" not in response.headers
