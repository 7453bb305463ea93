"""Identifiers at the edge of the model: EUI-64 device and user IDs, firmware versions, SRVs.

Everything past these functions holds the canonical form (upper case, dashed EUI-64; 8 hex digits).
"""
from __future__ import annotations

import hashlib
import re

from dsp.errors import DomainError

_EUI64 = re.compile(r"^[0-9A-Fa-f]{2}(?:-?[0-9A-Fa-f]{2}){7}$")
_FIRMWARE = re.compile(r"^[0-9A-Fa-f]{8}$")


def eui64(value: str) -> str:
    """Canonical EUI-64 (`00-DB-12-34-56-78-90-A0`) from dashed or bare hex, any case."""
    if not isinstance(value, str) or not _EUI64.match(value.strip()):
        raise DomainError(f"malformed EUI-64 {value!r}: expected 8 hex bytes such as 00-DB-12-34-56-78-90-A0")
    digits = value.strip().replace("-", "").upper()
    return "-".join(digits[i : i + 2] for i in range(0, 16, 2))


def firmware_version(value: str) -> str:
    """Canonical firmware version: 4 bytes as 8 upper-case hex digits (`0123ABCD`)."""
    if not isinstance(value, str) or not _FIRMWARE.match(value.strip()):
        raise DomainError(f"malformed firmware version {value!r}: expected 8 hex digits such as 0100AAAA")
    return value.strip().upper()


def image_hash(device_type: str, model: str, version: str) -> bytes:
    """The 32-byte hash of the firmware image for a model at a version, when no real image is given.

    Deterministic, so the CPL, the devices and the supplier agree without sharing an image file.
    """
    return hashlib.sha256(f"{device_type}|{model}|{version}".encode()).digest()
