"""Split a GBCS message into its grouping header and payload (no cryptography: MACs and signatures
are carried, not checked).

A GBCS message is a general-signing APDU (tag 0xDF), optionally inside a general-ciphering APDU (tag
0xDD) whose content is authenticated but not encrypted::

    DD 00 00 00 00 00 00 <len> <security header: 5> DF ... <MAC: 12>
    DF 09 <CRA flag> <originator counter: 8> 08 <originator: 8> 08 <recipient: 8>
       <date-time: 0 or 12> <other-info: message code (2) [+ supplementary remote party]>
       <content> <signature: 0 or 64; absent from an unsigned command (DUIS PreCommand)>

Lengths are single bytes below 0x80, else 0x81/0x82/0x83 followed by 1 to 3 length bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from dsp.duis.errors import DuisError

__all__ = ["CRA_ALERT", "CRA_COMMAND", "CRA_RESPONSE", "ByteReader", "GbcsFrame", "parse_frame"]

CRA_COMMAND, CRA_RESPONSE, CRA_ALERT = 1, 2, 3
_GENERAL_CIPHERING, _GENERAL_SIGNING = 0xDD, 0xDF
_ENCRYPTED = 0x20  # security control byte, bit 5 (E)


class ByteReader:
    """Bounds-checked reading of ``data``; errors name the byte offset within the whole payload."""

    def __init__(self, data: bytes, what: str = "GBCS payload", base: int = 0) -> None:
        self.data, self.what, self.base, self.pos = data, what, base, 0

    @property
    def left(self) -> int:
        """Bytes not yet read."""
        return len(self.data) - self.pos

    def fail(self, what: str) -> DuisError:
        """The error for ``what`` at the current position."""
        return DuisError(f"{self.what}: byte {self.base + self.pos}: {what}")

    def take(self, n: int, field: str) -> bytes:
        """The next ``n`` bytes."""
        if n < 0 or n > self.left:
            raise self.fail(f"truncated: {field} needs {n} bytes, {self.left} left")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def uint(self, n: int, field: str) -> int:
        """The next ``n`` bytes as a big-endian unsigned integer."""
        return int.from_bytes(self.take(n, field), "big")

    def length(self, field: str) -> int:
        """A GBCS/DER length: one byte below 0x80, else 0x81..0x83 and that many length bytes."""
        first = self.uint(1, field)
        if first < 0x80:
            return first
        if first in (0x81, 0x82, 0x83):
            return self.uint(first & 0x03, field)
        raise self.fail(f"{field}: unsupported length encoding 0x{first:02X}")

    def sub(self, n: int, field: str) -> ByteReader:
        """A reader over the next ``n`` bytes."""
        start = self.base + self.pos
        return ByteReader(self.take(n, field), self.what, start)

    def expect_end(self, field: str) -> None:
        """Fail if bytes are left over."""
        if self.left:
            raise self.fail(f"{self.left} unexpected bytes after {field}")


@dataclass(frozen=True, slots=True)
class GbcsFrame:
    """The grouping header of a GBCS message and its still-encoded content."""

    ciphered: bool  # carried in a general-ciphering APDU
    cra_flag: int  # 1 command, 2 response, 3 alert
    originator_counter: int
    originator: str  # system title (EUI-64), e.g. "00-DB-12-34-56-78-90-A0"
    recipient: str
    message_code: int
    content: bytes
    content_offset: int  # where ``content`` starts within the payload, for error messages


def parse_frame(payload: bytes, what: str = "GBCS payload") -> GbcsFrame:
    """Parse the general-ciphering / general-signing headers of ``payload``."""
    r = ByteReader(bytes(payload), what)
    if not r.left:
        raise r.fail("empty")
    tag = r.data[0]
    if tag == _GENERAL_CIPHERING:
        return _ciphering(r)
    if tag == _GENERAL_SIGNING:
        frame = _signing(r, ciphered=False)
        r.expect_end("the signature")
        return frame
    raise r.fail(f"not a GBCS message: starts 0x{tag:02X}, expected 0xDD or 0xDF")


def _ciphering(r: ByteReader) -> GbcsFrame:
    header = r.take(7, "general-ciphering header")
    if header[1] != 0x00:
        raise r.fail("general block transfer (GBT) messages are not supported")
    if header[2:] != bytes(5):
        raise r.fail("unexpected general-ciphering header (transaction id, titles, date or key info set)")
    body = r.sub(r.length("ciphered content length"), "ciphered content")
    r.expect_end("the ciphered content")
    security = body.take(5, "security header")
    if security[0] & _ENCRYPTED:
        raise body.fail("encrypted GBCS content cannot be read without keys")
    if body.left < 12:
        raise body.fail("truncated: no room for the 12-byte MAC")
    inner = ByteReader(body.take(body.left - 12, "signed content"), r.what, body.base + 5)
    if not inner.left or inner.data[0] != _GENERAL_SIGNING:
        raise inner.fail("general-ciphering content is not a general-signing APDU (0xDF)")
    frame = _signing(inner, ciphered=True)
    inner.expect_end("the signature")
    return frame


def _signing(r: ByteReader, *, ciphered: bool) -> GbcsFrame:
    r.take(1, "general-signing tag")
    if r.uint(1, "transaction id length") != 9:
        raise r.fail("transaction id must be 9 bytes (CRA flag + originator counter)")
    cra = r.uint(1, "CRA flag")
    if cra not in (CRA_COMMAND, CRA_RESPONSE, CRA_ALERT):
        raise r.fail(f"CRA flag {cra} is not 1 (command), 2 (response) or 3 (alert)")
    counter = r.uint(8, "originator counter")
    originator = _system_title(r, "originator system title")
    recipient = _system_title(r, "recipient system title")
    stamp_len = r.uint(1, "date-time length")
    if stamp_len not in (0, 12):
        raise r.fail(f"date-time must be 0 or 12 bytes, not {stamp_len}")
    r.take(stamp_len, "date-time")
    other = r.sub(r.length("other-information length"), "other information")
    message_code = other.uint(2, "message code")
    content_len = r.length("content length")
    content_offset = r.base + r.pos
    content = r.take(content_len, "content")
    if r.left or ciphered or cra != CRA_COMMAND:
        r.take(r.length("signature length"), "signature")
    # else: a DUIS PreCommand, which ends before the signature the User adds
    return GbcsFrame(ciphered, cra, counter, originator, recipient, message_code, content, content_offset)


def _system_title(r: ByteReader, field: str) -> str:
    if r.uint(1, f"{field} length") != 8:
        raise r.fail(f"{field} must be 8 bytes")
    return "-".join(f"{b:02X}" for b in r.take(8, field))
