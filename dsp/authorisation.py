"""Authorisation in DUIS Table 22 order: E1, E2, E3, E19, E4, E5; the first failure answers (RULES §3).

[model] E19 is checked before E4 and E5, since both need the device.
"""
from __future__ import annotations

from dsp.catalogue import ServiceRequestDefinition
from dsp.inventory import SmartMeteringInventory, SmiRecord
from dsp.messages import ServiceRequest
from dsp.rulesets import RuleSet
from dsp.users import UserRegistry
from dsp.vocabulary import DeviceStatus, ResponseCode

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
_E5_EXEMPT_SRVS = frozenset(("8.2", "12.1"))  # R-E5-1
_SUSPENDED_EXCEPTIONS = frozenset(("11.1", "6.23"))  # R-E5-3 (legacy list; 2.2 CV2 SMETS1 and 11.2 below)


def authorise(
    request: ServiceRequest,
    definition: ServiceRequestDefinition,
    inventory: SmartMeteringInventory,
    users: UserRegistry,
    ruleset: RuleSet,
) -> ResponseCode | None:
    """The failing response code, or None when every check passes."""
    user = request.user
    if not users.is_valid_pair(user):
        return ResponseCode.E1
    if user.role not in definition.roles:
        return ResponseCode.E2
    if users.is_suspended(user.user_id):
        return ResponseCode.E3
    if definition.non_device and not request.device_list:
        return None  # 8.2, 12.1: no device to check
    for device_id in request.device_list or (request.target,):
        record = inventory.find(device_id)
        if record is None:
            return ResponseCode.E19
        if record.device_type not in definition.targets:
            return ResponseCode.E19  # [model] not a device this SRV can target
        if not inventory.eligible_user(record, user.user_id, user.role):
            return ResponseCode.E4
        if not status_allows(request, definition, record, ruleset):
            return ResponseCode.E5
    return None


def status_allows(
    request: ServiceRequest, definition: ServiceRequestDefinition, record: SmiRecord, ruleset: RuleSet
) -> bool:
    """The E5 check (R-E5-1..5)."""
    if definition.srv in _E5_EXEMPT_SRVS:
        return True  # R-E5-1
    status = record.status
    if status is DeviceStatus.RECOVERY:
        return definition.non_device  # R-E5-4 (a Critical SR's Signed Pre-Command is checked too, R-E5-1)
    if definition.critical:
        return True  # R-E5-1
    if status is DeviceStatus.RECOVERED:
        status = record.status_before(DeviceStatus.RECOVERY) or status  # R-E5-5
    if status in COMMUNICABLE:
        return True  # R-E5-2
    if status is DeviceStatus.SUSPENDED:
        return allowed_when_suspended(request, record, ruleset)
    return False  # R-E5-2


def allowed_when_suspended(request: ServiceRequest, record: SmiRecord, ruleset: RuleSet) -> bool:
    """R-E5-3: the Non-Critical SRs a Suspended device still accepts."""
    srv = request.srv
    if srv in _SUSPENDED_EXCEPTIONS:
        return True
    if srv == "2.2":
        return request.command_variant == 2 and record.smets == 1
    if srv == "11.2":
        return ruleset.allows_11_2_when_suspended  # R-112-1
    return False
