"""Every kind of message `serve` sends passes DCC Boxed's own validator (@smartdcc/duis-sign-wrap)
unchanged, without a signing key: unsigned Responses are skipped by it as DCC Boxed's own E-code Responses
are, and a SMETS1 response, whose inner signature the schema requires, carries the placeholder of its own
that makes the validator skip it as it skips a real SMETS1 response (with a key, the interoperability
test shows the same messages signed and checked)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from dsp.duis.codec import describe
from dsp.duis.gbcs_precommand import sign_precommand
from harness.serve.endpoint import DuisEndpoint, EndpointConfig
from harness.serve.rtds_world import ESME, build_served_world
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.interop.test_dcc_boxed_tooling import needs_java, tool
from tests.serve.duis_requests import precommand_of, signed_pre_command, with_counter, with_target
from tests.serve.test_routing import with_cv

pytestmark = [needs_java, pytest.mark.slow]
FLEET = Path(__file__).parent / "fleet.toml"
SMETS1_ESME = "00-DB-00-00-00-00-00-02"  # fleet.toml's SMETS1 ESME for 11.2


def kind(xml: bytes) -> str:
    facts = describe(xml)
    return " ".join(str(facts[k]) for k in ("response_code", "service_reference_variant", "body_kind", "payload_kind", "alert_code"))


def everything_serve_sends() -> dict[str, bytes]:
    served = DuisEndpoint(build_served_world(None, str(FLEET)), EndpointConfig(schema=XSD_DIR))
    sent: dict[str, bytes] = {}

    def post(path: str, raw: bytes) -> bytes:
        body = served.serve(path, raw).body
        for xml in [body, *(x for _, x in served.take_outgoing())]:
            sent.setdefault(kind(xml), xml)
        return body

    ecs52, activate = request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"), request("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML")
    served.set_device_firmware(ESME, "0200BBBB")
    served.suspend(ESME)
    post("serviceS", ecs52)  # I99, the ECS52 response, N29
    post("serviceS", with_target(ecs52, SMETS1_ESME))  # the SMETS1 MMC response
    key = ec.generate_private_key(ec.SECP256R1())
    precommand = precommand_of(post("serviceT", with_counter(activate, 2000)))  # I0 PreCommand
    post("serviceS", signed_pre_command(with_counter(activate, 2000), sign_precommand(precommand, key)))  # CS06 response
    post("serviceS", signed_pre_command(with_counter(activate, 2001), sign_precommand(precommand, key)))  # E12 unmatched
    post("serviceT", ecs52)  # E13
    post("serviceD", with_cv(ecs52, 2))  # I0 LocalCommand
    post("serviceD", request("8.2_READ_INVENTORY_REQUEST_DUIS.XML"))  # I0 DSPInventory
    post("serviceS", request("ECS17b_4.1.1_SINGLE_SUCCESS_REQUEST_DUIS.XML"))  # an SRV the model does not serve
    served.lose_next(ESME, "11.2", "response")
    post("serviceS", with_counter(ecs52, 2002))
    served.advance(served.world.response_timeout + 1)
    sent.update({kind(x): x for _, x in served.take_outgoing()})  # E21
    return sent


def test_every_kind_of_message_serve_sends_without_a_key_passes_dcc_boxeds_validator(tmp_path: Path) -> None:
    sent = everything_serve_sends()
    kinds = " | ".join(sorted(sent))
    for expected in ("I0 11.3 ResponseMessage PreCommand", "SMETS1ResponseMessage", "E12", "E13", "LocalCommand",
                     "DSPInventory", "N28", "N29", "E21"):
        assert expected in kinds, f"{expected!r} not sent; sent {kinds}"
    files = []
    for index, (name, xml) in enumerate(sorted(sent.items())):
        path = tmp_path / f"{index:02d}.xml"
        path.write_bytes(xml)
        files.append((name, path))
    results = tool("validate", *(str(p) for _, p in files))
    failures = [(name, r["error"]) for (name, _), r in zip(files, results) if not r["ok"]]
    assert len(results) == len(files) and not failures, failures
