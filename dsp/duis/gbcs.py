"""Firmware facts from a GBCS message: the version a device reports (11.2, 11.3) and the outcome of
an activation (11.3 responses, future-dated activation alerts 0x8F66/0x8F67).

Use cases read (message code, payload format):

- ECS52 Read ESME/SAPC/Comms Hub Firmware Version (0x0059, DLMS access-response)
- GCS38 Read GSME Firmware Version (0x0084, ZigBee GBZ: Metering cluster attribute 0x0206)
- CS08 Read PPMID/HCALCS Firmware Version (0x0129, ASN.1)
- CS06 Activate Firmware (0x0012, ASN.1) and its future-dated alert (0x00CA, ASN.1)

Other messages yield their header facts and, for alerts, the alert code where it can be found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from dsp.duis.errors import DuisError
from dsp.duis.gbcs_encodings import der, der_int, dlms_access_result, dlms_data, zcl_read_attributes
from dsp.duis.gbcs_frame import CRA_ALERT, CRA_RESPONSE, ByteReader, parse_frame
from dsp.vocabulary import ActivationOutcome  # GBCS ActivateImageResponseCode, R-DEV-2

__all__ = ["FirmwareFacts", "firmware_facts", "payload_from_hex"]

ECS52, GCS38, CS08, CS06, CS06_ALERT = 0x0059, 0x0084, 0x0129, 0x0012, 0x00CA
# Alerts whose ASN.1 payload starts SEQUENCE { alertCode INTEGER, ... }: CS06, CS02b, GCS62, CCS08, CS08
_ASN1_ALERTS = {CS06_ALERT, 0x00CB, 0x00B2, 0x0128, CS08}
_USE_CASES = {ECS52: "ECS52", GCS38: "GCS38", CS08: "CS08", CS06: "CS06", CS06_ALERT: "CS06"}


@dataclass(frozen=True, slots=True)
class FirmwareFacts:
    """What a GBCS message says about firmware; ``None`` where it says nothing."""

    message_code: int
    cra_flag: int  # 1 command, 2 response, 3 alert
    originator: str  # system title of the sender (EUI-64)
    originator_counter: int
    firmware_version: str | None = None  # 8 upper-case hex characters, e.g. "0123ABCD"
    activation_outcome: ActivationOutcome | None = None
    alert_code: int | None = None  # e.g. 0x8F66
    command_counter: int | None = None  # CS06 alert: originator counter of the future-dated command

    @property
    def use_case(self) -> str | None:
        """The GBCS use case, for the message codes this module reads."""
        return _USE_CASES.get(self.message_code)


def payload_from_hex(text: str) -> bytes:
    """Bytes of a hex test vector (whitespace allowed)."""
    try:
        return bytes.fromhex("".join(text.split()))
    except ValueError:
        raise DuisError("GBCS payload: not a hex string") from None


def firmware_facts(payload: bytes) -> FirmwareFacts:
    """Read the firmware facts of one GBCS message; raise :class:`DuisError` for anything malformed."""
    frame = parse_frame(payload)
    facts = FirmwareFacts(frame.message_code, frame.cra_flag, frame.originator, frame.originator_counter)
    body = ByteReader(frame.content, "GBCS payload", frame.content_offset)
    if frame.cra_flag == CRA_RESPONSE and frame.message_code in _RESPONSES:
        return _RESPONSES[frame.message_code](body, facts)
    if frame.cra_flag == CRA_ALERT:
        return _alert(body, facts)
    return facts  # commands, and responses of use cases that carry no firmware facts


# --- responses --------------------------------------------------------------------------------------


def _ecs52(r: ByteReader, facts: FirmwareFacts) -> FirmwareFacts:
    """DLMS access-response: the firmware version is the first datum, if its get succeeded."""
    if r.uint(1, "DLMS tag") != 0xDA:
        raise r.fail("ECS52 response is not a DLMS access-response (0xDA)")
    r.take(4, "long-invoke-id-and-priority")
    r.take(r.uint(1, "date-time length"), "date-time")
    if r.uint(1, "access-request-specification") != 0:
        raise r.fail("access-request-specification in a response is not supported")
    data = [dlms_data(r, 0) for _ in range(r.length("list-of-data count"))]
    results = [dlms_access_result(r) for _ in range(r.length("access-response count"))]
    r.expect_end("the access-response")
    value = data[0] if data else None
    if results and results[0] == 0 and isinstance(value, bytes):
        return replace(facts, firmware_version=_version(r, value))
    return facts


def _gcs38(r: ByteReader, facts: FirmwareFacts) -> FirmwareFacts:
    """GBZ read-attributes response: Metering (0x0702) attribute 0x0206 holds the GSME version."""
    if r.uint(2, "GBZ profile id") != 0x0109:
        raise r.fail("GCS38 response is not a GBZ payload (profile 0x0109)")
    for _ in range(r.uint(1, "GBZ component count")):
        control = r.uint(1, "GBZ extended header control")
        cluster = r.uint(2, "cluster id")
        frame = r.sub(r.uint(2, "GBZ command length"), "GBZ command")
        if control & 0x02:  # encrypted ZCL payload: not a firmware read
            continue
        if control & 0x10:
            frame.take(4, "GBZ from-date-time")
        control_field = frame.uint(1, "ZCL frame control")
        if control_field & 0x04:
            frame.take(2, "ZCL manufacturer code")
        frame.take(1, "ZCL sequence number")
        command = frame.uint(1, "ZCL command id")
        if cluster == 0x0702 and control_field & 0x03 == 0 and command == 0x01:
            for attribute, value in zcl_read_attributes(frame):
                if attribute == 0x0206 and value is not None:
                    facts = replace(facts, firmware_version=_version(frame, value))
    return facts


def _cs08(r: ByteReader, facts: FirmwareFacts) -> FirmwareFacts:
    """SEQUENCE { firmwareVersion OCTET STRING, responseCode INTEGER (0 success, 1 failure) }."""
    seq = der(r, 0x30, "CS08 response")
    version = der(seq, 0x04, "firmware version").data
    code = der_int(seq, "read response code")
    seq.expect_end("the CS08 response")
    r.expect_end("the CS08 response")
    return replace(facts, firmware_version=_version(seq, version)) if code == 0 else facts


def _cs06(r: ByteReader, facts: FirmwareFacts) -> FirmwareFacts:
    """NULL (a future-dated command accepted), or the execution outcome (R-DEV-2)."""
    if r.left >= 1 and r.data[r.pos] == 0x05:
        der(r, 0x05, "command accepted")
        r.expect_end("the CS06 response")
        return facts
    outcome, version = _execution_outcome(r)
    r.expect_end("the CS06 response")
    return replace(facts, activation_outcome=outcome, firmware_version=version)


_RESPONSES: dict[int, Callable[[ByteReader, FirmwareFacts], FirmwareFacts]] = {
    ECS52: _ecs52,
    GCS38: _gcs38,
    CS08: _cs08,
    CS06: _cs06,
}


# --- alerts -----------------------------------------------------------------------------------------


def _alert(r: ByteReader, facts: FirmwareFacts) -> FirmwareFacts:
    if facts.message_code == CS06_ALERT:  # R-FD-1: 0x8F66 / 0x8F67 after a future-dated activation
        seq = der(r, 0x30, "CS06 alert")
        alert_code = der_int(seq, "alert code")
        der(seq, 0x18, "execution date-time")
        command_counter = der_int(seq, "originator counter")
        outcome, version = _execution_outcome(seq)
        seq.expect_end("the CS06 alert")
        r.expect_end("the CS06 alert")
        return replace(
            facts,
            alert_code=alert_code,
            command_counter=command_counter,
            activation_outcome=outcome,
            firmware_version=version,
        )
    if facts.message_code in _ASN1_ALERTS:
        return replace(facts, alert_code=der_int(der(r, 0x30, "alert"), "alert code"))
    if r.left and r.data[0] == 0x0F:  # DLMS data-notification: structure { long-unsigned code, ... }
        r.take(5, "data-notification header")
        r.take(r.uint(1, "date-time length"), "date-time")
        if r.uint(1, "DLMS tag") != 0x02:
            raise r.fail("alert body is not a DLMS structure")
        r.length("structure size")
        if r.uint(1, "alert code tag") != 0x12:
            raise r.fail("alert code is not a DLMS long-unsigned")
        return replace(facts, alert_code=r.uint(2, "alert code"))
    if r.left >= 5 and r.data[:2] == b"\x01\x09":  # GBZ alert: profile, component count, alert code
        r.take(3, "GBZ alert header")
        return replace(facts, alert_code=r.uint(2, "alert code"))
    return facts


# --- shared by CS06 responses and alerts -------------------------------------------------------


def _execution_outcome(r: ByteReader) -> tuple[ActivationOutcome, str]:
    """SEQUENCE { activateImageResponseCode INTEGER (0..3), firmwareVersion OCTET STRING }."""
    seq = der(r, 0x30, "execution outcome")
    code = der_int(seq, "activate image response code")
    version = der(seq, 0x04, "firmware version").data
    seq.expect_end("the execution outcome")
    try:
        outcome = ActivationOutcome(code)
    except ValueError:
        raise seq.fail(f"activate image response code {code} is not 0..3") from None
    return outcome, _version(seq, version)


def _version(r: ByteReader, value: bytes) -> str:
    if len(value) != 4:
        raise r.fail(f"firmware version must be 4 bytes, not {len(value)}")
    return value.hex().upper()
