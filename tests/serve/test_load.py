"""The loopback load test: 8 clients for 20 s against a real `sm-harness serve`, first alone, then with 70
idle connections and 4 bodies trickled at a byte a second held open the whole time (reopened as the
server closes them); a valid request on a fresh connection is answered within 1 s throughout. Throughput
and p50/p99 are printed for both runs."""
from __future__ import annotations

import contextlib
import select
import socket
import statistics
import subprocess
import threading
import time

import httpx
import pytest

from tests.duis.duis_fixtures import XSD_DIR, request
from tests.serve.live import port_of, slow_body_head
from tests.serve.process import serve_process

CLIENTS, SECONDS = 8, 20.0
XML = {"content-type": "application/xml"}
WORK = [("serviceD", request("8.2_READ_INVENTORY_REQUEST_DUIS.XML")),
        ("serviceS", request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"))]


@contextlib.contextmanager
def serving():
    with serve_process("--schema", str(XSD_DIR), stderr=subprocess.DEVNULL) as (base, _):
        yield base, port_of(base)


def load(base: str) -> dict[str, float]:
    """CLIENTS threads posting valid requests for SECONDS; requests per second and latency percentiles."""
    latencies: list[float] = []
    failures: list[int] = []
    stop = time.monotonic() + SECONDS

    def client(number: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as session:
            n = number
            while time.monotonic() < stop:
                path, body = WORK[n % len(WORK)]
                n += 1
                started = time.perf_counter()
                answer = session.post(f"/api/v1/{path}", content=body, headers=XML)
                latencies.append(time.perf_counter() - started)
                if answer.status_code != 200:
                    failures.append(answer.status_code)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:10]
    cuts = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "per_second": len(latencies) / SECONDS, "p50_ms": cuts[49] * 1000,
            "p99_ms": cuts[98] * 1000}


class Attack:
    """70 idle connections and 4 slow bodies, kept open: each one the server closes is opened again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.stop = threading.Event()
        self.reopened = 0
        self.idle = [self._open(b"") for _ in range(70)]
        self.slow = [self._open(slow_body_head()) for _ in range(4)]
        self.thread = threading.Thread(target=self._keep_up, daemon=True)
        self.thread.start()

    def _open(self, first: bytes) -> socket.socket:
        connection = socket.create_connection(("127.0.0.1", self.port))
        if first:
            connection.sendall(first)
        return connection

    def _closed(self, connection: socket.socket) -> bool:
        readable, _, _ = select.select([connection], [], [], 0)
        if not readable:
            return False
        try:
            return connection.recv(4096) == b"" or True  # an answer (408) or the close: the server let it go
        except OSError:
            return True

    def _keep_up(self) -> None:
        while not self.stop.wait(1.0):
            for pool, first in ((self.idle, b""), (self.slow, slow_body_head())):
                for i, connection in enumerate(pool):
                    if self._closed(connection):
                        connection.close()
                        pool[i] = self._open(first)
                        self.reopened += 1
            for connection in self.slow:
                with contextlib.suppress(OSError):
                    connection.send(b"a")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        for connection in self.idle + self.slow:
            connection.close()


def probe(base: str, stop: threading.Event, seen: list[float]) -> None:
    """A valid request on a fresh connection every half second, its latency kept."""
    path, body = WORK[0]
    while not stop.wait(0.5):
        started = time.perf_counter()
        answer = httpx.post(f"{base}/api/v1/{path}", content=body, headers=XML, timeout=30)
        seen.append(time.perf_counter() - started if answer.status_code == 200 else float("inf"))


@pytest.mark.slow
def test_eight_clients_for_20_s_alone_and_under_idle_and_slow_connections():
    with serving() as (base, port):
        for path, body in WORK:  # warm
            assert httpx.post(f"{base}/api/v1/{path}", content=body, headers=XML, timeout=30).status_code == 200
        alone = load(base)
        attack = Attack(port)
        stop, probes = threading.Event(), []
        prober = threading.Thread(target=probe, args=(base, stop, probes))
        prober.start()
        try:
            attacked = load(base)
        finally:
            stop.set()
            prober.join()
            attack.close()
    for name, run in (("alone", alone), ("with 70 idle + 4 slow", attacked)):
        print(f"\nload {name}: {CLIENTS} clients x {SECONDS:.0f} s: {run['requests']} requests, {run['per_second']:.0f}/s, "
              f"p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms")
    print(f"probe on a fresh connection during the attack: {len(probes)} requests, slowest {max(probes) * 1000:.0f} ms; "
          f"attacking connections reopened {attack.reopened} times")
    assert len(probes) >= 15 and max(probes) < 1.0
    assert attacked["per_second"] > 0.5 * alone["per_second"]
