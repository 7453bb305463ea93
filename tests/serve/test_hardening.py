"""The endpoint stays up for everyone: idle and slow connections time out and never hold a parse slot,
hostile XML is refused before the expensive work, unknown paths are 404, never a dropped connection."""
from __future__ import annotations

import threading
import time
import warnings

import httpx
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from dsp.duis.codec import describe
from harness.serve.app import create_app
from harness.serve.endpoint import DuisEndpoint, EndpointConfig
from harness.serve.http_server import ServerLimits
from harness.serve.rtds_world import build_served_world
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.serve.live import closed_within, live_server, open_socket, slow_body_head

VALID = request("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML")  # CV 4: /api/v1/serviceT
XML = {"content-type": "application/xml"}


def endpoint(**config) -> DuisEndpoint:
    return DuisEndpoint(build_served_world("mp105"), EndpointConfig(schema=XSD_DIR, **config))


def ask(base: str, body: bytes = VALID, path: str = "/api/v1/serviceT") -> tuple[int, float, bytes]:
    started = time.perf_counter()
    answer = httpx.post(base + path, content=body, headers=XML, timeout=30)
    return answer.status_code, time.perf_counter() - started, answer.content


# --- in process ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/service%00S", "/api/v1/serviceS%0d%0aX-Evil:%201", "/elsewhere"])
def test_unknown_paths_answer_404_in_one_line(path):
    """A path with %00 dropped the connection: the reason went into a header, where h11 refuses a NUL."""
    answer = TestClient(create_app(endpoint())).post(path, content=VALID, headers=XML)
    assert answer.status_code == 404 and answer.text.count("\n") <= 1
    assert "\x00" not in answer.text and "X-Evil" not in answer.headers


def test_deep_nesting_inside_a_signature_is_a_400_not_a_500():
    nested = b"<a>" * 330 + b"</a>" * 330
    body = request("11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML").replace(
        b"</ds:KeyInfo>", b"</ds:KeyInfo><ds:Object>" + nested + b"</ds:Object>")
    answer = TestClient(create_app(endpoint())).post("/api/v1/serviceD", content=body, headers=XML)
    assert answer.status_code == 400 and "nested more than 64 deep" in answer.text


def test_a_hostile_header_is_refused_in_milliseconds_over_http():
    attributes = " ".join(f'a{i}="x"' for i in range(16_000))
    client = TestClient(create_app(endpoint()))
    started = time.perf_counter()
    answer = client.post("/api/v1/serviceT", content=VALID.replace(b"<sr:Header>", f"<sr:Header {attributes}>".encode()),
                         headers=XML)
    assert answer.status_code == 400 and "16000 attributes" in answer.text and time.perf_counter() - started < 0.5


def test_large_bodies_arriving_at_once_are_bounded_and_the_rest_are_told_to_retry():
    served = endpoint(bodies_in_flight_bytes=3 << 20)
    with live_server(served) as base:
        trickling = [open_socket(base, slow_body_head(length=2 << 20)) for _ in range(1)]
        time.sleep(0.3)
        status, _, body = ask(base, VALID + b" " * (2 << 20))  # 2 MiB more would pass the 3 MiB bound
        assert status == 503 and b"try again" in body
        assert ask(base)[0] == 200  # a small body is never refused
        for connection in trickling:
            connection.close()


# --- on a socket -------------------------------------------------------------------------------------


def test_seventy_idle_connections_and_four_slow_bodies_do_not_delay_a_valid_request():
    """70 idle TCP connections: every request got 503 for over a minute. 4 bodies trickled at 1 byte/s:
    a valid request waited 28 s, because the body was read inside the 4-slot parse semaphore."""
    with live_server(endpoint()) as base:
        assert ask(base)[0] == 200  # the schema is loaded
        idle = [open_socket(base) for _ in range(70)]
        slow = [open_socket(base, slow_body_head()) for _ in range(4)]
        stop = threading.Event()

        def trickle() -> None:
            while not stop.wait(1.0):
                for connection in slow:
                    try:
                        connection.send(b"a")
                    except OSError:
                        pass

        threading.Thread(target=trickle, daemon=True).start()
        try:
            time.sleep(1.5)
            for _ in range(3):
                status, seconds, body = ask(base)
                assert status == 200 and seconds < 1.0, (status, seconds)
                assert describe(body)["response_code"] in ("I99", "I0")
        finally:
            stop.set()
            for connection in idle + slow:
                connection.close()


def test_a_connection_that_sends_no_request_or_trickles_its_head_is_closed_with_408():
    with live_server(endpoint(), ServerLimits(header_seconds=1.0)) as base:
        silent = open_socket(base)
        trickling = open_socket(base, b"POST /api/v1/serviceT HTTP/1.1\r\n")
        started = time.monotonic()
        for _ in range(3):
            time.sleep(0.4)
            trickling.send(b"x")  # a byte now and then never extends the deadline
        for connection in (silent, trickling):
            closed, sent = closed_within(connection, 3.0)
            assert closed and sent.startswith(b"HTTP/1.1 408"), sent
        assert time.monotonic() - started < 3.0


def test_an_idle_keep_alive_connection_is_closed():
    with live_server(endpoint(), ServerLimits(keep_alive_seconds=1.0)) as base:
        connection = open_socket(base, b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n")
        closed, sent = closed_within(connection, 4.0)
        assert closed and sent.startswith(b"HTTP/1.1 200")


def test_a_body_that_stalls_past_its_deadline_is_answered_408():
    with live_server(endpoint(read_timeout=1.0)) as base:
        connection = open_socket(base, slow_body_head())
        closed, sent = closed_within(connection, 4.0)
        assert sent.startswith(b"HTTP/1.1 408") and b"did not arrive within 1 s" in sent


def test_a_nul_in_the_path_is_answered_404_over_the_wire_not_dropped():
    with live_server(endpoint()) as base:
        status, _, body = ask(base, path="/api/v1/service%00S")
        assert status == 404 and b"unknown path /api/v1/service\\x00S" in body
