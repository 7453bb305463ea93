"""Authorisation as DUIS Table 22 reads in the seed's Annex B: the first check that fails answers.

R-T22-1 (the default): E1 (user ID and role), E2 (role may send the SRV), E3 (user not suspended), E4
(eligible user; not for Critical SRs and Signed Pre-Commands), E5 (device status), E17 (Local Command
Services), E19 (the device exists; for a Non-Device request, the BusinessTargetID is the DCC Access
Control Broker). "If any of these checks fails ... no further checks are carried out." Before them the
DUIS validation check E11 (a device of a type the SR cannot target, R-E11-1).

R-T22-2 (a modelling option, DspSettings.table22_order): the rulebook's order, as the model had it
before: E19 (a device absent, or of a type the SR cannot target) before E4 and E5, and E4 for every SR.

The E5 and E17 rules themselves are `dsp.status_checks`.
"""
from __future__ import annotations

from dsp.catalogue import LOCAL_DELIVERY_VARIANTS, TRANSFORM, ServiceRequestDefinition
from dsp.identities import DCC_ACCESS_CONTROL_BROKER
from dsp.inventory import SmartMeteringInventory, SmiRecord
from dsp.messages import ServiceRequest
from dsp.rulesets import DspSettings, RuleSet, Table22Order
from dsp.status_checks import local_delivery_allows, status_allows
from dsp.users import UserRegistry
from dsp.vocabulary import DeviceStatus, ResponseCode

_E1, _E2, _E3, _E4, _E5, _E11, _E17, _E19 = (
    ResponseCode.E1,
    ResponseCode.E2,
    ResponseCode.E3,
    ResponseCode.E4,
    ResponseCode.E5,
    ResponseCode.E11,
    ResponseCode.E17,
    ResponseCode.E19,
)
_RULEBOOK = Table22Order.RULEBOOK
_RECOVERY = DeviceStatus.RECOVERY
# statuses in which a Non-Critical request passes E5 whatever it is (R-E5-2; Recovered is looked into)
_PLAIN_PASS = frozenset(
    (DeviceStatus.COMMISSIONED, DeviceStatus.INSTALLED_NOT_COMMISSIONED, DeviceStatus.WHITELISTED, DeviceStatus.PENDING)
)


def authorise(
    request: ServiceRequest,
    definition: ServiceRequestDefinition,
    inventory: SmartMeteringInventory,
    users: UserRegistry,
    ruleset: RuleSet,
    settings: DspSettings,
    *,
    transform_only: bool = False,
) -> ResponseCode | None:
    """The failing response code, or None when every check passes.

    `transform_only`: the request is a Critical SR (CV 4) to be answered with its Pre-Command, nothing
    sent to the device yet (DUIS serviceT): E5 is not applied to it (R-E5-1, R-E5-7).
    """
    if settings.table22_order is _RULEBOOK:
        return _rulebook_order(request, definition, inventory, users, ruleset, settings, transform_only)
    if definition.non_device:
        return _non_device(request, definition, inventory, users, ruleset, settings)
    # a request to one device, by its BusinessTargetID: the simulator's hot path, written out
    record = inventory.find(request.target)
    if record is not None and record.device_type not in definition.targets:
        return _E11  # R-E11-1: DUIS validation comes before authorisation
    user = request.user
    failure = _user_checks(request, definition, users)
    if failure is not None:
        return failure
    # R-E4-1: not for Critical SRs (their Signed Pre-Commands are Critical too), nor the exempt SRVs
    if not definition.critical and (not settings.e4_exempt_srvs or definition.srv not in settings.e4_exempt_srvs):
        if record is None or not inventory.eligible_user(record, user.user_id, user.role):
            return _E4  # R-E4-2: a device absent from the SMI has no Registration Data: E4 first
    if record is None:
        return _E19  # R-E19-1: checked last; E5 and E17 need the device's status
    status = record.status
    if definition.critical:
        if status is _RECOVERY and not (transform_only and request.command_variant == TRANSFORM):
            return _E5  # R-E5-1 / R-E5-7 (status_checks.status_allows says why)
    elif status not in _PLAIN_PASS and not status_allows(request, definition, record, ruleset, settings):
        return _E5
    if request.command_variant in LOCAL_DELIVERY_VARIANTS and not local_delivery_allows(request, definition, record, settings):
        return _E17
    return None


def _user_checks(
    request: ServiceRequest, definition: ServiceRequestDefinition, users: UserRegistry
) -> ResponseCode | None:
    """Table 22's checks of the sender, in both orders (R-T22-1, R-T22-2): E1 (the user ID and role are a
    valid pair), E2 (the role may send the SRV), E3 (the user is not suspended)."""
    user = request.user
    if not users.is_valid_pair(user):
        return _E1
    if user.role not in definition.roles:
        return _E2
    if users.is_suspended(user.user_id):
        return _E3
    return None


def _non_device(
    request: ServiceRequest,
    definition: ServiceRequestDefinition,
    inventory: SmartMeteringInventory,
    users: UserRegistry,
    ruleset: RuleSet,
    settings: DspSettings,
) -> ResponseCode | None:
    """R-T22-1 for a Non-Device request: its devices are named in the body (E4: "where the BusinessTargetID
    is specified in the Service Request itself"), each check taken over all of them in turn."""
    records = tuple(map(inventory.find, request.device_list))
    targets = definition.targets
    for record in records:
        if record is not None and record.device_type not in targets:
            return _E11  # R-E11-1
    user = request.user
    failure = _user_checks(request, definition, users)
    if failure is not None:
        return failure
    if definition.srv not in settings.e4_exempt_srvs:  # R-E4-1 (no Non-Device SR is Critical)
        eligible = inventory.eligible_user
        for record in records:
            if record is None or not eligible(record, user.user_id, user.role):
                return _E4  # R-E4-2
    if not definition.e5_exempt:  # R-E5-1
        for record in records:
            if record is not None and not status_allows(request, definition, record, ruleset, settings):
                return _E5
    if request.target != DCC_ACCESS_CONTROL_BROKER:
        return _E19  # R-E19-2: a Non-Device request goes to the DCC Access Control Broker
    return None


def _rulebook_order(
    request: ServiceRequest,
    definition: ServiceRequestDefinition,
    inventory: SmartMeteringInventory,
    users: UserRegistry,
    ruleset: RuleSet,
    settings: DspSettings,
    transform_only: bool,
) -> ResponseCode | None:
    """R-T22-2: E1, E2, E3, then device by device E19 (absent or of a type the SR cannot target), E4 (every
    SR), E5; then E17. The model's order before it followed the legal text, kept as a labelled option."""
    user = request.user
    failure = _user_checks(request, definition, users)
    if failure is not None:
        return failure
    non_device = definition.non_device
    if non_device and request.target != DCC_ACCESS_CONTROL_BROKER:
        return _E19  # R-E19-2
    if non_device and not request.device_list:
        return None  # 12.1, an 8.2 by address: no device to check
    records: list[SmiRecord] = []
    for device_id in request.device_list if non_device else (request.target,):
        record = inventory.find(device_id)
        if record is None or record.device_type not in definition.targets:
            return _E19  # R-T22-2: absent, or of a type the SR cannot target
        if definition.srv not in settings.e4_exempt_srvs and not inventory.eligible_user(record, user.user_id, user.role):
            return _E4  # R-T22-2: E4 for Critical SRs too
        if not definition.e5_exempt and not status_allows(request, definition, record, ruleset, settings, transform_only):
            return _E5
        records.append(record)
    if request.command_variant in LOCAL_DELIVERY_VARIANTS:
        for record in records:
            if not local_delivery_allows(request, definition, record, settings):
                return _E17  # the rulebook is silent on E17: it comes last
    return None
