"""`sm-harness serve` as a real process on a loopback port, with a receiver standing in for the
Service User's delivery endpoint: the MP105 story on the wire."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from dsp.duis.codec import describe
from dsp.duis.schema import validate
from harness.serve.rtds_world import ESME, NETWORK_OPERATOR, SUPPLIER
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.serve.process import REPO, free_port, serve_process

class Receiver:
    """The Service User's delivery endpoint: keeps every body POSTed to it."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                received.append(self.rfile.read(int(self.headers.get("content-length", 0))))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/rrs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, condition, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            facts = [describe(body) for body in list(self.received)]
            if condition(facts) or time.monotonic() > deadline:
                return facts
            time.sleep(0.05)


@contextlib.contextmanager
def serving(ruleset: str, receiver: Receiver):
    with serve_process("--rules", ruleset, "--deliver-to", receiver.url, "--schema", str(XSD_DIR)) as (base, _):
        with httpx.Client(base_url=base, timeout=10) as client:
            yield client


def suspended_esme_running_current_firmware(client: httpx.Client) -> None:
    assert client.post(f"/test/devices/{ESME}/firmware", json={"version": "0200BBBB"}).status_code == 200
    assert client.post(f"/test/devices/{ESME}/suspend").json()["record"]["status"] == "Suspended"


def post_ecs52(client: httpx.Client) -> httpx.Response:
    return client.post("/api/v1/serviceS", content=request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"),
                       headers={"content-type": "application/xml"})


def test_legacy_answers_the_real_ecs52_template_for_a_suspended_esme_with_e5() -> None:
    receiver = Receiver()
    with serving("legacy", receiver) as client:
        suspended_esme_running_current_firmware(client)
        answer = post_ecs52(client)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/xml")
        assert validate(answer.content, XSD_DIR) == []
        assert describe(answer.content)["response_code"] == "E5"
        assert client.get(f"/test/smi/{ESME}").json()["status"] == "Suspended"
    receiver.server.shutdown()


def test_mp105_accepts_it_and_delivers_the_11_2_response_and_n29_to_supplier_and_network_operator() -> None:
    receiver = Receiver()
    with serving("mp105", receiver) as client:
        suspended_esme_running_current_firmware(client)
        answer = post_ecs52(client)
        assert describe(answer.content)["response_code"] == "I99"

        def complete(facts: list[dict]) -> bool:
            return sum(f["alert_code"] == "N29" for f in facts) >= 2 and any(f["response_code"] == "I0" and f["service_reference_variant"] == "11.2" for f in facts)

        facts = receiver.wait_for(complete)
        assert all(validate(body, XSD_DIR) == [] for body in receiver.received)
        response = next(f for f in facts if f["service_reference_variant"] == "11.2" and f["response_code"] == "I0")
        assert (response["request_id"], response["firmware_version"], response["gbcs_use_case"]) == (
            f"{SUPPLIER}:{ESME}:1000", "0200BBBB", "ECS52"
        )
        n29 = {f["response_id"].split(":")[1] for f in facts if f["alert_code"] == "N29"}
        assert n29 == {SUPPLIER, NETWORK_OPERATOR}
        assert client.get(f"/test/smi/{ESME}").json()["status"] == "Commissioned"
    receiver.server.shutdown()


def test_serve_refuses_a_missing_schema_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "harness.cli", "serve", "--schema", "/no/such/xsd", "--port", str(free_port())],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr
