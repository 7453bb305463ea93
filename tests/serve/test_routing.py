"""Where a DUIS request belongs, checked before Table 22 as the DCC checks it: E13 for a request at a
path its Command Variant does not belong to (DCC Boxed answers so, rather than HTTP 400), E12 for a
Command Variant its Service Request does not take or a body that does not fit it."""

from __future__ import annotations

import pytest

from dsp.catalogue import CATALOGUE
from dsp.duis.codec import describe
from dsp.duis.schema import validate
from harness.serve.endpoint import DuisEndpoint, EndpointConfig
from harness.serve.routing import PATH_VARIANTS, home_of, misfit, misrouted
from harness.serve.rtds_world import build_served_world
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.serve.duis_requests import signed_pre_command

ECS52 = "ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"
ACTIVATE = "CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML"
INVENTORY = "8.2_READ_INVENTORY_REQUEST_DUIS.XML"


def with_cv(raw: bytes, cv: int) -> bytes:
    start = raw.index(b"<sr:CommandVariant>") + len(b"<sr:CommandVariant>")
    return raw[:start] + str(cv).encode() + raw[raw.index(b"</sr:CommandVariant>"):]


def answer(path: str, raw: bytes) -> tuple[str, str]:
    served = DuisEndpoint(build_served_world("mp105"), EndpointConfig(schema=XSD_DIR))
    reply = served.serve(path, raw)
    assert reply.status == 200 and validate(reply.body, XSD_DIR) == [], reply.body
    assert served.take_outgoing() == [] and served.world.service_requests == 0  # refused before the DSP
    return describe(reply.body)["response_code"], reply.reason


def test_every_command_variant_has_one_path_as_the_duis_xsd_says() -> None:
    assert {cv: home_of(cv) for cv in range(1, 9)} == {
        1: "serviceS", 2: "serviceD", 3: "serviceS", 4: "serviceT", 5: "serviceS", 6: "serviceD", 7: "serviceS", 8: "serviceD"}
    assert home_of(9) is None and sorted(v for vs in PATH_VARIANTS.values() for v in vs) == list(range(1, 9))


@pytest.mark.parametrize(
    ("path", "template", "cv", "reason"),
    [
        ("serviceT", INVENTORY, 8, "CommandVariant 8 is not served at /api/v1/serviceT: it belongs at /api/v1/serviceD"),
        ("serviceT", ECS52, 1, "CommandVariant 1 is not served at /api/v1/serviceT: it belongs at /api/v1/serviceS"),
        ("serviceS", ACTIVATE, 4, "CommandVariant 4 is not served at /api/v1/serviceS: it belongs at /api/v1/serviceT"),
        ("serviceD", ECS52, 1, "CommandVariant 1 is not served at /api/v1/serviceD: it belongs at /api/v1/serviceS"),
    ],
    ids=["non-device-at-transform", "cv1-at-transform", "cv4-at-send-command", "cv1-at-non-device"],
)
def test_a_request_at_the_wrong_path_is_answered_e13(path: str, template: str, cv: int, reason: str) -> None:
    assert answer(path, with_cv(request(template), cv)) == ("E13", reason)


@pytest.mark.parametrize(
    ("path", "template", "cv", "reason"),
    [
        ("serviceS", ACTIVATE, 1, "CommandVariant 1 is not applicable to SR 11.3, a Critical Service Request: it takes 4, 5, 6, 7"),
        ("serviceT", ECS52, 4, "CommandVariant 4 is not applicable to SR 11.2, a Non-Critical Service Request: it takes 1, 2, 3"),
        ("serviceS", INVENTORY, 1, "CommandVariant 1 is not applicable to SR 8.2, a Non-Device Service Request: it takes 8"),
        ("serviceS", ACTIVATE, 5, "CommandVariant 5 carries a Signed Pre-Command, not sr:ActivateFirmware"),
    ],
    ids=["critical-as-cv1", "non-critical-transformed", "non-device-as-cv1", "cv5-without-signed-pre-command"],
)
def test_a_command_variant_the_request_does_not_take_is_answered_e12(path: str, template: str, cv: int, reason: str) -> None:
    assert answer(path, with_cv(request(template), cv)) == ("E12", reason)


def test_a_signed_pre_command_sent_as_a_service_request_is_answered_e12() -> None:
    raw = signed_pre_command(request(ACTIVATE), b"\xdf" * 10, command_variant=4)
    assert answer("serviceT", raw) == ("E12", "a Signed Pre-Command is sent with CommandVariant 5, 6 or 7, not 4")


def test_e13_is_checked_before_e12() -> None:
    assert answer("serviceT", with_cv(request(ACTIVATE), 1))[0] == "E13"


def test_the_checks_read_the_catalogue_for_every_srv_of_the_matrix() -> None:
    for row in CATALOGUE.values():
        for cv in range(1, 9):
            fits = misfit(row, cv, "SignedPreCommand" if cv in (5, 6, 7) else "Body")
            assert (fits is None) == (cv in row.command_variants), (row.srv, cv)
            assert misrouted(home_of(cv) or "", cv) is None
