"""Local Command Services at the endpoint: a request with Command Variant 2, 3, 6 or 7 passes E17 and is
answered at once with the Command for Local Delivery (I0, ResponseMessage/LocalCommand); CV 2 and 6 send
nothing over the SM WAN, CV 3 and 7 send the command to the device too (R-E17-4). CV 3 and 7 are sent to
serviceS, 2 and 6 to serviceD (the DUIS XSD's CommandVariant table), a Signed Pre-Command (6, 7) after its
transform (CV 4)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from dsp.duis.codec import describe
from dsp.duis.gbcs_precommand import sign_precommand
from dsp.duis.schema import validate
from harness.serve.endpoint import DuisEndpoint, EndpointConfig
from harness.serve.rtds_world import ESME, build_served_world
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.serve.duis_requests import precommand_of, signed_pre_command, with_counter
from tests.serve.test_routing import with_cv

KEY = ec.generate_private_key(ec.SECP256R1())
ECS52 = "ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"
ACTIVATE = "CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML"


def endpoint() -> DuisEndpoint:
    return DuisEndpoint(build_served_world("mp105"), EndpointConfig(schema=XSD_DIR))


def answered(served: DuisEndpoint, path: str, raw: bytes) -> tuple[dict, list[str]]:
    reply = served.serve(path, raw)
    assert reply.status == 200 and validate(reply.body, XSD_DIR) == [], reply.body
    later = [describe(xml)["response_code"] for _, xml in served.take_outgoing()]
    return describe(reply.body), later


@pytest.mark.parametrize(("cv", "path", "over_the_wan"), [(2, "serviceD", False), (3, "serviceS", True)])
def test_a_non_critical_request_for_local_delivery_is_answered_with_its_local_command(cv: int, path: str, over_the_wan: bool) -> None:
    answer, later = answered(endpoint(), path, with_cv(request(ECS52), cv))
    assert (answer["response_code"], answer["payload_kind"]) == ("I0", "LocalCommand")
    assert later == (["I0"] if over_the_wan else [])  # CV 3: the device's own response follows


@pytest.mark.parametrize(("cv", "path", "over_the_wan"), [(6, "serviceD", False), (7, "serviceS", True)])
def test_a_signed_pre_command_for_local_delivery_is_answered_with_its_local_command(cv: int, path: str, over_the_wan: bool) -> None:
    served = endpoint()
    cv4 = with_counter(request(ACTIVATE), 3000 + cv)
    precommand = precommand_of(served.serve("serviceT", cv4).body)
    answer, later = answered(served, path, signed_pre_command(cv4, sign_precommand(precommand, KEY), command_variant=cv))
    assert (answer["response_code"], answer["payload_kind"]) == ("I0", "LocalCommand")
    assert later == (["I0"] if over_the_wan else [])


def test_local_delivery_to_a_suspended_device_is_refused_e17() -> None:
    served = endpoint()
    served.suspend(ESME)
    served.take_outgoing()  # the suspension alert
    answer, later = answered(served, "serviceD", with_cv(request(ECS52), 2))
    assert answer["response_code"] == "E17" and later == []  # R-E17-2: IS needs Pending .. Commissioned
    answer, _ = answered(served, "serviceS", request(ECS52))
    assert answer["response_code"] == "I99"  # the same 11.2 over the SM WAN passes (R-E5-3, MP105)
