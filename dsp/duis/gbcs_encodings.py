"""The payload encodings GBCS uses, read just far enough for firmware facts: ASN.1 DER (GBCS
use cases such as CS06, CS08), DLMS COSEM A-XDR data (ESME) and ZigBee ZCL attribute records (GSME)."""

from __future__ import annotations

from dsp.duis.gbcs_frame import ByteReader

__all__ = ["der", "der_int", "dlms_access_result", "dlms_data", "zcl_read_attributes"]


def der(r: ByteReader, tag: int, field: str) -> ByteReader:
    """The value of the next DER element, which must have ``tag``."""
    found = r.uint(1, f"{field} tag")
    if found != tag:
        raise r.fail(f"{field}: expected ASN.1 tag 0x{tag:02X}, found 0x{found:02X}")
    return r.sub(r.length(f"{field} length"), field)


def der_int(r: ByteReader, field: str) -> int:
    """The next DER INTEGER (up to 8 bytes, signed)."""
    value = der(r, 0x02, field)
    if not 1 <= value.left <= 8:
        raise value.fail(f"{field}: INTEGER of {value.left} bytes")
    return int.from_bytes(value.data, "big", signed=True)


def dlms_access_result(r: ByteReader) -> int:
    """One access-response-specification (get, set or action): its data-access-result."""
    choice = r.uint(1, "access-response choice")
    if choice not in (1, 2, 3):
        raise r.fail(f"access-response choice {choice} is not get, set or action")
    return r.uint(1, "data-access-result")


# Fixed-size DLMS data types: tag -> value bytes
_DLMS_FIXED = {
    3: 1,  # boolean
    5: 4,  # double-long
    6: 4,  # double-long-unsigned
    13: 1,  # bcd
    15: 1,  # integer
    16: 2,  # long
    17: 1,  # unsigned
    18: 2,  # long-unsigned
    20: 8,  # long64
    21: 8,  # long64-unsigned
    22: 1,  # enum
    23: 4,  # float32
    24: 8,  # float64
    25: 12,  # date-time
    26: 5,  # date
    27: 4,  # time
}


def dlms_data(r: ByteReader, depth: int) -> object:
    """One DLMS Data value: bytes for strings, a list for arrays and structures, else ``None``."""
    tag = r.uint(1, "DLMS data tag")
    if tag == 0:
        return None
    if tag in (1, 2):
        if depth > 16:
            raise r.fail("DLMS data nested too deeply")
        return [dlms_data(r, depth + 1) for _ in range(r.length("DLMS element count"))]
    if tag in (9, 10, 12):
        return r.take(r.length("DLMS string length"), "DLMS string")
    if tag == 4:
        r.take((r.length("DLMS bit-string length") + 7) // 8, "DLMS bit-string")
        return None
    if tag in _DLMS_FIXED:
        r.take(_DLMS_FIXED[tag], "DLMS value")
        return None
    raise r.fail(f"unsupported DLMS data type {tag}")


# Fixed-size ZCL data types: type id -> value bytes (data8..64, bitmap8..64, uint8..64 and int8..64
# are added below)
_ZCL_FIXED = {
    0x10: 1,  # boolean
    0x30: 1,  # enum8
    0x31: 2,  # enum16
    0x38: 2,  # semi-precision float
    0x39: 4,  # single-precision float
    0x3A: 8,  # double-precision float
    0xE0: 4,  # time of day
    0xE1: 4,  # date
    0xE2: 4,  # UTC time
    0xE8: 2,  # cluster id
    0xE9: 2,  # attribute id
    0xEA: 4,  # BACnet OID
    0xF0: 8,  # IEEE address
    0xF1: 16,  # 128-bit security key
}
_ZCL_FIXED.update({t: (t & 0x07) + 1 for t in (*range(0x08, 0x10), *range(0x18, 0x30))})


def zcl_read_attributes(r: ByteReader) -> list[tuple[int, bytes | None]]:
    """Records of a ZCL Read Attributes Response: (attribute id, string value or None)."""
    records: list[tuple[int, bytes | None]] = []
    while r.left:
        attribute = int.from_bytes(r.take(2, "ZCL attribute id"), "little")
        if r.uint(1, "ZCL attribute status") != 0:
            records.append((attribute, None))
            continue
        kind = r.uint(1, "ZCL data type")
        if kind in (0x41, 0x42):
            size = r.uint(1, "ZCL string length")
            records.append((attribute, None if size == 0xFF else r.take(size, "ZCL string")))
        elif kind in (0x43, 0x44):
            size = int.from_bytes(r.take(2, "ZCL long string length"), "little")
            records.append((attribute, None if size == 0xFFFF else r.take(size, "ZCL string")))
        elif kind in _ZCL_FIXED:
            r.take(_ZCL_FIXED[kind], "ZCL value")
            records.append((attribute, None))
        else:
            raise r.fail(f"unsupported ZCL data type 0x{kind:02X}")
    return records
