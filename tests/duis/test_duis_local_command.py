"""The Command for Local Delivery (R-E17-4): the GBCS commands it carries are the RTDS command vectors'
(up to the DCC's MAC, a placeholder here), and the DUIS Response carrying them is schema-valid."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest

from dsp import DeviceType, LocalCommand, ResponseCode
from dsp.duis.codec import DuisCodec, describe
from dsp.duis.errors import DuisError
from dsp.duis.gbcs_commands import command_from_signed_precommand, local_command_payload, read_firmware_command
from dsp.duis.gbcs_frame import parse_frame
from dsp.duis.render import Renderer, to_bytes
from dsp.duis.schema import validate
from dsp.identities import DCC_ACCESS_CONTROL_BROKER, RTDS_SUPPLIER
from tests.core.bench import NEW, Bench
from tests.duis.duis_fixtures import XSD_DIR, vector

SR = "{http://www.dccinterface.co.uk/ServiceUserGateway}"
MAC = 12  # the DCC's MAC at the end of a general-ciphering APDU: a zero-filled placeholder here


def signed_inside(command: bytes) -> bytes:
    """What a general-ciphering COMMAND vector carries: DD, 6 bytes, its length (1 or more bytes), the
    security header (5 bytes), the Signed Pre-Command, then the MAC."""
    length_bytes = 1 if command[7] < 0x80 else 1 + (command[7] & 0x7F)
    return command[7 + length_bytes + 5 : -MAC]


@pytest.mark.parametrize(
    "name,device_type,device,counter,dcc_counter",
    [
        ("ECS52_11.2_SUCCESS_COMMAND_GBCS.HEX", DeviceType.ESME, "00-DB-12-34-56-78-90-A0", 0x3E8, None),
        ("ECS52_11.2_ERROR_COMMAND_GBCS.HEX", DeviceType.ESME, "00-DB-12-34-56-78-90-A0", 0x3EA, None),
        ("GCS38_11.2_SUCCESS_COMMAND_GBCS.HEX", DeviceType.GSME, "00-DB-12-34-56-78-90-A1", 0x3E8, None),
        ("GCS38_11.2_ERROR_COMMAND_GBCS.HEX", DeviceType.GSME, "00-DB-12-34-56-78-90-A1", 0x3EA, None),
        ("CS08_11.2_SUCCESS_COMMAND_GBCS.HEX", DeviceType.PPMID, "00-DB-12-34-56-78-90-A4", 0x3E8, 0x514),
        ("CS08_11.2_ERROR_COMMAND_GBCS.HEX", DeviceType.PPMID, "00-DB-12-34-56-78-90-A5", 0x3E9, 0x515),
    ],
)
def test_the_read_firmware_commands_are_the_rtds_vectors_up_to_the_mac(name, device_type, device, counter, dcc_counter):
    expected = vector(name)
    built = read_firmware_command(device_type, device=device, user=RTDS_SUPPLIER, counter=counter, dcc_counter=dcc_counter)
    assert built[:-MAC] == expected[:-MAC] and built[-MAC:] == bytes(MAC)


def test_a_cs08_is_originated_by_the_access_control_broker_on_the_users_behalf():
    built = read_firmware_command(DeviceType.HCALCS, device="00-DB-12-34-56-78-90-A4", user=RTDS_SUPPLIER, counter=7)
    frame = parse_frame(built)
    assert frame.originator == DCC_ACCESS_CONTROL_BROKER and frame.originator_counter == 7


@pytest.mark.parametrize("kind", ["IMMEDIATE_SUCCESS", "FUTURE_DATED_SUCCESS", "CANCELLATION_SUCCESS"])
def test_a_signed_pre_command_becomes_the_rtds_command_up_to_the_mac(kind):
    command = vector(f"CS06_11.3_{kind}_COMMAND_GBCS.HEX")
    precommand = vector(f"CS06_11.3_{kind}_PRECOMMAND_GBCS.HEX")
    signed = signed_inside(command)  # the pre-command, 0x40 and the signature
    assert signed.startswith(precommand) and signed[len(precommand)] == 0x40
    assert command_from_signed_precommand(signed)[:-MAC] == command[:-MAC]


def test_what_is_not_a_signed_pre_command_is_refused_in_one_line():
    with pytest.raises(DuisError, match="64-byte signature"):
        command_from_signed_precommand(vector("CS06_11.3_IMMEDIATE_SUCCESS_PRECOMMAND_GBCS.HEX"))


def local_exchange(srv: str, cv: int, **fields):
    bench = Bench()
    device = bench.add()
    if srv == "11.3":
        bench.send("11.1", device, version=NEW)
    response = bench.send(srv, device, command_variant=cv, **fields).submitted.responses[0]
    assert response.code is ResponseCode.I0 and isinstance(response.body, LocalCommand)
    return bench, device, response


@pytest.mark.parametrize("srv,cv,fields,code", [("11.2", 3, {}, 0x0059), ("11.3", 7, {"version": NEW}, 0x0012)])
def test_the_dsps_local_command_renders_as_valid_duis_carrying_its_gbcs_command(srv, cv, fields, code):
    bench, device, response = local_exchange(srv, cv, **fields)
    xml = DuisCodec(inventory=bench.dsp.inventory).render(response)
    assert validate(xml, XSD_DIR) == []
    facts = describe(xml)
    assert (facts["response_code"], facts["payload_kind"]) == ("I0", "LocalCommand")
    payload = ET.fromstring(xml).find(f"{SR}Body/{SR}ResponseMessage/{SR}LocalCommand/{SR}GBCSPayload")
    frame = parse_frame(base64.b64decode(payload.text))
    assert (frame.message_code, frame.recipient, frame.originator) == (code, device, bench.supplier.user_id)


def test_a_local_command_the_model_holds_no_encoding_for_names_the_srv_only():
    """[model] a 2.2 top-up code is not a GBCS command the model builds: ResponseMessage, no LocalCommand."""
    bench = Bench()
    device = bench.add(smets=1)
    response = bench.send("2.2", device, command_variant=2).submitted.responses[0]
    assert local_command_payload(response.body, 1) is None
    xml = DuisCodec(inventory=bench.dsp.inventory).render(response)
    assert validate(xml, XSD_DIR) == [] and b"LocalCommand" not in xml


@pytest.mark.parametrize("version", ["5.4", "5.1"])
def test_the_local_command_response_for_a_users_signed_pre_command_is_valid_duis(version):
    """Renderer.local_command_response: what serve answers a CV 7 with (the user's own signed bytes)."""
    bench, device, response = local_exchange("11.3", 7, version=NEW)
    signed = signed_inside(vector("CS06_11.3_IMMEDIATE_SUCCESS_COMMAND_GBCS.HEX"))
    root = Renderer().local_command_response(response.request, command_from_signed_precommand(signed), 0.0)
    root.set("schemaVersion", version)
    assert validate(to_bytes(root), XSD_DIR) == []
    carried = root.find(f"{SR}Body/{SR}ResponseMessage/{SR}LocalCommand/{SR}GBCSPayload").text
    assert signed_inside(base64.b64decode(carried)) == signed


def test_an_empty_local_command_is_refused():
    bench, device, response = local_exchange("11.2", 3)
    with pytest.raises(DuisError, match="empty local command"):
        Renderer().local_command_response(response.request, b"", 0.0)
