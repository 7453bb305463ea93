"""The domain's values: device types, SMI statuses, user roles, response codes, activation outcomes.

Names and spellings follow the DUIS XSD (`sr:DeviceType`, `sr:DeviceStatus`, `sr:ResponseCode`,
`ActivateImageResponseCode`), so they render to DUIS without translation tables.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import TYPE_CHECKING, Self

from dsp.errors import DomainError


if TYPE_CHECKING:
    _EnumMixin = Enum  # what _Parse is mixed into, so that mypy knows `cls` iterates over its members
else:
    _EnumMixin = object


class _Parse(_EnumMixin):
    """`Enum.parse(text)`: the edge's way in, with a one-line error naming the accepted values."""

    # Members are singletons compared by identity; the C identity hash keeps set and dict look-ups on the
    # simulator's hot path cheap (Enum's own __hash__ is Python code).
    __hash__ = object.__hash__

    @classmethod
    def parse(cls, value: object) -> Self:
        if isinstance(value, cls):
            return value
        for member in cls:
            if str(value).strip().lower() in (member.value.lower(), member.name.lower()):
                return member
        names = ", ".join(m.value for m in cls)
        label = re.sub(r"(?<!^)(?=[A-Z][a-z])", " ", cls.__name__).lower()
        raise DomainError(f"unknown {label} {value!r}: expected one of {names}")


class Fuel(Enum):
    ELECTRICITY = "electricity"
    GAS = "gas"


class UserRole(_Parse, Enum):
    """The DUIS roles of a Service User."""

    IS = "IS"  # Import Supplier
    ES = "ES"  # Export Supplier
    GS = "GS"  # Gas Supplier
    RSA = "RSA"  # Registered Supplier Agent
    ED = "ED"  # Electricity Distributor
    GT = "GT"  # Gas Transporter
    OU = "OU"  # Other User


class DeviceType(_Parse, Enum):
    """The Type 1 devices: they hold an SMI status and firmware."""

    ESME = "ESME"
    GSME = "GSME"
    GPF = "GPF"
    CHF = "CHF"
    PPMID = "PPMID"
    HCALCS = "HCALCS"

    @property
    def fuel(self) -> Fuel:
        return Fuel.GAS if self is DeviceType.GSME or self is DeviceType.GPF else Fuel.ELECTRICITY

    @property
    def supplier_role(self) -> UserRole:
        """The role of the responsible supplier (RULES §1: IS for electricity devices, GS for gas)."""
        return UserRole.GS if self is DeviceType.GSME or self is DeviceType.GPF else UserRole.IS

    @property
    def network_operator_role(self) -> UserRole:
        """The role of the network operator (ED for electricity, GT for gas)."""
        return UserRole.GT if self is DeviceType.GSME or self is DeviceType.GPF else UserRole.ED


# The two roles above as plain look-ups, for the hot paths of authorisation (E4) and alert routing
SUPPLIER_ROLE: dict[DeviceType, UserRole] = {t: t.supplier_role for t in DeviceType}
NETWORK_OPERATOR_ROLE: dict[DeviceType, UserRole] = {t: t.network_operator_role for t in DeviceType}


class DeviceStatus(_Parse, Enum):
    """SMI status: the DUIS `DeviceStatus` values."""

    PENDING = "Pending"
    WHITELISTED = "Whitelisted"
    INSTALLED_NOT_COMMISSIONED = "InstalledNotCommissioned"
    COMMISSIONED = "Commissioned"
    DECOMMISSIONED = "Decommissioned"
    WITHDRAWN = "Withdrawn"
    SUSPENDED = "Suspended"
    RECOVERY = "Recovery"
    RECOVERED = "Recovered"
    NOT_APPLICABLE = "NotApplicable"


class CplStatus(_Parse, Enum):
    """Status of an entry in the Central Products List."""

    CURRENT = "Current"
    REMOVED = "Removed"


class ResponseCode(_Parse, Enum):
    """DUIS `sr:ResponseCode`: the ones this model produces."""

    I0 = "I0"
    I99 = "I99"
    E1 = "E1"
    E2 = "E2"
    E3 = "E3"
    E4 = "E4"
    E5 = "E5"
    E11 = "E11"
    E12 = "E12"
    E13 = "E13"
    E17 = "E17"
    E19 = "E19"
    E21 = "E21"

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]

    @property
    def is_error(self) -> bool:
        return self.value.startswith("E")


_MEANINGS = {
    ResponseCode.I0: "Success",
    ResponseCode.I99: "Acknowledgement: request accepted and sent to the device",
    ResponseCode.E1: "Failed authorisation: user ID and role are not a valid pair",
    ResponseCode.E2: "Failed authorisation: role may not send this Service Request",
    ResponseCode.E3: "Failed authorisation: user is suspended",
    ResponseCode.E4: "Failed authorisation: user is not an eligible user for the device",
    ResponseCode.E5: "Failed authorisation: invalid device status",
    ResponseCode.E11: "Failed validation: Service Request not compatible with the device",
    ResponseCode.E12: "Failed validation: Command Variant not applicable to the Request type",
    ResponseCode.E13: "Failed validation: Request type not valid for the URL",
    ResponseCode.E17: "Failed authorisation: not available for Local Command Services (user role / device status)",
    ResponseCode.E19: "Failed authorisation: the device does not exist",
    ResponseCode.E21: "No response received from the device",
}


class ActivationOutcome(_Parse, IntEnum):
    """GBCS ActivateImageResponseCode of an 11.3 response or activation alert."""

    SUCCESS = 0
    NO_IMAGE_HELD = 1
    HASH_MISMATCH = 2
    ACTIVATION_FAILURE = 3

    @property
    def duis_name(self) -> str:
        return ("success", "noImageHeld", "hashMismatch", "activationFailure")[self.value]

    @classmethod
    def parse(cls, value: object) -> "ActivationOutcome":
        if isinstance(value, cls):
            return value
        text = str(value).strip().lower().replace("_", "")
        for member in cls:
            if text in (member.duis_name.lower(), member.name.lower().replace("_", ""), str(member.value)):
                return member
        raise DomainError(
            f"unknown activation outcome {value!r}: expected one of success, noImageHeld, hashMismatch, activationFailure"
        )


# Future-dated activation alerts (GBCS message code 0x00CA), R-FD-1
ALERT_ACTIVATION_SUCCESS = 0x8F66
ALERT_ACTIVATION_FAILURE = 0x8F67


@dataclass(frozen=True, slots=True)
class DeviceModel:
    """A device model as the CPL keys it (manufacturer, model, hardware version)."""

    manufacturer: str
    model: str
    hardware_version: str = "01"

    def __str__(self) -> str:
        return f"{self.manufacturer}/{self.model}/{self.hardware_version}"

    @classmethod
    def default_for(cls, device_type: DeviceType) -> "DeviceModel":
        """The model a device gets when a scenario names none: one per device type."""
        return _DEFAULT_MODELS[device_type]

    @classmethod
    def parse(cls, text: str) -> "DeviceModel":
        parts = [p.strip() for p in str(text).split("/")]
        if not 1 <= len(parts) <= 3 or not all(parts):
            raise DomainError(f"malformed device model {text!r}: expected MANUFACTURER/MODEL[/HARDWARE]")
        if len(parts) == 1:
            return cls("DB", parts[0])
        return cls(*parts)


_DEFAULT_MODELS = {t: DeviceModel("DB", f"{t.value}-1") for t in DeviceType}
