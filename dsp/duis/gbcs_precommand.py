"""The GBCS command of a Critical 11.3 (CS06 Activate Firmware) as the Transform Service returns it
(CV 4: a DUIS ``PreCommand``), and the User's signed form of it that comes back (CV 5: a DUIS
``SignedPreCommand``).

Byte layout (the RTDS vectors ``11.3_CS06/*_PRECOMMAND_GBCS.HEX``; lengths as in :mod:`gbcs_frame`)::

    DF 09 01 <originator counter: 8> 08 <originator: 8> 08 <recipient: 8> 00 02 00 12
       <content length> 30 <len> 04 20 <image hash: 32> 02 <len> <originator counter>
                                 [18 0F <execution date-time: YYYYMMDDhhmmssZ>]
       00                                   <- signature length 0: the pre-command carries no signature

The RTDS vectors end before that last 0x00; GBCS and DCC Boxed from 1.4.1 carry it, and a client strips
it before signing (DCC's ``gbcs-parser`` accepts both). The User signs every byte after the 0xDF tag up
to the end of the content (ECDSA P-256 / SHA-256) and appends ``40 <r: 32> <s: 32>``: that is the
``SignedPreCommand/GBCSPayload`` (the COMMAND vectors carry it inside a general-ciphering APDU with the
DSP's MAC). The originator is the User (the RequestID's first EUI-64), the recipient the device, and the
originator counter the RequestID's counter, both in the header and in the CS06 content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from dsp.duis.bodies import CANCELLATION_DATETIME, ActivateFirmware
from dsp.duis.errors import DuisError
from dsp.duis.gbcs import CS06
from dsp.duis.gbcs_build import _der, _der_int, _signing  # one home for the GBCS encodings
from dsp.duis.gbcs_encodings import der, der_int
from dsp.duis.gbcs_frame import CRA_COMMAND, ByteReader, GbcsFrame, parse_frame

__all__ = [
    "SIGNATURE_BYTES",
    "Activation",
    "activation_of",
    "build_precommand",
    "is_signed_form_of",
    "precommand_body",
    "sign_precommand",
    "signed_parts",
    "verify_gbcs_signature",
]

SIGNATURE_BYTES = 64  # ECDSA P-256: r and s, 32 bytes each
_GBCS_CANCELLATION = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)  # what DUIS 3000-12-31 becomes
_GENERALIZED_TIME = 0x18


@dataclass(frozen=True, slots=True)
class Activation:
    """The facts a CS06 Activate Firmware command carries."""

    originator: str  # the User's EUI-64, e.g. "90-B3-D5-1F-30-01-00-00"
    device: str  # the recipient's EUI-64
    counter: int  # originator counter = the RequestID's counter
    image_hash: bytes  # 32 bytes
    execution: datetime | None = None  # None: immediate; CANCELLATION_DATETIME: cancel a pending one

    @property
    def is_cancellation(self) -> bool:
        """Whether this command cancels a pending future-dated activation."""
        return self.execution == CANCELLATION_DATETIME


def build_precommand(
    body: ActivateFirmware, *, originator: str, device: str, counter: int, signature_length_byte: bool = True
) -> bytes:
    """The CS06 pre-command for an 11.3 request: what the Transform Service returns in
    ``PreCommand/GBCSPayload``. ``signature_length_byte=False`` gives the RTDS vectors' form."""
    try:
        image_hash = bytes.fromhex(body.firmware_hash)
    except ValueError:
        image_hash = b""
    if len(image_hash) != 32:
        raise DuisError(f"11.3 pre-command: firmware hash {body.firmware_hash!r} is not 32 bytes of hex")
    content = _der(0x04, image_hash) + _der_int(counter)
    if body.execution_datetime is not None:
        content += _der(_GENERALIZED_TIME, _generalized_time(body.execution_datetime))
    precommand = _signing(CRA_COMMAND, counter, originator, device, CS06, _der(0x30, content), signature=b"")
    return precommand if signature_length_byte else precommand[:-1]


def precommand_body(precommand: bytes) -> bytes:
    """The signed part of a pre-command with its 0xDF tag: the pre-command without its empty
    signature-length byte, if it has one (the form the RTDS vectors and DCC Boxed < 1.4.1 use)."""
    frame = _command_frame(precommand, "GBCS pre-command")
    end = _content_end(frame)
    if len(precommand) == end:
        return bytes(precommand)
    if len(precommand) == end + 1 and precommand[end] == 0x00:
        return bytes(precommand[:end])
    raise DuisError("GBCS pre-command: already signed (its signature length is not 0)")


def signed_parts(signed: bytes) -> tuple[bytes, bytes]:
    """Split a Signed Pre-Command into (pre-command body, 64-byte signature); DuisError if ``signed``
    is not a general-signing command ending in a 64-byte signature."""
    frame = _command_frame(signed, "Signed Pre-Command")
    end = _content_end(frame)
    if len(signed) != end + 1 + SIGNATURE_BYTES or signed[end] != SIGNATURE_BYTES:
        raise DuisError(f"Signed Pre-Command: byte {end}: expected a {SIGNATURE_BYTES}-byte signature after the content")
    return bytes(signed[:end]), bytes(signed[end + 1 :])


def is_signed_form_of(signed: bytes, precommand: bytes) -> bool:
    """Whether ``signed`` is ``precommand`` (with or without its empty signature-length byte) with a
    64-byte signature appended; the signature itself is not checked here."""
    try:
        body, _ = signed_parts(signed)
        return body == precommand_body(precommand)
    except DuisError:
        return False


def verify_gbcs_signature(signed: bytes, public_key: ec.EllipticCurvePublicKey) -> bool:
    """Whether the signature of a Signed Pre-Command verifies with ``public_key`` (ECDSA P-256 over the
    bytes after the 0xDF tag, SHA-256; the signature is r || s)."""
    body, signature = signed_parts(signed)
    if not isinstance(public_key.curve, ec.SECP256R1):
        raise DuisError(f"GBCS signatures use P-256, not {public_key.curve.name}")
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    try:
        public_key.verify(encode_dss_signature(r, s), body[1:], ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def sign_precommand(precommand: bytes, private_key: ec.EllipticCurvePrivateKey) -> bytes:
    """What a User's client does with a pre-command: sign it and append the signature (CV 5)."""
    if not isinstance(private_key.curve, ec.SECP256R1):
        raise DuisError(f"GBCS signatures use P-256, not {private_key.curve.name}")
    body = precommand_body(precommand)
    r, s = decode_dss_signature(private_key.sign(body[1:], ec.ECDSA(hashes.SHA256())))
    return body + bytes([SIGNATURE_BYTES]) + r.to_bytes(32, "big") + s.to_bytes(32, "big")


def activation_of(payload: bytes) -> Activation:
    """The facts of a CS06 command: a pre-command (either form) or a Signed Pre-Command."""
    frame = _command_frame(payload, "CS06 command")
    if frame.message_code != CS06:
        raise DuisError(f"CS06 command: message code 0x{frame.message_code:04X} is not CS06 (0x0012)")
    r = ByteReader(frame.content, "CS06 command", frame.content_offset)
    seq = der(r, 0x30, "Activate Firmware command")
    image_hash = der(seq, 0x04, "image hash").data
    if len(image_hash) != 32:
        raise seq.fail(f"image hash must be 32 bytes, not {len(image_hash)}")
    counter = der_int(seq, "originator counter")
    execution = None
    if seq.left:
        execution = _read_generalized_time(der(seq, _GENERALIZED_TIME, "execution date-time"))
    seq.expect_end("the Activate Firmware command")
    r.expect_end("the Activate Firmware command")
    if counter != frame.originator_counter:
        raise DuisError(
            f"CS06 command: originator counter {counter} in the content differs from {frame.originator_counter} in the header"
        )
    return Activation(frame.originator, frame.recipient, counter, image_hash, execution)


# --- helpers ----------------------------------------------------------------------------------------


def _command_frame(payload: bytes, what: str) -> GbcsFrame:
    if not payload or payload[0] != 0xDF:
        raise DuisError(f"{what}: byte 0: not a general-signing APDU (0xDF)")
    frame = parse_frame(payload, what)
    if frame.cra_flag != CRA_COMMAND:
        raise DuisError(f"{what}: CRA flag {frame.cra_flag} is not 1 (command)")
    return frame


def _content_end(frame: GbcsFrame) -> int:
    return frame.content_offset + len(frame.content)


def _generalized_time(when: datetime) -> bytes:
    if when.tzinfo is None:
        raise DuisError("11.3 pre-command: the execution date-time has no time zone")
    when = _GBCS_CANCELLATION if when == CANCELLATION_DATETIME else when.astimezone(UTC)
    return when.strftime("%Y%m%d%H%M%SZ").encode("ascii")


def _read_generalized_time(r: ByteReader) -> datetime:
    text = r.take(r.left, "execution date-time").decode("ascii", "replace")
    try:
        when = datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise r.fail(f"execution date-time {text!r} is not a GeneralizedTime YYYYMMDDhhmmssZ") from None
    return CANCELLATION_DATETIME if when == _GBCS_CANCELLATION else when
