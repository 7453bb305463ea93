"""`sm-harness serve --state` killed (SIGKILL: no clean-up) and started again on the same file: no SMI
change, CPL entry, pending transform or queued message is lost, and what was queued is delivered once."""
from __future__ import annotations

import contextlib
import signal
import time

import httpx
import pytest

from harness.serve.rtds_world import ESME
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.serve.process import serve_process
from tests.serve.receiver import Receiver

XML = {"content-type": "application/xml"}


@contextlib.contextmanager
def serve(state, receiver: Receiver, log):
    with serve_process("--state", str(state), "--deliver-to", receiver.url, "--schema", str(XSD_DIR), stderr=log) as run:
        yield run


@pytest.mark.slow
def test_a_killed_serve_restarted_on_its_state_loses_nothing(tmp_path):
    state, receiver, log = tmp_path / "serve.db", Receiver(), open(tmp_path / "serve.log", "w")
    with serve(state, receiver, log) as (base, process):  # the receiver is down throughout
        httpx.post(f"{base}/test/devices/{ESME}/firmware", json={"version": "0200BBBB"})
        httpx.post(f"{base}/test/devices/{ESME}/suspend")
        httpx.post(f"{base}/test/cpl", json={"device_type": "ESME", "firmware": "0300CCCC", "status": "Current",
                                              "image_hash": "CD" * 32})
        assert httpx.post(f"{base}/api/v1/serviceS", content=request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"),
                          headers=XML).status_code == 200
        assert httpx.post(f"{base}/api/v1/serviceT", content=request("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML"),
                          headers=XML).status_code == 200  # a pending transform
        httpx.post(f"{base}/test/clock", json={"advance_seconds": 3600})
        before = {path: httpx.get(f"{base}{path}").json() for path in ("/test/smi", "/test/cpl", "/health")}
        queued = before["/health"]["outbox"]["pending"]
        assert queued >= 3 and before["/health"]["pending_transforms"] == 1
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    receiver.up()
    with serve(state, receiver, log) as (base, _):
        after = {path: httpx.get(f"{base}{path}").json() for path in ("/test/smi", "/test/cpl", "/health")}
        assert after["/test/smi"] == before["/test/smi"] and after["/test/cpl"] == before["/test/cpl"]
        assert after["/health"]["pending_transforms"] == 1
        assert after["/health"]["sim_time"] >= before["/health"]["sim_time"]
        assert receiver.wait_for(queued, 15.0)
        time.sleep(1.0)
        assert httpx.get(f"{base}/health").json()["outbox"] == {**after["/health"]["outbox"], "pending": 0, "delivered": queued}
    receiver.down()
    assert len(receiver.ids()) == queued == len(set(receiver.ids()))  # each queued message once
    text = (tmp_path / "serve.log").read_text()
    assert "SMI records restored" in text and f"{queued} messages to deliver" in text and "Traceback" not in text
