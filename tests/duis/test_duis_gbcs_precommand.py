"""The CS06 pre-command the Transform Service returns for a Critical 11.3 (CV 4), and the Signed
Pre-Command a User sends back (CV 5): built from the request, byte for byte the RTDS 4.5.0 vectors.

The vectors fix every byte of the pre-command but the trailing empty signature length (0x00), which
GBCS and DCC Boxed >= 1.4.1 carry and the vectors leave out; the COMMAND vectors carry the signed form
(pre-command + 0x40 + 64-byte signature) inside a general-ciphering APDU with the DSP's 12-byte MAC.
Signing keys are made here, at test time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from dsp.duis.bodies import CANCELLATION_DATETIME, ActivateFirmware
from dsp.duis.envelope import parse_request
from dsp.duis.errors import DuisError
from dsp.duis.gbcs_frame import parse_frame
from dsp.duis.gbcs_precommand import (
    Activation,
    activation_of,
    build_precommand,
    is_signed_form_of,
    precommand_body,
    sign_precommand,
    signed_parts,
    verify_gbcs_signature,
)
from dsp.identities import RTDS_SUPPLIER
from tests.duis.duis_fixtures import request, vector

USER, ESME = RTDS_SUPPLIER, "00-DB-12-34-56-78-90-A0"
HASH = "AA758690730934FF0685AA758690730934FF0685657788990011223344556677"

# RTDS case: (request template or None, counter, ExecutionDateTime of the DUIS request)
CASES = {
    "IMMEDIATE_SUCCESS": ("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML", 1000, None),
    "FUTURE_DATED_SUCCESS": ("CS06_11.3_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML", 1001, datetime(2030, 1, 15, 9, tzinfo=UTC)),
    "CANCELLATION_SUCCESS": ("CS06_11.3_CANCELLATION_SUCCESS_REQUEST_DUIS.XML", 1002, CANCELLATION_DATETIME),
    "FUTURE_DATED_ERROR": (None, 1004, datetime(2030, 1, 1, tzinfo=UTC)),
    "IMMEDIATE_ERROR": (None, 1005, None),
}


def precommand_vector(case: str) -> bytes:
    return vector(f"CS06_11.3_{case}_PRECOMMAND_GBCS.HEX")


def command_vector(case: str) -> bytes:
    return vector(f"CS06_11.3_{case}_COMMAND_GBCS.HEX")


def built(case: str, **options: bool) -> bytes:
    _, counter, execution = CASES[case]
    body = ActivateFirmware(HASH, execution)
    return build_precommand(body, originator=USER, device=ESME, counter=counter, **options)


def signed_from_vector(case: str) -> bytes:
    """The Signed Pre-Command inside the COMMAND vector: its general-signing APDU, without the MAC."""
    command = command_vector(case)
    start = command.index(b"\xdf\x09")
    return command[start:-12]


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_pre_command_is_the_rtds_vector_with_its_empty_signature_length(case: str) -> None:
    assert built(case) == precommand_vector(case) + b"\x00"
    assert built(case, signature_length_byte=False) == precommand_vector(case)


@pytest.mark.parametrize("case", [c for c, (template, _, _) in CASES.items() if template])
def test_the_pre_command_is_built_from_the_facts_of_the_rtds_request(case: str) -> None:
    parsed = parse_request(request(CASES[case][0]))
    assert isinstance(parsed.body, ActivateFirmware) and parsed.command_variant == 4
    precommand = build_precommand(
        parsed.body,
        originator=parsed.request_id.originator,
        device=parsed.request_id.target,
        counter=parsed.request_id.counter,
    )
    assert precommand == precommand_vector(case) + b"\x00"


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_command_vector_carries_the_pre_command_signed(case: str) -> None:
    signed = signed_from_vector(case)
    body, signature = signed_parts(signed)
    assert body == precommand_vector(case) and len(signature) == 64
    assert is_signed_form_of(signed, built(case))  # the pending pre-command carries 0x00, the vector not
    assert is_signed_form_of(signed, precommand_vector(case))
    assert parse_frame(command_vector(case)).content == parse_frame(signed).content


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_facts_read_back_from_every_form(case: str) -> None:
    _, counter, execution = CASES[case]
    expected = Activation(USER, ESME, counter, bytes.fromhex(HASH), execution)
    for form in (built(case), precommand_vector(case), signed_from_vector(case)):
        assert activation_of(form) == expected
    assert activation_of(built("CANCELLATION_SUCCESS")).is_cancellation


def test_the_cancellation_travels_as_9999_12_31_23_59_59z() -> None:
    assert b"\x18\x0f99991231235959Z" in built("CANCELLATION_SUCCESS")


def test_a_signature_made_with_the_users_key_verifies_and_no_other() -> None:
    user_key, other_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    precommand = built("IMMEDIATE_SUCCESS")
    signed = sign_precommand(precommand, user_key)
    assert signed[: len(precommand) - 1] == precommand[:-1] and signed[len(precommand) - 1] == 0x40
    assert len(signed) == len(precommand) - 1 + 1 + 64
    assert is_signed_form_of(signed, precommand)
    assert verify_gbcs_signature(signed, user_key.public_key())
    assert not verify_gbcs_signature(signed, other_key.public_key())


def test_a_signed_payload_altered_anywhere_is_refused() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    precommand = built("FUTURE_DATED_SUCCESS")
    signed = sign_precommand(precommand, key)
    # counter, other-information length, recipient, image hash, execution time, signature
    for index in (3, 30, 25, 60, len(signed) - 70, len(signed) - 1):
        altered = bytearray(signed)
        altered[index] ^= 0x01
        try:
            assert not verify_gbcs_signature(bytes(altered), key.public_key()), index
        except DuisError:
            pass  # no longer a Signed Pre-Command at all: refused saying where
        assert is_signed_form_of(bytes(altered), precommand) is (index >= len(signed) - 64), index


def test_the_vector_signatures_are_not_valid_for_a_stranger() -> None:
    stranger = ec.generate_private_key(ec.SECP256R1()).public_key()
    assert not verify_gbcs_signature(signed_from_vector("IMMEDIATE_SUCCESS"), stranger)


def test_a_signed_form_of_another_pre_command_does_not_match() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    signed = sign_precommand(built("IMMEDIATE_SUCCESS"), key)
    assert not is_signed_form_of(signed, built("IMMEDIATE_ERROR"))  # another counter
    other_hash = build_precommand(ActivateFirmware("00" * 32), originator=USER, device=ESME, counter=1000)
    assert not is_signed_form_of(signed, other_hash)
    assert not is_signed_form_of(built("IMMEDIATE_SUCCESS"), built("IMMEDIATE_SUCCESS"))  # unsigned


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"", "not a general-signing APDU"),
        (bytes.fromhex("DD00"), "not a general-signing APDU"),
        (bytes.fromhex("DF0902"), "truncated"),
    ],
)
def test_what_is_not_a_signed_pre_command_is_refused_saying_where(payload: bytes, reason: str) -> None:
    with pytest.raises(DuisError, match=reason):
        signed_parts(payload)


def test_a_pre_command_without_a_signature_is_not_a_signed_one() -> None:
    with pytest.raises(DuisError, match="64-byte signature"):
        signed_parts(built("IMMEDIATE_SUCCESS"))
    with pytest.raises(DuisError, match="already signed"):
        precommand_body(signed_from_vector("IMMEDIATE_SUCCESS"))


def test_large_counters_such_as_dcc_boxed_millisecond_ones_round_trip() -> None:
    counter = 1_796_115_690_090  # DCC Boxed's signer puts System.currentTimeMillis() in the RequestID
    precommand = build_precommand(ActivateFirmware(HASH), originator=USER, device=ESME, counter=counter)
    assert activation_of(precommand) == Activation(USER, ESME, counter, bytes.fromhex(HASH))


def test_bad_facts_are_refused() -> None:
    with pytest.raises(DuisError, match="32 bytes of hex"):
        build_precommand(ActivateFirmware("AB"), originator=USER, device=ESME, counter=1)
    with pytest.raises(DuisError, match="time zone"):
        build_precommand(ActivateFirmware(HASH, datetime(2030, 1, 1)), originator=USER, device=ESME, counter=1)
    with pytest.raises(DuisError, match="EUI-64"):
        build_precommand(ActivateFirmware(HASH), originator="nobody", device=ESME, counter=1)


def test_a_content_counter_that_differs_from_the_header_is_refused() -> None:
    precommand = bytearray(built("IMMEDIATE_SUCCESS"))
    precommand[precommand.index(b"\x02\x02\x03\xe8") + 3] = 0xE9  # content counter 1001, header 1000
    with pytest.raises(DuisError, match="differs"):
        activation_of(bytes(precommand))


def test_a_changed_execution_time_is_another_pre_command() -> None:
    body = ActivateFirmware(HASH, datetime(2030, 1, 15, 9, tzinfo=UTC))
    later = replace(body, execution_datetime=datetime(2030, 1, 15, 10, tzinfo=UTC))
    key = ec.generate_private_key(ec.SECP256R1())
    signed = sign_precommand(build_precommand(body, originator=USER, device=ESME, counter=7), key)
    assert not is_signed_form_of(signed, build_precommand(later, originator=USER, device=ESME, counter=7))
