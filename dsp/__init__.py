"""The DSP model: pure, synchronous, no SimPy (see shared/ARCHITECTURE.md).

`DataServiceProvider` takes Service Requests, device messages and CPL changes with the current time and
returns an `Outcome`; everything it needs is re-exported here.
"""
from dsp.catalogue import CATALOGUE, ServiceRequestDefinition, definition
from dsp.cpl import CentralProductsList, CplEntry
from dsp.errors import DomainError
from dsp.identifiers import eui64, firmware_version, image_hash
from dsp.inventory import SmartMeteringInventory, SmiRecord
from dsp.messages import (
    Acknowledged,
    ActivationAlert,
    ActivationResponse,
    DccAlert,
    DeviceCommand,
    FirmwareImage,
    FirmwareVersionRead,
    ImageDistributed,
    LocalCommand,
    Outcome,
    ServiceRequest,
    ServiceResponse,
    SmiChange,
)
from dsp.rulesets import DspSettings, RuleSet
from dsp.service import DataServiceProvider, InventoryRow
from dsp.users import ServiceUser, UserRegistry
from dsp.vocabulary import (
    ALERT_ACTIVATION_FAILURE,
    ALERT_ACTIVATION_SUCCESS,
    ActivationOutcome,
    CplStatus,
    DeviceModel,
    DeviceStatus,
    DeviceType,
    ResponseCode,
    UserRole,
)

__all__ = [
    "ALERT_ACTIVATION_FAILURE",
    "ALERT_ACTIVATION_SUCCESS",
    "Acknowledged",
    "ActivationAlert",
    "ActivationOutcome",
    "ActivationResponse",
    "CATALOGUE",
    "CentralProductsList",
    "CplEntry",
    "CplStatus",
    "DataServiceProvider",
    "DccAlert",
    "DeviceCommand",
    "DeviceModel",
    "DeviceStatus",
    "DeviceType",
    "DomainError",
    "DspSettings",
    "FirmwareImage",
    "FirmwareVersionRead",
    "ImageDistributed",
    "InventoryRow",
    "LocalCommand",
    "Outcome",
    "ResponseCode",
    "RuleSet",
    "ServiceRequest",
    "ServiceRequestDefinition",
    "ServiceResponse",
    "ServiceUser",
    "SmartMeteringInventory",
    "SmiChange",
    "SmiRecord",
    "UserRegistry",
    "UserRole",
    "definition",
    "eui64",
    "firmware_version",
    "image_hash",
]
