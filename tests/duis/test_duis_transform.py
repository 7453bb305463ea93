"""The Transform Service's DUIS: an I0 Response carrying the PreCommand (CV 4), and the Signed
Pre-Command a User sends back (CV 5), both schema-valid and read back as DCC's client reads them."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest

from dsp import ServiceRequest, ServiceUser, UserRole
from dsp.duis.bodies import SignedPreCommand
from dsp.duis.codec import describe
from dsp.duis.envelope import parse_request
from dsp.duis.errors import DuisError
from dsp.duis.gbcs_precommand import build_precommand
from dsp.duis.render import Renderer, to_bytes
from dsp.duis.schema import validate
from dsp.duis.transform import DEFAULT_GBCS_VERSION, precommand_response
from dsp.identities import RTDS_SUPPLIER
from tests.duis.duis_fixtures import XSD_DIR, request

ESME = "00-DB-12-34-56-78-90-A0"
SR = "http://www.dccinterface.co.uk/ServiceUserGateway"


def activation_request() -> tuple[ServiceRequest, bytes]:
    parsed = parse_request(request("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML"))
    precommand = build_precommand(parsed.body, originator=RTDS_SUPPLIER, device=ESME, counter=1000)  # type: ignore[arg-type]
    sr = ServiceRequest("11.3", ServiceUser(RTDS_SUPPLIER, UserRole.IS), ESME, 4, str(parsed.request_id),
                        firmware_hash=bytes.fromhex(parsed.body.firmware_hash))  # type: ignore[union-attr]
    return sr, precommand


@pytest.mark.parametrize("version", ["5.4", "5.1"])
def test_the_precommand_response_is_valid_duis_in_the_version_dcc_boxed_validates_with(version: str) -> None:
    sr, precommand = activation_request()
    root = precommand_response(Renderer(), sr, precommand, 0.0)
    root.set("schemaVersion", version)
    assert validate(to_bytes(root), XSD_DIR) == []


def test_the_precommand_response_echoes_the_request_id_and_carries_version_and_payload() -> None:
    sr, precommand = activation_request()
    xml = to_bytes(precommand_response(Renderer(), sr, precommand, 0.0))
    facts = describe(xml)
    assert (facts["response_code"], facts["request_id"], facts["payload_kind"]) == ("I0", f"{RTDS_SUPPLIER}:{ESME}:1000", "PreCommand")
    assert facts["service_reference_variant"] == "11.3"
    root = ET.fromstring(xml)
    assert root.findtext(f".//{{{SR}}}PreCommand/{{{SR}}}GBCSVersion") == DEFAULT_GBCS_VERSION
    assert base64.b64decode(root.findtext(f".//{{{SR}}}PreCommand/{{{SR}}}GBCSPayload") or "") == precommand


def test_a_precommand_response_needs_a_payload_and_a_version() -> None:
    sr, precommand = activation_request()
    with pytest.raises(DuisError, match="empty pre-command"):
        precommand_response(Renderer(), sr, b"", 0.0)
    with pytest.raises(DuisError, match="GBCSVersion"):
        precommand_response(Renderer(), sr, precommand, 0.0, gbcs_version=" ")


def signed_pre_command_request(payload: str) -> bytes:
    template = request("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML").decode()
    start, end = template.index("<sr:ActivateFirmware>"), template.index("</sr:ActivateFirmware>") + len("</sr:ActivateFirmware>")
    body = f"<sr:SignedPreCommand><sr:GBCSPayload>{payload}</sr:GBCSPayload></sr:SignedPreCommand>"
    return (template[:start] + body + template[end:]).replace("<sr:CommandVariant>4<", "<sr:CommandVariant>5<").encode()


def test_a_signed_pre_command_is_read_with_its_gbcs_payload() -> None:
    _, precommand = activation_request()
    raw = signed_pre_command_request(base64.b64encode(precommand + b"\x40" + bytes(64)).decode())
    assert validate(raw, XSD_DIR) == []
    parsed = parse_request(raw)
    assert (parsed.command_variant, parsed.body_kind) == (5, "SignedPreCommand")
    assert parsed.body == SignedPreCommand(precommand + b"\x40" + bytes(64))


def test_a_signed_pre_command_that_is_not_base64_is_refused_saying_where() -> None:
    with pytest.raises(DuisError, match=r"sr:SignedPreCommand/sr:GBCSPayload: not valid base64"):
        parse_request(signed_pre_command_request("not*base64"))
