"""The endpoint on a real loopback socket, in this process: uvicorn in a thread, with the project's own
server settings (harness/serve/http_server.py), and raw sockets to misbehave with."""
from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

from harness.serve.app import create_app
from harness.serve.endpoint import DuisEndpoint
from harness.serve.http_server import ServerLimits, uvicorn_config


@contextlib.contextmanager
def live_server(endpoint: DuisEndpoint, limits: ServerLimits = ServerLimits()) -> Iterator[str]:
    """Serve `endpoint` on a free loopback port; yields the base URL; stops the server at the end."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn_config(create_app(endpoint), "127.0.0.1", port, limits))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the endpoint did not start within 20 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def port_of(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def open_socket(base: str, send: bytes = b"") -> socket.socket:
    """A raw connection to the server, having sent `send` (nothing: an idle connection)."""
    connection = socket.create_connection(("127.0.0.1", port_of(base)), timeout=5)
    if send:
        connection.sendall(send)
    return connection


def closed_within(connection: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closed `connection` within `seconds`, and what it sent before closing."""
    connection.settimeout(0.2)
    received = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = connection.recv(4096)
        except socket.timeout:
            continue
        except OSError:
            return True, received
        if not chunk:
            return True, received
        received += chunk
    return False, received


def slow_body_head(path: str = "/api/v1/serviceT", length: int = 100_000) -> bytes:
    """The head of a POST whose body will trickle: the request line, headers and the first byte."""
    return (f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/xml\r\n"
            f"content-length: {length}\r\n\r\n<").encode()
