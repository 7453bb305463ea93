"""Build the GBCS messages a simulated SMETS2 device sends back, so rendered DUIS responses carry their
firmware facts where real ones do: inside the base64 ``GBCSPayload``.

The layouts are those of the Reference Test Data Set vectors (``shared/duis/gbcs_rtds``) that
:mod:`dsp.duis.gbcs` reads, so ``firmware_facts(build(...))`` gives back what was put in:

- ECS52 (0x0059, ESME and CHF), GCS38 (0x0084, GSME; a GPF answers with its copy, R-112-6) and CS08
  (0x0129, PPMID and HCALCS) 11.2 responses, in a general-ciphering APDU that is authenticated, not
  encrypted;
- CS06 (0x0012) 11.3 responses and its future-dated activation alert (0x00CA, 0x8F66/0x8F67), in a
  general-signing APDU.

The simulator holds no keys: MACs and signatures are zero-filled placeholders of the right length, and
the date-time field is left empty. A reader that verifies them will reject these messages, as it should.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dsp.duis.errors import DuisError
from dsp.duis.gbcs import CS06, CS06_ALERT, CS08, ECS52, GCS38  # the codes the reader reads
from dsp.vocabulary import ActivationOutcome, DeviceType

__all__ = [
    "activation_alert",
    "activation_response",
    "firmware_read_response",
    "read_use_case",
]

_CRA_RESPONSE, _CRA_ALERT = 2, 3
_MAC = bytes(12)
_SIGNATURE = bytes(64)

# Which GBCS use case answers an 11.2 for each device type (GBCS 4.x use cases for SRV 11.2)
_READ_USE_CASE = {
    DeviceType.ESME: ECS52,
    DeviceType.CHF: ECS52,
    DeviceType.GSME: GCS38,
    DeviceType.GPF: GCS38,  # R-112-6: the GPF answers with its copy of its GSME's version
    DeviceType.PPMID: CS08,
    DeviceType.HCALCS: CS08,
}


def read_use_case(device_type: DeviceType) -> int:
    """The GBCS message code of an 11.2 response from ``device_type``."""
    return _READ_USE_CASE[device_type]


def firmware_read_response(
    device_type: DeviceType, version: str | None, *, device: str, user: str, counter: int
) -> bytes:
    """An 11.2 response from ``device`` to ``user``; ``version`` None: the read failed."""
    raw = None if version is None else _version_bytes(version)
    code = read_use_case(device_type)
    if code == ECS52:
        # DLMS access-response: invoke-id, no date-time, one datum, one get result
        datum = b"\x00" if raw is None else b"\x09\x04" + raw
        result = b"\x01\x00" if raw is not None else b"\x01\x01"  # get: success / hardware-fault
        content = b"\xda" + (0x20000000 | (counter & 0xFFFFFF)).to_bytes(4, "big") + b"\x00\x00\x01" + datum + b"\x01" + result
    elif code == GCS38:
        # GBZ: one component, Metering cluster, ZCL read-attributes response for attribute 0x0206
        record = b"\x06\x02" + (b"\x86" if raw is None else b"\x00\x41\x04" + raw)
        zcl = b"\x08\x00\x01" + record
        content = b"\x01\x09\x01\x01\x07\x02" + len(zcl).to_bytes(2, "big") + zcl
    else:
        # ASN.1 SEQUENCE { firmwareVersion OCTET STRING, responseCode INTEGER (0 success, 1 failure) }
        content = _der(0x30, _der(0x04, raw or bytes(4)) + _der_int(0 if raw is not None else 1))
    signed = _signing(_CRA_RESPONSE, counter, device, user, code, content, signature=b"")
    return _ciphering(signed)


def activation_response(
    outcome: ActivationOutcome | None, version: str | None, *, device: str, user: str, counter: int
) -> bytes:
    """A CS06 11.3 response: NULL when a future-dated activation was accepted (``outcome`` None), else
    the execution outcome and the version now running (R-DEV-2)."""
    if outcome is None:
        content = b"\x05\x00"
    else:
        content = _execution_outcome(outcome, version)
    return _signing(_CRA_RESPONSE, counter, device, user, CS06, content, signature=_SIGNATURE)


def activation_alert(
    alert_code: int,
    outcome: ActivationOutcome,
    version: str | None,
    *,
    device: str,
    user: str,
    counter: int,
    command_counter: int,
    executed: datetime,
) -> bytes:
    """A CS06 future-dated activation alert (0x00CA): 0x8F66 or 0x8F67 with the outcome (R-FD-1)."""
    if alert_code not in (0x8F66, 0x8F67):
        raise DuisError(f"future-dated activation alert code must be 8F66 or 8F67, not {alert_code:X}")
    stamp = executed.astimezone(UTC).strftime("%Y%m%d%H%M%SZ").encode("ascii")
    content = _der(
        0x30,
        _der_int(alert_code) + _der(0x18, stamp) + _der_int(command_counter) + _execution_outcome(outcome, version),
    )
    return _signing(_CRA_ALERT, counter, device, user, CS06_ALERT, content, signature=_SIGNATURE)


# --- encodings ------------------------------------------------------------------------------------


def _execution_outcome(outcome: ActivationOutcome, version: str | None) -> bytes:
    if version is None:
        raise DuisError("a CS06 execution outcome always carries the running firmware version (R-DEV-2)")
    return _der(0x30, _der_int(int(outcome)) + _der(0x04, _version_bytes(version)))


def _signing(cra: int, counter: int, originator: str, recipient: str, code: int, content: bytes, *, signature: bytes) -> bytes:
    """A general-signing APDU whose other-information is the message code alone."""
    return general_signing(cra, counter, originator, recipient, code.to_bytes(2, "big"), content, signature=signature)


def general_signing(
    cra: int, counter: int, originator: str, recipient: str, other: bytes, content: bytes, *, signature: bytes
) -> bytes:
    """A general-signing APDU (tag 0xDF): CRA flag, originator counter, the two system titles, no date-time,
    the other-information (the message code, and for a command on behalf of a user, more), the content and
    the signature (empty for a command the DCC authenticates, or a pre-command awaiting the user's)."""
    return (
        b"\xdf\x09"
        + bytes([cra])
        + _counter(counter)
        + b"\x08"
        + eui64_bytes(originator)
        + b"\x08"
        + eui64_bytes(recipient)
        + b"\x00"  # no date-time
        + _length(len(other))
        + other
        + _length(len(content))
        + content
        + _length(len(signature))
        + signature
    )


def _ciphering(signed: bytes) -> bytes:
    body = b"\x11\x00\x00\x00\x00" + signed + _MAC  # security control: authenticated, not encrypted
    return b"\xdd" + bytes(6) + _length(len(body)) + body


def _counter(counter: int) -> bytes:
    if not 0 <= counter < 1 << 64:
        raise DuisError(f"GBCS originator counter {counter} does not fit 8 bytes")
    return counter.to_bytes(8, "big")


def eui64_bytes(eui: str) -> bytes:
    """The 8 bytes of an EUI-64, dashed or bare hex: a GBCS system title, a certificate subject's ID."""
    try:
        raw = bytes.fromhex(eui.replace("-", ""))
    except ValueError:
        raw = b""
    if len(raw) != 8:
        raise DuisError(f"{eui!r} is not an EUI-64")
    return raw


def _version_bytes(version: str) -> bytes:
    try:
        raw = bytes.fromhex(version)
    except ValueError:
        raw = b""
    if len(raw) != 4:
        raise DuisError(f"firmware version {version!r} is not 4 bytes of hex")
    return raw


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n <= 0xFF:
        return b"\x81" + bytes([n])
    if n <= 0xFFFF:
        return b"\x82" + n.to_bytes(2, "big")
    return b"\x83" + n.to_bytes(3, "big")


def _der(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _length(len(value)) + value


def _der_int(value: int) -> bytes:
    size = max(1, (value.bit_length() + 8) // 8)  # minimal two's complement, room for the sign bit
    return _der(0x02, value.to_bytes(size, "big", signed=True))
