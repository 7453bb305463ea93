"""Firmware facts from GBCS: RTDS 4.5.0 hex vectors and the payloads of real SMETS2 responses.

Expected values were read from the bytes by hand, e.g. ECS52_11.2_SUCCESS_RESPONSE: ... 0002 0059
(message code) 11 DA 200003E8 00 00 01 [09 04 0123ABCD] 01 [01 00] -> version 0123ABCD, get success.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dsp.duis.envelope import parse_response
from dsp.duis.errors import DuisError
from dsp.duis.gbcs import FirmwareFacts, firmware_facts, payload_from_hex
from dsp.duis.gbcs_frame import parse_frame
from dsp.vocabulary import ActivationOutcome
from tests.duis.duis_fixtures import DUIS, VECTORS, vector

S, NIH, HM = ActivationOutcome.SUCCESS, ActivationOutcome.NO_IMAGE_HELD, ActivationOutcome.HASH_MISMATCH

# name: (message code, CRA flag, originator counter, version, outcome, alert code, command counter)
EXPECTED = {
    "ECS52_11.2_SUCCESS_RESPONSE_GBCS.HEX": (0x0059, 2, 1000, "0123ABCD", None, None, None),
    "ECS52_11.2_ERROR_RESPONSE_GBCS.HEX": (0x0059, 2, 1002, None, None, None, None),  # result hardware-fault
    "GCS38_11.2_SUCCESS_RESPONSE_GBCS.HEX": (0x0084, 2, 1000, "0123ABCD", None, None, None),
    "GCS38_11.2_ERROR_RESPONSE_GBCS.HEX": (0x0084, 2, 1002, None, None, None, None),  # ZCL status 0xC0
    "CS08_11.2_SUCCESS_RESPONSE_GBCS.HEX": (0x0129, 2, 1300, "0123ABCD", None, None, None),
    "CS08_11.2_ERROR_RESPONSE_GBCS.HEX": (0x0129, 2, 1301, None, None, None, None),  # read failure
    "CS06_11.3_IMMEDIATE_SUCCESS_RESPONSE_GBCS.HEX": (0x0012, 2, 1000, "0123ABCE", S, None, None),
    "CS06_11.3_IMMEDIATE_ERROR_RESPONSE_GBCS.HEX": (0x0012, 2, 1005, "0123ABCF", NIH, None, None),
    "CS06_11.3_FUTURE_DATED_SUCCESS_RESPONSE_GBCS.HEX": (0x0012, 2, 1001, None, None, None, None),  # NULL
    "CS06_11.3_FUTURE_DATED_ERROR_RESPONSE_GBCS.HEX": (0x0012, 2, 1004, None, None, None, None),
    "CS06_11.3_CANCELLATION_SUCCESS_RESPONSE_GBCS.HEX": (0x0012, 2, 1002, None, None, None, None),
    "CS06_11.3_8F66_FUTURE_DATED_SUCCESS_ALERT_GBCS.HEX": (0x00CA, 3, 2000, "0123ABCF", S, 0x8F66, 1001),
    "CS06_11.3_8F67_FUTURE_DATED_ERROR_ALERT_GBCS.HEX": (0x00CA, 3, 2001, "0123ABCF", HM, 0x8F67, 1004),
    "CS02bSupplierByTransCoS_6.23_8F66_FUTURE_DATED_SUCCESS_ALERT_GBCS.HEX": (
        0x00CB,
        3,
        2001,
        None,
        None,
        0x8F66,
        None,
    ),
    "CS14_NA_8F12_ALERT_GBCS.HEX": (0x0018, 3, 4000, None, None, 0x8F12, None),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_vector_gives_the_facts_read_from_its_bytes(name: str) -> None:
    code, cra, counter, version, outcome, alert, command = EXPECTED[name]
    facts = firmware_facts(vector(name))
    assert (facts.message_code, facts.cra_flag, facts.originator_counter) == (code, cra, counter)
    assert facts.firmware_version == version
    assert facts.activation_outcome is outcome
    assert (facts.alert_code, facts.command_counter) == (alert, command)


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.name)
def test_every_vector_parses_and_commands_carry_no_firmware_facts(path: Path) -> None:
    facts = firmware_facts(payload_from_hex(path.read_text()))
    if "COMMAND" in path.name:  # including DUIS PreCommands, which end before the signature
        assert facts.cra_flag == 1
        assert (facts.firmware_version, facts.activation_outcome, facts.alert_code) == (None, None, None)


def test_use_case_and_originator() -> None:
    facts = firmware_facts(vector("GCS38_11.2_SUCCESS_RESPONSE_GBCS.HEX"))
    assert facts.use_case == "GCS38"
    assert facts.originator == "00-DB-12-34-56-78-90-A1"
    assert firmware_facts(vector("CS06_11.3_8F66_FUTURE_DATED_SUCCESS_ALERT_GBCS.HEX")).use_case == "CS06"


def test_ciphered_and_signed_frames() -> None:
    ciphered = parse_frame(vector("ECS52_11.2_SUCCESS_RESPONSE_GBCS.HEX"))
    signed = parse_frame(vector("CS06_11.3_IMMEDIATE_SUCCESS_RESPONSE_GBCS.HEX"))
    assert (ciphered.ciphered, signed.ciphered) == (True, False)
    assert (ciphered.recipient, signed.recipient) == ("90-B3-D5-1F-30-01-00-00", "90-B3-D5-1F-30-01-00-00")
    assert signed.content == bytes.fromhex("3009020100040401 23ABCE".replace(" ", ""))


@pytest.mark.parametrize(
    ("relative", "version", "originator"),
    [
        ("duis-templates/ECS52_11.2_SUCCESS_RESPONSE_DUIS.XML", "00020000", "BC-33-AC-00-FE-FA-55-3C"),
        ("duis-sign-wrap/readfw-version-response.xml", "0C230000", "88-73-84-57-00-2F-96-1E"),
    ],
)
def test_real_smets2_11_2_responses_report_their_firmware_version(
    relative: str, version: str, originator: str
) -> None:
    payload = parse_response((DUIS / "responses" / relative).read_bytes()).gbcs_payload
    assert payload is not None
    facts = firmware_facts(payload)
    assert facts == FirmwareFacts(
        message_code=0x0059,
        cra_flag=2,
        originator=originator,
        originator_counter=facts.originator_counter,
        firmware_version=version,
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "GBCS payload: byte 0: empty"),
        (b"\x30\x00", "GBCS payload: byte 0: not a GBCS message: starts 0x30, expected 0xDD or 0xDF"),
        (
            bytes.fromhex("DD01"),
            "GBCS payload: byte 0: truncated: general-ciphering header needs 7 bytes, 2 left",
        ),
        (bytes.fromhex("DD0100000000000000"), "general block transfer (GBT) messages are not supported"),
        (
            bytes.fromhex("DF0902"),
            "GBCS payload: byte 3: truncated: originator counter needs 8 bytes, 0 left",
        ),
        (bytes.fromhex("DF0904"), "CRA flag 4 is not 1 (command), 2 (response) or 3 (alert)"),
    ],
)
def test_garbage_is_a_duis_error_saying_where(payload: bytes, message: str) -> None:
    with pytest.raises(DuisError) as caught:
        firmware_facts(payload)
    assert message in str(caught.value)


def test_encrypted_content_is_refused() -> None:
    payload = bytearray(vector("ECS52_11.2_SUCCESS_RESPONSE_GBCS.HEX"))
    payload[8] = 0x31  # security control byte with the encryption bit set
    with pytest.raises(DuisError, match="encrypted GBCS content cannot be read without keys"):
        firmware_facts(bytes(payload))


def test_unknown_activation_outcome_is_refused() -> None:
    payload = bytearray(vector("CS06_11.3_IMMEDIATE_SUCCESS_RESPONSE_GBCS.HEX"))
    index = payload.index(bytes.fromhex("3009020100"))
    payload[index + 4] = 0x07
    with pytest.raises(DuisError, match=r"activate image response code 7 is not 0\.\.3"):
        firmware_facts(bytes(payload))


def test_gbz_alert_code_is_read_from_its_header() -> None:
    # A GBZ alert built by hand: profile 0x0109, one component, alert code 0x8F70, 4-byte time stamp.
    content = bytes.fromhex("0109018F7000000000")
    header = bytes.fromhex(
        "DF0903" + "0000000000000001" + "08" + "00DB1234567890A1" + "08" + "90B3D51F30010000"
    )
    payload = header + bytes.fromhex("00" + "020080") + bytes([len(content)]) + content + b"\x00"
    assert firmware_facts(payload).alert_code == 0x8F70


def test_hex_helper_refuses_non_hex() -> None:
    with pytest.raises(DuisError, match="not a hex string"):
        payload_from_hex("DF0G")


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.name)
def test_every_truncation_of_a_vector_is_a_duis_error(path: Path) -> None:
    payload = payload_from_hex(path.read_text())
    for size in range(len(payload)):
        with pytest.raises(DuisError):
            firmware_facts(payload[:size])
