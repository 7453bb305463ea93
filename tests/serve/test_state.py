"""`serve --state`: what a restart must not lose (the SMI, the CPL, device firmware, pending transforms,
queued messages, simulated time), and each request's effects written together or not at all."""
from __future__ import annotations

import os

from cryptography.hazmat.primitives.asymmetric import ec

from dsp.duis.codec import describe
from dsp.duis.gbcs_precommand import sign_precommand
from harness.serve.endpoint import DuisEndpoint, EndpointConfig
from harness.serve.rtds_world import ESME, GSME, build_served_world
from harness.serve.state import ServeState, identity_of
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.serve.duis_requests import precommand_of, signed_pre_command

ECS52 = request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML")
CV4 = request("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML")
HASH = "AB" * 32


def start(path, deliver_to: str | None = "http://127.0.0.1:9/rrs") -> DuisEndpoint:
    """An endpoint on the state at `path`, as `serve --state PATH` builds it."""
    served = build_served_world("mp105")
    state = ServeState.open(path, identity_of("mp105", None))
    return DuisEndpoint(served, EndpointConfig(schema=XSD_DIR, deliver_to=deliver_to), state=state)


def test_a_restart_loses_no_smi_change_cpl_entry_firmware_transform_or_queued_message(tmp_path):
    path = tmp_path / "state.db"
    first = start(path)
    first.set_device_firmware(ESME, "0200BBBB")
    first.suspend(ESME)  # R-CPL-1: the ESME and the GSME on the removed version are Suspended, alerts queued
    first.set_cpl("ESME", "0300CCCC", "Current", None, HASH)
    first.advance(7200)
    precommand = precommand_of(first.serve("serviceT", CV4).body)  # a pending transform
    before = {"smi": first.smi(), "cpl": first.cpl(), "outbox": first.state.outbox.counts(), "now": first.world.now}
    alerts = [describe(xml)["response_id"] for kind, xml in first.take_outgoing() if kind == "dcc_alert"]
    first.state.close()  # the process ends (a kill is the slow test's: tests/serve/test_restart.py)

    second = start(path)
    assert second.restored == len(before["smi"])
    assert second.smi() == before["smi"] and second.cpl() == before["cpl"]
    assert second.smi(ESME)["device_runs"] == "0200BBBB" and second.smi(ESME)["status"] == "Suspended"
    assert second.state.outbox.counts() == before["outbox"] and before["outbox"]["pending"] >= 1
    assert second.world.now >= before["now"]  # simulated time goes on, the clock advance included
    assert len(second.transforms) == 1
    reply = second.serve("serviceS", signed_pre_command(CV4, sign_precommand(precommand, ec.generate_private_key(ec.SECP256R1()))))
    assert describe(reply.body)["response_code"] == "I99"  # the CV 5 finds the CV 4's pre-command
    second.set_device_firmware(GSME, "0200BBBB")
    second.suspend(GSME)
    later = [describe(xml)["response_id"] for kind, xml in second.take_outgoing() if kind == "dcc_alert"]
    assert later and not set(later) & set(alerts)  # ResponseIDs go on, never reused


def test_a_request_killed_half_way_leaves_the_state_as_it_was_before_it(tmp_path):
    """The request's SMI change and its messages are one transaction: a kill after the first message is
    queued (before the commit) leaves neither."""
    path = tmp_path / "state.db"
    first = start(path)
    first.set_device_firmware(ESME, "0200BBBB")
    before = first.smi(ESME)
    first.state.close()
    pid = os.fork()
    if pid == 0:  # a serve that dies in the middle of the suspension's effects
        try:
            child = start(path)
            original = child.state.outbox.add

            def add_then_die(*args, **kwargs):
                original(*args, **kwargs)
                os._exit(9)

            child.state.outbox.add = add_then_die  # type: ignore[method-assign]
            child.suspend(ESME)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9
    again = start(path)
    assert again.smi(ESME) == before and again.state.outbox.counts()["pending"] == 0


def test_without_a_state_file_the_same_queue_runs_in_memory():
    served = DuisEndpoint(build_served_world("mp105"), EndpointConfig(deliver_to="http://127.0.0.1:9/rrs"))
    served.set_device_firmware(ESME, "0200BBBB")
    served.suspend(ESME)
    assert served.health()["state"] == ":memory:" and served.health()["outbox"]["pending"] >= 1
    kept = DuisEndpoint(build_served_world("mp105"), EndpointConfig())
    kept.suspend(ESME)
    assert kept.health()["outbox"]["pending"] == 0 and kept.health()["outbox"]["kept"] >= 1  # no --deliver-to
