"""The DUIS Request bodies the harness acts on, as frozen records (element names from the DUIS XSD)."""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from dsp.duis.xmlread import EUI_PATTERN, Reader

__all__ = [
    "CANCELLATION_DATETIME",
    "ActivateFirmware",
    "CommissionDevice",
    "OtherBody",
    "ReadFirmwareVersion",
    "ReadInventory",
    "RequestBody",
    "SignedPreCommand",
    "UpdateFirmware",
    "UpdateSecurityCredentialsCoS",
    "read_request_body",
]

# DUIS cancels a future-dated 11.3 or 6.23 by repeating it with this ExecutionDateTime
# (the RTDS cancellation templates; GBCS carries it on as 9999-12-31T23:59:59Z).
CANCELLATION_DATETIME = datetime(3000, 12, 31, tzinfo=UTC)

_EUI = re.compile(EUI_PATTERN)
_HASH = re.compile(r"[0-9A-Fa-f]{64}")


@dataclass(frozen=True, slots=True)
class UpdateFirmware:
    """SRV 11.1 UpdateFirmware (and 11.4 UpdatePPMIDFirmware): an image for a list of devices."""

    firmware_image: bytes
    firmware_version: str
    device_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReadFirmwareVersion:
    """SRV 11.2 ReadFirmwareVersion, optionally future-dated."""

    execution_datetime: datetime | None = None


@dataclass(frozen=True, slots=True)
class ActivateFirmware:
    """SRV 11.3 ActivateFirmware: immediate, future-dated, or the cancellation of a future-dated one."""

    firmware_hash: str  # 64 upper-case hex characters (32 bytes)
    execution_datetime: datetime | None = None

    @property
    def is_cancellation(self) -> bool:
        """Whether this request cancels a pending future-dated activation."""
        return self.execution_datetime == CANCELLATION_DATETIME

    @property
    def is_future_dated(self) -> bool:
        """Whether the activation is scheduled for later (R-FD-1: outcome arrives as 0x8F66/0x8F67)."""
        return self.execution_datetime is not None and not self.is_cancellation


@dataclass(frozen=True, slots=True)
class UpdateSecurityCredentialsCoS:
    """SRV 6.23 UpdateSecurityCredentialsCoS (change of supplier), optionally future-dated."""

    import_mpxn: str
    supplier_floor_seq_number: int
    execution_datetime: datetime | None = None

    @property
    def is_cancellation(self) -> bool:
        """Whether this request cancels a pending future-dated credentials update."""
        return self.execution_datetime == CANCELLATION_DATETIME


@dataclass(frozen=True, slots=True)
class ReadInventory:
    """SRV 8.2 ReadInventory: exactly one search criterion is set."""

    device_id: str | None = None
    uprn: str | None = None
    mpxn: str | None = None
    post_code: str | None = None
    address_identifier: str | None = None

    @property
    def criterion(self) -> str:
        """The DUIS element searched by: DeviceID, UPRN, MPxN or PropertyFilter."""
        if self.device_id is not None:
            return "DeviceID"
        if self.uprn is not None:
            return "UPRN"
        if self.mpxn is not None:
            return "MPxN"
        return "PropertyFilter"


@dataclass(frozen=True, slots=True)
class CommissionDevice:
    """SRV 8.1.1 CommissionDeviceSynchroniseClock."""

    current_datetime: datetime
    tolerance_period: int


@dataclass(frozen=True, slots=True)
class SignedPreCommand:
    """A Signed Pre-Command (Command Variants 5, 6, 7): the GBCS command of a Critical Service Request
    that the Transform Service returned (CV 4), signed by the User."""

    gbcs_payload: bytes
    execution_datetime: datetime | None = None


@dataclass(frozen=True, slots=True)
class OtherBody:
    """Any other request body: only its element name is kept."""

    element: str


RequestBody = (
    UpdateFirmware
    | ReadFirmwareVersion
    | ActivateFirmware
    | UpdateSecurityCredentialsCoS
    | ReadInventory
    | CommissionDevice
    | SignedPreCommand
    | OtherBody
)


def read_request_body(r: Reader, element: ET.Element) -> tuple[str, RequestBody]:
    """Return the body's element name and its record."""
    kind = r.local(element)
    where = f"sr:Request/sr:Body/sr:{kind}"
    reader = _READERS.get(kind)
    return kind, (reader(r, element, where) if reader else OtherBody(kind))


def _update_firmware(r: Reader, e: ET.Element, where: str) -> UpdateFirmware:
    image_text = r.text(e, "FirmwareImage", where)
    try:
        image = base64.b64decode("".join(image_text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise r.fail(f"{where}/sr:FirmwareImage", "not valid base64") from None
    ids = tuple(part.strip().upper() for part in r.text(e, "DeviceIDList", where).split(","))
    if not all(_EUI.fullmatch(device) for device in ids):
        raise r.fail(f"{where}/sr:DeviceIDList", "not a comma-separated list of EUI-64s")
    return UpdateFirmware(image, r.text(e, "FirmwareVersion", where), ids)


def _signed_pre_command(r: Reader, e: ET.Element, where: str) -> SignedPreCommand:
    text = r.text(e, "GBCSPayload", where)
    try:
        payload = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise r.fail(f"{where}/sr:GBCSPayload", "not valid base64") from None
    return SignedPreCommand(payload, r.optional_date_time(e, "ExecutionDateTime", where))


def _read_firmware_version(r: Reader, e: ET.Element, where: str) -> ReadFirmwareVersion:
    return ReadFirmwareVersion(r.optional_date_time(e, "ExecutionDateTime", where))


def _activate_firmware(r: Reader, e: ET.Element, where: str) -> ActivateFirmware:
    digest = r.text(e, "FirmwareHash", where)
    if not _HASH.fullmatch(digest):
        raise r.fail(f"{where}/sr:FirmwareHash", "not 32 bytes of hex")
    return ActivateFirmware(digest.upper(), r.optional_date_time(e, "ExecutionDateTime", where))


def _update_credentials_cos(r: Reader, e: ET.Element, where: str) -> UpdateSecurityCredentialsCoS:
    return UpdateSecurityCredentialsCoS(
        import_mpxn=r.text(e, "ImportMPxN", where),
        supplier_floor_seq_number=r.integer(e, "SupplierFloorSeqNumber", where),
        execution_datetime=r.optional_date_time(e, "ExecutionDateTime", where),
    )


def _read_inventory(r: Reader, e: ET.Element, where: str) -> ReadInventory:
    criterion = r.only_child(e, where)
    kind = r.local(criterion)
    value = (criterion.text or "").strip()
    if kind == "DeviceID":
        if not _EUI.fullmatch(value):
            raise r.fail(f"{where}/sr:DeviceID", f"{value[:40]!r} is not an EUI-64")
        return ReadInventory(device_id=value.upper())
    if kind == "UPRN":
        return ReadInventory(uprn=value)
    if kind == "MPxN":
        return ReadInventory(mpxn=value)
    if kind == "PropertyFilter":
        sub = f"{where}/sr:PropertyFilter"
        return ReadInventory(
            post_code=r.text(criterion, "PostCode", sub),
            address_identifier=r.text(criterion, "AddressIdentifier", sub),
        )
    raise r.fail(where, f"unknown search criterion sr:{kind}")


def _commission_device(r: Reader, e: ET.Element, where: str) -> CommissionDevice:
    return CommissionDevice(
        current_datetime=r.date_time(e, "CurrentDateTime", where),
        tolerance_period=r.integer(e, "TolerancePeriod", where),
    )


_READERS: dict[str, Callable[[Reader, ET.Element, str], RequestBody]] = {
    "UpdateFirmware": _update_firmware,
    "UpdatePPMIDFirmware": _update_firmware,
    "ReadFirmwareVersion": _read_firmware_version,
    "ActivateFirmware": _activate_firmware,
    "UpdateSecurityCredentialsCoS": _update_credentials_cos,
    "ReadInventory": _read_inventory,
    "CommissionDeviceSynchroniseClock": _commission_device,
    "SignedPreCommand": _signed_pre_command,
}
