"""What crosses the DSP's edges: Service Requests in, commands to devices, device responses and alerts
back, Service Responses and DCC Alerts out. Plain frozen records; the DSP and the devices exchange them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from dsp.records import frozen_record
from dsp.users import ServiceUser
from dsp.vocabulary import ActivationOutcome, DeviceStatus, DeviceType, ResponseCode, UserRole


@frozen_record
@dataclass(frozen=True, slots=True)
class FirmwareImage:
    """A firmware image as far as the model needs it: its version and its 32-byte hash."""

    version: str | None
    hash: bytes


@frozen_record
@dataclass(frozen=True, slots=True, eq=False)
class ServiceRequest:
    """A DUIS Service Request as the DSP sees it after parsing.

    `target` is the BusinessTargetID: the device, or for Non-Device SRs the DCC (11.1 names its devices
    in `device_list`). `execution_time` (simulated seconds) makes an 11.3 future dated.
    """

    srv: str
    user: ServiceUser
    target: str
    command_variant: int = 1
    request_id: str = ""
    device_list: tuple[str, ...] = ()
    firmware_version: str | None = None  # 11.1: the version of the image distributed
    firmware_hash: bytes | None = None  # 11.1 / 11.3: the image hash
    execution_time: float | None = None  # 11.3: future-dated activation
    cancels: bool = False  # 11.3 / 6.23: cancel the pending future-dated one (DUIS date 3000-12-31)


@frozen_record
@dataclass(frozen=True, slots=True, eq=False)
class DeviceCommand:
    """What the DSP sends a device for a passed request (R-E5-6). `image` for 11.1 and 11.3."""

    request: ServiceRequest
    device_id: str
    image: FirmwareImage | None = None


# --- what devices send back ------------------------------------------------------------------------


@frozen_record
@dataclass(frozen=True, slots=True, eq=False)
class FirmwareVersionRead:
    """11.2 response: the version the device runs (a GPF: its copy of its GSME's version, R-112-6)."""

    command: DeviceCommand
    version: str | None
    device_type: DeviceType


@frozen_record
@dataclass(frozen=True, slots=True, eq=False)
class ActivationResponse:
    """Immediate 11.3 response (R-DEV-2). `version` None: the response carries no version (R-113-3).
    `scheduled` True: a future-dated 11.3 was accepted; its outcome comes later as an ActivationAlert."""

    command: DeviceCommand
    outcome: ActivationOutcome
    version: str | None
    scheduled: bool = False


@frozen_record
@dataclass(frozen=True, slots=True, eq=False)
class ActivationAlert:
    """Device alert 0x8F66 (success) / 0x8F67 (failure), GBCS message code 0x00CA (R-FD-1)."""

    command: DeviceCommand
    alert_code: int
    outcome: ActivationOutcome
    version: str | None


@frozen_record
@dataclass(frozen=True, slots=True, eq=False)
class ImageDistributed:
    """11.1: the image reached the device (held=True) or did not."""

    command: DeviceCommand
    held: bool


@frozen_record
@dataclass(frozen=True, slots=True, eq=False)
class Acknowledged:
    """A device's plain success response to an SR whose content the model does not track (6.23, 2.2)."""

    command: DeviceCommand


@frozen_record
@dataclass(frozen=True, slots=True, eq=False)
class LocalCommand:
    """The Command for Local Delivery that a request with CV 2, 3, 6 or 7 is answered with (DUIS
    ``ResponseMessage/LocalCommand``, R-E17-4): `command` is the command the user is to deliver over the HAN,
    `device_type` the type of the device it is for (its GBCS encoding depends on it)."""

    command: DeviceCommand
    device_type: DeviceType | None = None


DeviceMessage = Union[FirmwareVersionRead, ActivationResponse, ActivationAlert, ImageDistributed, Acknowledged]


# --- what the DSP sends its users ------------------------------------------------------------------


@frozen_record
@dataclass(frozen=True, slots=True, eq=False)
class ServiceResponse:
    """A DUIS Service Response to the request's sender. `body` is the device message, or e.g. the
    inventory rows of an 8.2."""

    request: ServiceRequest
    code: ResponseCode
    time: float
    body: object = None


@frozen_record
@dataclass(frozen=True, slots=True)
class StatusChangePayload:
    """`DCCAlert/DeviceStatusChangeEvent`: `change` is DeviceSuspended or DeviceRestored."""

    device_id: str
    change: str
    status: DeviceStatus


@frozen_record
@dataclass(frozen=True, slots=True)
class FirmwareMismatchPayload:
    """`DCCAlert/FirmwareVersionMismatch`: the SMI's firmware against the device's (N52; also N50/N51 [model])."""

    device_id: str
    device_type: DeviceType
    smi_version: str
    device_version: str


@frozen_record
@dataclass(frozen=True, slots=True)
class DccAlert:
    """One DCC Alert delivered to one recipient user (R-ALERT-1)."""

    code: str
    device_id: str
    recipient: str
    recipient_role: UserRole
    payload: StatusChangePayload | FirmwareMismatchPayload
    time: float
    rule: str


@frozen_record
@dataclass(frozen=True, slots=True)
class SmiChange:
    """One change the DSP made to the SMI, with the rule that made it."""

    device_id: str
    field: str
    old: object
    new: object
    rule: str


_NONE: tuple[()] = ()


@frozen_record
@dataclass(frozen=True, slots=True, eq=False)
class Outcome:
    """What the DSP does in answer to one input: responses to users, commands to devices, DCC alerts,
    SMI changes. Every entry point of the DSP returns one."""

    responses: tuple[ServiceResponse, ...] = _NONE
    commands: tuple[DeviceCommand, ...] = _NONE
    alerts: tuple[DccAlert, ...] = _NONE
    changes: tuple[SmiChange, ...] = field(default=_NONE)

    @property
    def code(self) -> ResponseCode | None:
        """The response code of the first response, if any (the synchronous answer to a request)."""
        return self.responses[0].code if self.responses else None
