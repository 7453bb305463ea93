"""The two Table 22 checks that read the device's SMI status: E5 (R-E5-1..8) and E17 (R-E17-1..5)."""
from __future__ import annotations

from dsp.catalogue import TRANSFORM, ServiceRequestDefinition
from dsp.inventory import SmiRecord
from dsp.messages import ServiceRequest
from dsp.rulesets import DspSettings, RuleSet
from dsp.vocabulary import DeviceStatus, UserRole

_RECOVERY, _RECOVERED, _SUSPENDED = DeviceStatus.RECOVERY, DeviceStatus.RECOVERED, DeviceStatus.SUSPENDED

# R-E5-2: the statuses a device can be communicated with in
COMMUNICABLE = frozenset(
    (
        DeviceStatus.COMMISSIONED,
        DeviceStatus.INSTALLED_NOT_COMMISSIONED,
        DeviceStatus.WHITELISTED,
        DeviceStatus.PENDING,
        DeviceStatus.RECOVERED,
    )
)

# R-E17-2: the statuses a device may have for a request from each role to be delivered locally
_SUPPLIER_LOCAL = frozenset(
    (
        DeviceStatus.PENDING,
        DeviceStatus.WHITELISTED,
        DeviceStatus.INSTALLED_NOT_COMMISSIONED,
        DeviceStatus.COMMISSIONED,
    )
)
_OTHER_LOCAL = frozenset((DeviceStatus.INSTALLED_NOT_COMMISSIONED, DeviceStatus.COMMISSIONED))
LOCAL_DELIVERY_STATUSES: dict[UserRole, frozenset[DeviceStatus]] = {
    UserRole.IS: _SUPPLIER_LOCAL,
    UserRole.ES: _SUPPLIER_LOCAL,
    UserRole.GS: _SUPPLIER_LOCAL,
    UserRole.ED: _OTHER_LOCAL,
    UserRole.GT: _OTHER_LOCAL,
    UserRole.RSA: _OTHER_LOCAL,
    UserRole.OU: _OTHER_LOCAL,
}
NOT_LOCAL_SRVS = frozenset(("8.1.1",))  # R-E17-1: Commission Device is never delivered locally


def status_allows(
    request: ServiceRequest,
    definition: ServiceRequestDefinition,
    record: SmiRecord,
    ruleset: RuleSet,
    settings: DspSettings,
    transform_only: bool = False,
) -> bool:
    """The E5 check for one device (8.2 and 12.1 never reach it, R-E5-1)."""
    status = record.status
    if definition.critical:
        if transform_only and request.command_variant == TRANSFORM:
            return True  # R-E5-1: not applied to Critical Service Requests
        # R-E5-1: applied to Signed Pre-Commands only when the device is in Recovery; R-E5-7: the model's CV 4
        # sent to the device stands for the transform and its Signed Pre-Command at once
        return status is not _RECOVERY
    if status is _RECOVERY:
        return definition.non_device  # R-E5-4: Non-Device requests pass, subject to their own validation
    if status is _RECOVERED:
        status = record.status_before(_RECOVERY) or status  # R-E5-5
    if status in COMMUNICABLE:
        return True  # R-E5-2
    if status is _SUSPENDED:
        return allowed_when_suspended(request, definition, record, ruleset, settings)
    return False  # R-E5-2


def allowed_when_suspended(
    request: ServiceRequest,
    definition: ServiceRequestDefinition,
    record: SmiRecord,
    ruleset: RuleSet,
    settings: DspSettings,
) -> bool:
    """R-E5-3: the Non-Critical SRs a Suspended device still accepts."""
    if definition.suspended_exception:
        return True  # 11.1, 6.23
    srv = definition.srv
    if srv == "11.2":
        return ruleset.allows_11_2_when_suspended  # R-112-1
    if srv == "2.2":
        # R-E5-8: Annex B's E5 row does not except 2.2; a setting keeps the report's SMETS1 CV 2 exception
        return smets1_top_up(request, record, settings)
    return False


def local_delivery_allows(
    request: ServiceRequest, definition: ServiceRequestDefinition, record: SmiRecord, settings: DspSettings
) -> bool:
    """The E17 check for one device, for a request whose Command Variant asks for local delivery (R-E17-1)."""
    if definition.srv in NOT_LOCAL_SRVS:
        return False  # R-E17-1: 8.1.1 Commission Device
    if request.execution_time is not None or request.cancels:
        return False  # R-E17-1: a Future Dated Service (a cancellation is dated too: 3000-12-31)
    status = record.status
    if status is _RECOVERED:
        status = record.status_before(_RECOVERY) or status  # R-E17-3
    if status in LOCAL_DELIVERY_STATUSES[request.user.role]:
        return True  # R-E17-2
    # R-E17-5: the SMETS1 Top Up that R-E5-8's setting lets reach a Suspended device is delivered (the S1SP returns the
    # top-up code for the customer to key in; it is not a command over the HAN)
    return status is _SUSPENDED and definition.srv == "2.2" and smets1_top_up(request, record, settings)


def smets1_top_up(request: ServiceRequest, record: SmiRecord, settings: DspSettings) -> bool:
    """R-E5-8: 2.2 with CV 2 to a SMETS1 device, when the setting keeps the report's exception."""
    return settings.smets1_top_up_cv2_when_suspended and request.command_variant == 2 and record.smets == 1
