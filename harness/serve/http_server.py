"""The HTTP server under `sm-harness serve`: uvicorn, with deadlines so that no connection can hold the
endpoint for long.

- A request's head (request line and headers) must arrive within `ServerLimits.header_seconds` of the
  connection opening or of its previous response; otherwise the connection is answered 408 and closed.
  uvicorn on its own waits for ever for a head that never comes or trickles in a byte at a time, and counts
  every such connection against its concurrency limit, so 70 idle sockets denied everyone with 503s.
- An idle keep-alive connection closes after `keep_alive_seconds` (uvicorn's own timer).
- A request's body must arrive whole within the app's body deadline (harness/serve/app.py), and is read
  before the request takes one of the few parse slots.
- Connections beyond `connections` are answered 503 at once (uvicorn's limit), well below the process's
  file-descriptor limit, which is raised to its hard maximum at start.
"""
from __future__ import annotations

import asyncio
import resource
import socket
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["ServerLimits", "TimelyH11Protocol", "listen", "uvicorn_config"]

_408 = b"HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"


@dataclass(frozen=True)
class ServerLimits:
    header_seconds: float = 10.0  # a request's head, whole
    keep_alive_seconds: float = 5.0  # an idle connection between requests
    connections: int = 1000  # open at once (each idle one costs a few KB until its deadline)
    header_bytes: int = 64 * 1024  # a request's head, in bytes (h11's incomplete-event limit)


class TimelyH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's head."""

    header_seconds = ServerLimits.header_seconds

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()  # the head is in: the body has the app's own deadline

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._arm()  # the next request's head

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.header_seconds, self._head_too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.write(_408)
            self.transport.close()


def uvicorn_config(app: Any, host: str, port: int, limits: ServerLimits = ServerLimits()) -> Any:
    """uvicorn's Config for the endpoint: the protocol above and the limits."""
    import uvicorn

    connections = min(limits.connections, _raise_file_limit() - 64)
    protocol = type("Protocol", (TimelyH11Protocol,), {"header_seconds": limits.header_seconds})
    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", http=protocol, lifespan="on",
        limit_concurrency=max(16, connections), timeout_keep_alive=int(max(1, limits.keep_alive_seconds)),
        h11_max_incomplete_event_size=limits.header_bytes, backlog=2048,
    )


def listen(host: str, port: int, backlog: int = 2048) -> list[socket.socket]:
    """Listening sockets for every address `host` names (as asyncio's create_server binds them), bound
    before anything claims to serve and handed to uvicorn. OSError, naming host:port, if one cannot be."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as error:  # socket.gaierror: a host that is no address of this machine
        raise OSError(f"cannot listen on {where}: {error.strerror or error}") from None
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as error:
                raise OSError(f"cannot listen on {where}: {error.strerror or error}") from None
            sock.listen(backlog)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _raise_file_limit() -> int:
    """Raise this process's open-file limit to its hard maximum; the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        return int(wanted)
    except (ValueError, OSError):
        return int(soft)
